"""Deferred imports of the headless engine (addin/_lazy_imports.py, addin/engine/bridge.py).

Import state is per process, so each scenario runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

# formulas worksheet functions whose implementation uses scipy.stats, scipy.linalg or
# scipy.interpolate.interp1d (FORECAST.ETS with a gap in the timeline fills it with
# interp1d, and interpolates its forecast with it), plus two that do not
EXPRESSIONS = [
    "=T.TEST({1,2,3,4},{2,3,4,6},2,2)",  # stats.t.sf
    "=T.DIST(1.5,4,TRUE)",  # stats.t.cdf
    "=CHISQ.DIST.RT(3.2,2)",  # stats.chi2.sf
    "=SKEW({1,2,3,10})",  # stats.skew
    "=LINEST({1,2,3.5},{1,2,3})",  # linalg.lstsq
    "=FORECAST.ETS(8,{1,2,3,4,5},{1,2,4,5,6})",  # interp1d (gap at 3)
    "=NORM.S.DIST(1,TRUE)",  # statistics.NormalDist
    "=AVERAGE(1,2,3)+MAX(4,5)",
]

_EVAL = textwrap.dedent(
    """
    import json, sys
    import formulas

    def ev(s):
        out = formulas.Parser().ast(s)[1].compile()()
        return out.tolist() if hasattr(out, "tolist") else out

    results = [ev(s) for s in json.loads(sys.argv[1])]
    """
)


def _run(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_get_functions_does_not_import_scipy():
    res = _run(
        """
        import json, sys
        from agglo_addin.engine.bridge import defer_scipy_for_formulas
        applied = defer_scipy_for_formulas()
        import formulas.functions as ff
        table = ff.get_functions()
        import formulas.functions.stat as st
        print(json.dumps({
            "applied": applied,
            "scipy": sorted(m for m in sys.modules if m == "scipy" or m.startswith("scipy.")),
            "have": [n in table for n in ("AVERAGE", "MAX", "MIN", "T.TEST", "NORM.DIST")],
            "stand_ins": [repr(st.stats), repr(st.linalg), repr(st.interp1d)],
            "again": defer_scipy_for_formulas(),
        }))
        """
    )
    assert res["applied"] is True
    assert res["scipy"] == []
    assert res["have"] == [True] * 5
    assert res["stand_ins"] == [
        "<deferred scipy.stats>",
        "<deferred scipy.linalg>",
        "<deferred scipy.interpolate.interp1d>",
    ]
    assert res["again"] is False  # stat already imported: nothing to do


def test_formulas_results_identical_with_and_without_deferral():
    exprs = json.dumps(EXPRESSIONS)
    plain = _run(_EVAL + "print(json.dumps(results))", exprs)
    deferred = _run(
        "from agglo_addin.engine.bridge import defer_scipy_for_formulas\n"
        "assert defer_scipy_for_formulas()\n"
        + _EVAL
        + textwrap.dedent(
            """
            import scipy.stats, scipy.linalg, scipy.interpolate
            import formulas.functions.stat as st
            print(json.dumps({
                "results": results,
                # first use replaced the stand-ins by the real objects
                "rebound": [st.stats is scipy.stats, st.linalg is scipy.linalg,
                            st.interp1d is scipy.interpolate.interp1d],
            }))
            """
        ),
        exprs,
    )
    assert deferred["results"] == plain
    assert deferred["rebound"] == [True, True, True]
    # published/standard values: Φ(1) = 0.841344746068543; Student t-test p-value of
    # the two samples (equal variances), as scipy.stats.ttest_ind gives it
    assert plain[-2] == pytest.approx(0.841344746068543, abs=1e-12)
    assert plain[0] == pytest.approx(0.2872081404442227, rel=1e-9)
    assert plain[-1] == 7


def test_later_scipy_imports_get_the_real_modules():
    res = _run(
        """
        import json, sys
        from agglo_addin.engine.bridge import defer_scipy_for_formulas
        defer_scipy_for_formulas()
        import scipy.stats
        from scipy.interpolate import interp1d
        from scipy import linalg
        import formulas
        t = formulas.Parser().ast("=T.DIST(1.5,4,TRUE)")[1].compile()()
        import formulas.functions.stat as st
        print(json.dumps({
            "cdf": float(scipy.stats.norm.cdf(0)),
            "interp": float(interp1d([0, 1], [0, 10])(0.25)),
            "det": float(linalg.det([[2.0, 0.0], [0.0, 3.0]])),
            "files": [bool(getattr(sys.modules[m], "__file__", None))
                      for m in ("scipy", "scipy.stats", "scipy.linalg", "scipy.interpolate")],
            "attr": sys.modules["scipy"].stats is scipy.stats,
            "tdist": float(t),
            "same": st.stats is scipy.stats,
        }))
        """
    )
    assert res["cdf"] == 0.5
    assert res["interp"] == 2.5
    assert res["det"] == pytest.approx(6.0)
    assert res["files"] == [True] * 4
    assert res["attr"] is True
    # T.DIST(1.5, 4, TRUE) = 0.8960000 (Student t CDF, 4 degrees of freedom)
    assert res["tdist"] == pytest.approx(0.8960000000, abs=1e-6)
    assert res["same"] is True


def test_scipy_package_already_imported():
    res = _run(
        """
        import json, sys
        import scipy
        from agglo_addin.engine.bridge import defer_scipy_for_formulas
        applied = defer_scipy_for_formulas()
        loaded = sorted(m for m in ("scipy.stats", "scipy.linalg", "scipy.interpolate")
                        if m in sys.modules)
        leftover = sorted(k for k, v in vars(scipy).items()
                          if getattr(v, "_agglo_stand_in", False))
        import formulas
        p = formulas.Parser().ast("=CHISQ.DIST.RT(3.2,2)")[1].compile()()
        import scipy.stats
        print(json.dumps({"applied": applied, "loaded": loaded, "leftover": leftover,
                          "p": float(p), "real": bool(scipy.stats.__file__)}))
        """
    )
    assert res["applied"] is True
    assert res["loaded"] == []
    assert res["leftover"] == []
    # chi-square upper tail with 2 degrees of freedom is exp(-x/2)
    assert res["p"] == pytest.approx(0.20189651799465538, rel=1e-12)
    assert res["real"] is True


def test_nothing_done_when_scipy_stats_already_imported():
    res = _run(
        """
        import json, sys
        import scipy.stats, scipy.linalg, scipy.interpolate
        from agglo_addin.engine.bridge import defer_scipy_for_formulas
        applied = defer_scipy_for_formulas()
        import formulas.functions as ff
        ff.get_functions()
        import formulas.functions.stat as st
        print(json.dumps({"applied": applied, "real": st.stats is scipy.stats}))
        """
    )
    assert res == {"applied": False, "real": True}


def test_stand_ins_removed_when_the_import_fails():
    from agglo_addin import _lazy_imports
    from agglo_addin.engine import bridge

    before = {k: v for k, v in sys.modules.items() if k.startswith("scipy")}

    def fail_inside():
        with _lazy_imports._scipy_stand_ins("no.such.owner", bridge._SCIPY_NAMES):
            assert "scipy.interpolate" in sys.modules
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_inside()
    after = {k: v for k, v in sys.modules.items() if k.startswith("scipy")}
    assert after.keys() == before.keys()
    assert all(after[k] is before[k] for k in before)


def test_formula_tokenizer_without_openpyxl():
    formulas_ = [
        "SUM(A1:B2)*2",
        'IF(A1>1,"hi","lo")',
        "LQ(Data!B2,Data!F2,Data!B$1002,Data!F$1002)",
        "{1,2;3,4}",
        "'my sheet'!A1&\"x\"",
        "-1E-3+#N/A",
    ]
    res = _run(
        """
        import json, sys
        from agglo_addin._lazy_imports import formula_tokenizer
        Tok = formula_tokenizer()
        no_openpyxl = "openpyxl" not in sys.modules
        again = formula_tokenizer() is Tok
        def toks(T, s):
            return [[t.value, t.type, t.subtype] for t in T("=" + s).items]
        ours = [toks(Tok, s) for s in json.loads(sys.argv[1])]
        from openpyxl.formula.tokenizer import Tokenizer
        real = [toks(Tokenizer, s) for s in json.loads(sys.argv[1])]
        print(json.dumps({"no_openpyxl": no_openpyxl, "again": again, "same": ours == real,
                          "n": sum(map(len, ours)), "after": formula_tokenizer() is Tokenizer}))
        """,
        json.dumps(formulas_),
    )
    assert res["no_openpyxl"] is True
    assert res["again"] is True
    assert res["same"] is True
    assert res["n"] > 30
    assert res["after"] is True


def test_formula_translator_without_openpyxl():
    cases = [
        ("=SUM(A1:B2)+$C$3*Sheet2!D4", "E5", "F7"),
        ("=A:A+$1:$1+'my sheet'!$B2", "C3", "E9"),
        ('=VLOOKUP(A2,Data!$A$2:$F$1002,2,FALSE)&"A1"', "B2", "B900"),
        ("=IF(A2>1,LQ(A2,B2,A$1002,B$1002),#N/A)", "D2", "D3"),
    ]
    res = _run(
        """
        import json, sys
        from agglo_addin._lazy_imports import formula_translator
        Tr = formula_translator()
        no_openpyxl = "openpyxl" not in sys.modules and "openpyxl.utils" not in sys.modules
        cases = json.loads(sys.argv[1])
        ours = [Tr(f, a).translate_formula(b) for f, a, b in cases]
        import openpyxl.utils
        from openpyxl.formula.translate import Translator
        real = [Translator(f, a).translate_formula(b) for f, a, b in cases]
        print(json.dumps({"no_openpyxl": no_openpyxl, "ours": ours, "real": real,
                          "utils_real": bool(getattr(openpyxl.utils, "__file__", None)),
                          "letter": openpyxl.utils.get_column_letter(28),
                          "after": formula_translator() is Translator}))
        """,
        json.dumps(cases),
    )
    assert res["no_openpyxl"] is True
    assert res["ours"] == res["real"]
    assert res["ours"][0] == "=SUM(B3:C4)+$C$3*Sheet2!E6"
    assert res["ours"][1] == "=C:C+$1:$1+'my sheet'!$B8"
    assert res["ours"][2] == '=VLOOKUP(A900,Data!$A$2:$F$1002,2,FALSE)&"A1"'
    assert res["ours"][3] == "=IF(A3>1,LQ(A3,B3,A$1002,B$1002),#N/A)"
    assert res["utils_real"] is True
    assert res["letter"] == "AB"
    assert res["after"] is True
