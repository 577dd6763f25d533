"""Worksheet-function metadata as Excel's "Import Functions" sees it (classic xlwings).

``xlwings.udfs`` (BSD) is imported with the three Windows-only pywin32 modules stubbed,
the wrappers are decorated with its real ``xlfunc``/``xlarg`` and its real
``import_udfs`` runs against a recording stand-in workbook: the generated VBA module
and every ``Application.MacroOptions`` call (descriptions, category, argument help)
are checked here without Windows.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path
from unittest import mock

import pytest
from agglo.cells import MAX_COLUMNS, MAX_ROWS, column_index
from agglo_addin import udfs

UDFS_PATH = Path(udfs.__file__)

#: Excel's built-in worksheet function names: openpyxl's list (Excel 2010), the names the
#: ``formulas`` package implements (incl. Excel 2013–365 functions), and the Microsoft 365
#: functions neither has, checked against Microsoft's "Excel functions (alphabetical)".
#: The last test below checks that this list still contains both packages' lists.
EXCEL_BUILTINS = frozenset(
    [
        "ABS",
        "ACCRINT",
        "ACCRINTM",
        "ACOS",
        "ACOSH",
        "ACOT",
        "ACOTH",
        "ADDRESS",
        "AGGREGATE",
        "AMORDEGRC",
        "AMORLINC",
        "ANCHORARRAY",
        "AND",
        "ARABIC",
        "AREAS",
        "ARRAYTOTEXT",
        "ASC",
        "ASIN",
        "ASINH",
        "ATAN",
        "ATAN2",
        "ATANH",
        "AVEDEV",
        "AVERAGE",
        "AVERAGEA",
        "AVERAGEIF",
        "AVERAGEIFS",
        "BAHTTEXT",
        "BASE",
        "BESSELI",
        "BESSELJ",
        "BESSELK",
        "BESSELY",
        "BETA.DIST",
        "BETA.INV",
        "BETADIST",
        "BETAINV",
        "BIN2DEC",
        "BIN2HEX",
        "BIN2OCT",
        "BINOM.DIST",
        "BINOM.DIST.RANGE",
        "BINOM.INV",
        "BINOMDIST",
        "BITAND",
        "BITLSHIFT",
        "BITOR",
        "BITRSHIFT",
        "BITXOR",
        "BYCOL",
        "BYROW",
        "CALL",
        "CEILING",
        "CEILING.MATH",
        "CEILING.PRECISE",
        "CELL",
        "CHAR",
        "CHIDIST",
        "CHIINV",
        "CHISQ.DIST",
        "CHISQ.DIST.RT",
        "CHISQ.INV",
        "CHISQ.INV.RT",
        "CHISQ.TEST",
        "CHITEST",
        "CHOOSE",
        "CHOOSECOLS",
        "CHOOSEROWS",
        "CLEAN",
        "CODE",
        "COLUMN",
        "COLUMNS",
        "COMBIN",
        "COMBINA",
        "COMPLEX",
        "CONCAT",
        "CONCATENATE",
        "CONFIDENCE",
        "CONFIDENCE.NORM",
        "CONFIDENCE.T",
        "CONVERT",
        "COPILOT",
        "CORREL",
        "COS",
        "COSH",
        "COT",
        "COTH",
        "COUNT",
        "COUNTA",
        "COUNTBLANK",
        "COUNTIF",
        "COUNTIFS",
        "COUPDAYBS",
        "COUPDAYS",
        "COUPDAYSNC",
        "COUPNCD",
        "COUPNUM",
        "COUPPCD",
        "COVAR",
        "COVARIANCE.P",
        "COVARIANCE.S",
        "CRITBINOM",
        "CSC",
        "CSCH",
        "CUBEKPIMEMBER",
        "CUBEMEMBER",
        "CUBEMEMBERPROPERTY",
        "CUBERANKEDMEMBER",
        "CUBESET",
        "CUBESETCOUNT",
        "CUBEVALUE",
        "CUMIPMT",
        "CUMPRINC",
        "DATE",
        "DATEDIF",
        "DATESTRING",
        "DATEVALUE",
        "DAVERAGE",
        "DAY",
        "DAYS",
        "DAYS360",
        "DB",
        "DBCS",
        "DCOUNT",
        "DCOUNTA",
        "DDB",
        "DEC2BIN",
        "DEC2HEX",
        "DEC2OCT",
        "DECIMAL",
        "DEGREES",
        "DELTA",
        "DETECTLANGUAGE",
        "DEVSQ",
        "DGET",
        "DISC",
        "DMAX",
        "DMIN",
        "DOLLAR",
        "DOLLARDE",
        "DOLLARFR",
        "DPRODUCT",
        "DROP",
        "DSTDEV",
        "DSTDEVP",
        "DSUM",
        "DURATION",
        "DVAR",
        "DVARP",
        "ECMA.CEILING",
        "EDATE",
        "EFFECT",
        "ENCODEURL",
        "EOMONTH",
        "ERF",
        "ERF.PRECISE",
        "ERFC",
        "ERFC.PRECISE",
        "ERROR.TYPE",
        "EUROCONVERT",
        "EVEN",
        "EXACT",
        "EXP",
        "EXPAND",
        "EXPON.DIST",
        "EXPONDIST",
        "F.DIST",
        "F.DIST.RT",
        "F.INV",
        "F.INV.RT",
        "F.TEST",
        "FACT",
        "FACTDOUBLE",
        "FALSE",
        "FDIST",
        "FIELDVALUE",
        "FILTER",
        "FILTERXML",
        "FIND",
        "FINDB",
        "FINV",
        "FISHER",
        "FISHERINV",
        "FIXED",
        "FLOOR",
        "FLOOR.MATH",
        "FLOOR.PRECISE",
        "FORECAST",
        "FORECAST.ETS",
        "FORECAST.ETS.CONFINT",
        "FORECAST.ETS.SEASONALITY",
        "FORECAST.ETS.STAT",
        "FORECAST.LINEAR",
        "FORMULATEXT",
        "FREQUENCY",
        "FTEST",
        "FV",
        "FVSCHEDULE",
        "GAMMA",
        "GAMMA.DIST",
        "GAMMA.INV",
        "GAMMADIST",
        "GAMMAINV",
        "GAMMALN",
        "GAMMALN.PRECISE",
        "GAUSS",
        "GCD",
        "GEOMEAN",
        "GESTEP",
        "GETPIVOTDATA",
        "GROUPBY",
        "GROWTH",
        "HARMEAN",
        "HEX2BIN",
        "HEX2DEC",
        "HEX2OCT",
        "HLOOKUP",
        "HOUR",
        "HSTACK",
        "HYPERLINK",
        "HYPGEOM.DIST",
        "HYPGEOMDIST",
        "IF",
        "IFERROR",
        "IFNA",
        "IFS",
        "IMABS",
        "IMAGE",
        "IMAGINARY",
        "IMARGUMENT",
        "IMCONJUGATE",
        "IMCOS",
        "IMCOSH",
        "IMCOT",
        "IMCSC",
        "IMCSCH",
        "IMDIV",
        "IMEXP",
        "IMLN",
        "IMLOG10",
        "IMLOG2",
        "IMPOWER",
        "IMPRODUCT",
        "IMREAL",
        "IMSEC",
        "IMSECH",
        "IMSIN",
        "IMSINH",
        "IMSQRT",
        "IMSUB",
        "IMSUM",
        "IMTAN",
        "INDEX",
        "INDIRECT",
        "INFO",
        "INT",
        "INTERCEPT",
        "INTRATE",
        "IPMT",
        "IRR",
        "ISBLANK",
        "ISERR",
        "ISERROR",
        "ISEVEN",
        "ISFORMULA",
        "ISLOGICAL",
        "ISNA",
        "ISNONTEXT",
        "ISNUMBER",
        "ISO.CEILING",
        "ISODD",
        "ISOMITTED",
        "ISOWEEKNUM",
        "ISPMT",
        "ISREF",
        "ISTEXT",
        "JIS",
        "KURT",
        "LAMBDA",
        "LARGE",
        "LCM",
        "LEFT",
        "LEFTB",
        "LEN",
        "LENB",
        "LET",
        "LINEST",
        "LN",
        "LOG",
        "LOG10",
        "LOGEST",
        "LOGINV",
        "LOGNORM.DIST",
        "LOGNORM.INV",
        "LOGNORMDIST",
        "LOOKUP",
        "LOWER",
        "MAKEARRAY",
        "MAP",
        "MATCH",
        "MAX",
        "MAXA",
        "MAXIFS",
        "MDETERM",
        "MDURATION",
        "MEDIAN",
        "MID",
        "MIDB",
        "MIN",
        "MINA",
        "MINIFS",
        "MINUTE",
        "MINVERSE",
        "MIRR",
        "MMULT",
        "MOD",
        "MODE",
        "MODE.MULT",
        "MODE.SNGL",
        "MONTH",
        "MROUND",
        "MULTINOMIAL",
        "MUNIT",
        "N",
        "NA",
        "NEGBINOM.DIST",
        "NEGBINOMDIST",
        "NETWORKDAYS",
        "NETWORKDAYS.INTL",
        "NOMINAL",
        "NORM.DIST",
        "NORM.INV",
        "NORM.S.DIST",
        "NORM.S.INV",
        "NORMDIST",
        "NORMINV",
        "NORMSDIST",
        "NORMSINV",
        "NOT",
        "NOW",
        "NPER",
        "NPV",
        "NUMBERSTRING",
        "NUMBERVALUE",
        "OCT2BIN",
        "OCT2DEC",
        "OCT2HEX",
        "ODD",
        "ODDFPRICE",
        "ODDFYIELD",
        "ODDLPRICE",
        "ODDLYIELD",
        "OFFSET",
        "OR",
        "PDURATION",
        "PEARSON",
        "PERCENTILE",
        "PERCENTILE.EXC",
        "PERCENTILE.INC",
        "PERCENTOF",
        "PERCENTRANK",
        "PERCENTRANK.EXC",
        "PERCENTRANK.INC",
        "PERMUT",
        "PERMUTATIONA",
        "PHI",
        "PHONETIC",
        "PI",
        "PIVOTBY",
        "PMT",
        "POISSON",
        "POISSON.DIST",
        "POWER",
        "PPMT",
        "PRICE",
        "PRICEDISC",
        "PRICEMAT",
        "PROB",
        "PRODUCT",
        "PROPER",
        "PV",
        "PY",
        "QUARTILE",
        "QUARTILE.EXC",
        "QUARTILE.INC",
        "QUOTIENT",
        "RADIANS",
        "RAND",
        "RANDARRAY",
        "RANDBETWEEN",
        "RANK",
        "RANK.AVG",
        "RANK.EQ",
        "RATE",
        "RECEIVED",
        "REDUCE",
        "REGEXEXTRACT",
        "REGEXREPLACE",
        "REGEXTEST",
        "REGISTER.ID",
        "REPLACE",
        "REPLACEB",
        "REPT",
        "RIGHT",
        "RIGHTB",
        "ROMAN",
        "ROUND",
        "ROUNDDOWN",
        "ROUNDUP",
        "ROW",
        "ROWS",
        "RRI",
        "RSQ",
        "RTD",
        "SCAN",
        "SEARCH",
        "SEARCHB",
        "SEC",
        "SECH",
        "SECOND",
        "SEQUENCE",
        "SERIESSUM",
        "SHEET",
        "SHEETS",
        "SIGN",
        "SIN",
        "SINGLE",
        "SINH",
        "SKEW",
        "SKEW.P",
        "SLN",
        "SLOPE",
        "SMALL",
        "SORT",
        "SORTBY",
        "SQL.REQUEST",
        "SQRT",
        "SQRTPI",
        "STANDARDIZE",
        "STDEV",
        "STDEV.P",
        "STDEV.S",
        "STDEVA",
        "STDEVP",
        "STDEVPA",
        "STEYX",
        "STOCKHISTORY",
        "SUBSTITUTE",
        "SUBTOTAL",
        "SUM",
        "SUMIF",
        "SUMIFS",
        "SUMPRODUCT",
        "SUMSQ",
        "SUMX2MY2",
        "SUMX2PY2",
        "SUMXMY2",
        "SWITCH",
        "SYD",
        "T",
        "T.DIST",
        "T.DIST.2T",
        "T.DIST.RT",
        "T.INV",
        "T.INV.2T",
        "T.TEST",
        "TAKE",
        "TAN",
        "TANH",
        "TBILLEQ",
        "TBILLPRICE",
        "TBILLYIELD",
        "TDIST",
        "TEXT",
        "TEXTAFTER",
        "TEXTBEFORE",
        "TEXTJOIN",
        "TEXTSPLIT",
        "TIME",
        "TIMEVALUE",
        "TINV",
        "TOCOL",
        "TODAY",
        "TOROW",
        "TRANSLATE",
        "TRANSPOSE",
        "TREND",
        "TRIM",
        "TRIMMEAN",
        "TRIMRANGE",
        "TRUE",
        "TRUNC",
        "TTEST",
        "TYPE",
        "UNICHAR",
        "UNICODE",
        "UNIQUE",
        "UPPER",
        "USDOLLAR",
        "VALUE",
        "VALUETOTEXT",
        "VAR",
        "VAR.P",
        "VAR.S",
        "VARA",
        "VARP",
        "VARPA",
        "VDB",
        "VLOOKUP",
        "VSTACK",
        "WEBSERVICE",
        "WEEKDAY",
        "WEEKNUM",
        "WEIBULL",
        "WEIBULL.DIST",
        "WORKDAY",
        "WORKDAY.INTL",
        "WRAPCOLS",
        "WRAPROWS",
        "XIRR",
        "XLOOKUP",
        "XMATCH",
        "XNPV",
        "XOR",
        "YEAR",
        "YEARFRAC",
        "YIELD",
        "YIELDDISC",
        "YIELDMAT",
        "Z.TEST",
        "ZTEST",
    ]
)


# --------------------------------------------------------------------------------------
# classic xlwings metadata with stubbed pywin32
# --------------------------------------------------------------------------------------


class _ComError(Exception):
    pass


def _stub_modules() -> dict[str, types.ModuleType]:
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = _ComError
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda x: x
    win32com.client = client
    return {
        "pythoncom": pythoncom,
        "pywintypes": pywintypes,
        "win32com": win32com,
        "win32com.client": client,
    }


class _Recorder:
    """The parts of an Excel workbook COM object that ``import_udfs`` touches."""

    Name = "Agglo.xlam"
    FullName = "C:\\Agglo\\Agglo.xlam"

    def __init__(self) -> None:
        self.vba = ""
        self.macro_options: dict[str, dict] = {}
        recorder = self

        class Components:
            def __call__(self, name):
                raise _ComError(name)

            def Remove(self, component):  # noqa: N802 (COM name)
                pass

            def Import(self, path):  # noqa: N802 (COM name)
                recorder.vba = Path(path).read_text()

        class Application:
            Version = "16.0"

            def MacroOptions(self, macro, **kwargs):  # noqa: N802 (COM name)
                recorder.macro_options[macro] = kwargs

        self.VBProject = types.SimpleNamespace(VBComponents=Components())
        self.Application = Application()


@pytest.fixture(scope="module")
def classic():
    """(xlwings.udfs, the wrappers module decorated by it, the recorded import)."""
    import xlwings as xw

    saved = {k: sys.modules.get(k) for k in ("xlwings.udfs",)}
    with mock.patch.dict(sys.modules, _stub_modules()):
        sys.modules.pop("xlwings.udfs", None)
        xlu = importlib.import_module("xlwings.udfs")
        with (
            mock.patch.object(xw, "func", xlu.xlfunc),
            mock.patch.object(xw, "arg", xlu.xlarg),
            mock.patch.object(xw, "ret", xlu.xlret),
        ):
            spec = importlib.util.spec_from_file_location("agglo_addin._udfs_classic", UDFS_PATH)
            module = importlib.util.module_from_spec(spec)
            module.__package__ = "agglo_addin"
            spec.loader.exec_module(module)
        book = _Recorder()
        xlu.udf_modules["agglo_addin.udfs"] = {
            "module": module,
            "filetime": None,
            "filename": None,
        }
        try:
            xlu.import_udfs("agglo_addin.udfs", book)
        finally:
            xlu.udf_modules.pop("agglo_addin.udfs", None)
        yield xlu, module, book
    for k, v in saved.items():
        if v is None:
            sys.modules.pop(k, None)
        else:
            sys.modules[k] = v


NAMES = sorted(udfs.REGISTRY)


def test_registry_has_every_measure_of_the_issue():
    required = {
        "LQ", "LQSCORE", "HHI", "CRN", "GINI", "SPATIALGINI", "LOCGINI", "LQGINI", "EG", "MS",
        "KRUGMAN", "HOOVER", "GROWTHRATE", "CAGR", "CAGRCUM", "PRIMACY", "SHARE",
        "PROFITMARGIN", "CORRTEST", "OLS", "NORMALIZE", "ENTROPY", "CRITIC", "AHP",
        "RANDWEIGHTS", "COMPOSITE", "TOPSIS", "GREYREL", "OBSTACLE", "COUPLING",
        "COORDINDEX", "COORDDEGREE", "CTD", "COORDLEVEL", "LEADLAG",
    }  # fmt: skip
    assert required <= set(NAMES)
    for name in NAMES:
        assert udfs.REGISTRY[name].__name__ == name
        assert udfs.REQUIRES[name], name


@pytest.mark.parametrize("name", NAMES)
def test_names_are_short_uppercase_and_not_excel_builtins(name):
    assert re.fullmatch(r"[A-Z]{2,14}", name), name
    assert name not in EXCEL_BUILTINS, f"{name} collides with an Excel built-in function"
    # a name that reads as a cell reference (e.g. LQ1) would not work as a function
    assert not re.fullmatch(r"[A-Z]{1,3}[0-9]+", name)


@pytest.mark.parametrize("name", NAMES)
def test_classic_metadata(classic, name):
    _xlu, module, _book = classic
    f = getattr(module, name)
    meta = f.__xlfunc__
    assert meta["name"] == name
    assert meta["category"] == "Agglo"
    assert meta["volatile"] is False
    assert meta["async_mode"] is None
    doc = meta["ret"]["doc"]
    assert 20 <= len(doc) <= 255, (name, len(doc))
    assert re.search(r"[\u4e00-\u9fff]", doc), f"{name}: description lacks the Chinese term"
    assert re.search(r"[A-Za-z]{3}", doc), f"{name}: description lacks the English name"
    params = list(inspect.signature(udfs.REGISTRY[name]).parameters.values())
    assert [a["name"] for a in meta["args"]] == [p.name for p in params]
    # the reserved last argument: xlwings passes the calling cell (not shown in Excel), whose
    # formula tells where each range argument starts, so messages name worksheet cells
    assert params[-1].name == "caller"
    assert params[-1].default is None
    params = params[:-1]
    for arg, p in zip(meta["args"][:-1], params, strict=True):
        assert arg["options"] == udfs.ARG_OPTIONS == {"ndim": 2, "err_to_str": True}
        assert not arg["vararg"]
        assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
        assert 5 <= len(arg["doc"]) <= 255, (name, arg["name"])
        assert ("optional" in arg) == (p.default is not inspect.Parameter.empty)
        assert p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    # Excel's function wizard breaks when n_args + total length of names > ~254 (#1489)
    assert len(params) + sum(len(p.name) for p in params) < 254


@pytest.mark.parametrize("name", NAMES)
def test_generated_vba_wrapper_and_macro_options(classic, name):
    _xlu, module, book = classic
    args = [a["name"] for a in getattr(module, name).__xlfunc__["args"]]
    required = [
        a
        for a, p in zip(
            args, inspect.signature(udfs.REGISTRY[name]).parameters.values(), strict=True
        )
        if p.default is inspect.Parameter.empty
    ]
    # the reserved argument 'caller' is not an Excel argument: xlwings passes Nothing for it
    # and puts the calling cell there (xlwings.udfs.call_udf)
    assert args[-1] == "caller"
    args = args[:-1]
    sig = ", ".join(a if a in required else f"Optional {a}" for a in args)
    vba = book.vba
    assert f"Function {name}({sig})" in vba
    call = f'{name} = XLPy.CallUDF("agglo_addin.udfs", "{name}", Array({", ".join([*args, "Nothing"])}), ActiveWorkbook, Application.Caller)'
    assert call in vba
    block = vba[vba.index(f"Function {name}(") :]
    block = block[: block.index("End Function")]
    assert "On Error GoTo failed" in block
    assert f"{name} = Err.Description" in block
    options = book.macro_options["'Agglo.xlam'!" + name]
    assert options["Category"] == "Agglo"
    assert options["Description"] == getattr(module, name).__doc__
    assert len(options["ArgumentDescriptions"]) == len(args)
    assert all(len(d) <= 255 for d in options["ArgumentDescriptions"])


def test_every_function_was_imported_once(classic):
    _xlu, _module, book = classic
    assert sorted(m.split("!")[1] for m in book.macro_options) == NAMES
    assert book.vba.startswith('Attribute VB_Name = "xlwings_udfs"')
    assert len(re.findall(r"^Function ", book.vba, flags=re.M)) == len(NAMES)


def test_builtin_list_contains_both_package_lists():
    pytest.importorskip("formulas")
    from openpyxl.utils.formulas import FORMULAE

    # Read formulas' own function table in a fresh interpreter: other tests register
    # temporary names in this process's table (the headless engine does so on purpose).
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import formulas, json; print(json.dumps(sorted(formulas.get_functions())))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    names = {n for n in json.loads(out.stdout) if re.fullmatch(r"[A-Z][A-Z0-9.]*", n)}
    names -= {"ARRAY", "ARRAYROW", "DUMMYFUNCTION"}  # internal names of formulas
    assert set(FORMULAE) <= EXCEL_BUILTINS
    assert names <= EXCEL_BUILTINS
    for known in ("GROWTH", "RANK", "CORREL", "SLOPE", "STANDARDIZE", "LET", "XLOOKUP"):
        assert known in EXCEL_BUILTINS


def test_nothing_from_xlwings_pro_is_needed():
    """No licence key, xlwings reports no PRO, and our modules import nothing from pro/
    beyond what ``import xlwings`` itself loads (its licence probe, pro/utils.py)."""
    code = (
        "import sys, xlwings as xw;"
        "base = {m for m in sys.modules if m.startswith('xlwings.pro')};"
        "import agglo_addin.udfs as u, agglo_addin.conversion, agglo_addin.layouts;"
        "u.REGISTRY['LQ']([[1.0, 2.0], [3.0, 4.0]]);"
        "u.REGISTRY['COUPLING']([[0.2, 0.4], [0.5, 0.5]]);"
        "new = {m for m in sys.modules if m.startswith('xlwings.pro')} - base;"
        "print(xw.__pro__, sorted(new))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    assert out.stdout.strip() == "False []"


# --------------------------------------------------------------------------------------
# names and parameters that Excel accepts: VBA (Import Functions) and Office.js (Lite)
# --------------------------------------------------------------------------------------

DATA = Path(__file__).parent / "data"


def _word_list(name: str) -> frozenset[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip().upper() for ln in lines if ln.strip() and not ln.startswith("#"))


VBA_RESERVED = _word_list("vba_reserved_words.txt")
EXCEL4_MACRO = _word_list("excel4_macro_functions.txt")


def _vba_problems(vba: str) -> list[str]:
    """Parameters of generated VBA Functions that VBA rejects (reserved, clashing, badly formed)."""
    problems = []
    for fname, params in re.findall(r"^Function (\w+)\((.*)\)\s*$", vba, flags=re.M):
        if fname.upper() in VBA_RESERVED:
            problems.append(f"function {fname}")
        seen: set[str] = set()
        for raw in filter(None, (p.strip() for p in params.split(","))):
            name = re.sub(r"^(Optional|ParamArray)\s+", "", raw).removesuffix("()")
            key = name.upper()
            if key in VBA_RESERVED:
                problems.append(f"{fname}({name}): VBA keyword or reserved word")
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,254}", name):
                problems.append(f"{fname}({name}): not a VBA identifier")
            if key == fname.upper() or key in seen:
                problems.append(f"{fname}({name}): duplicate declaration")
            seen.add(key)
    return problems


def test_word_lists_are_complete_enough_to_matter():
    for word in ("END", "TYPE", "DATE", "STRING", "SCALE", "ERROR", "NAME", "STEP", "MOD"):
        assert word in VBA_RESERVED, word
    for word in ("SHARE", "RUN", "ECHO", "ABSREF", "FORMULA", "SUM", "GOTO"):
        assert word in EXCEL4_MACRO, word
    assert len(VBA_RESERVED) > 150
    assert len(EXCEL4_MACRO) > 700


def test_vba_module_from_import_functions_compiles_as_far_as_names_go(classic):
    """The VBA module xlwings generates (its real ``import_udfs``): no parameter is a VBA
    keyword or reserved word (``Function CAGR(start, end, …)`` broke the whole module)."""
    _xlu, _module, book = classic
    assert len(re.findall(r"^Function ", book.vba, flags=re.M)) == len(NAMES)
    assert _vba_problems(book.vba) == []
    # the checker itself finds what broke the import before
    old = "Function CAGR(start, end, periods, Optional percent)\nFunction CO(a, scale, co)\n"
    assert _vba_problems(old) == [
        "CAGR(end): VBA keyword or reserved word",
        "CO(scale): VBA keyword or reserved word",
        "CO(co): duplicate declaration",
    ]


LITE_NAMES = udfs.lite_names()


def _is_cell_reference(name: str) -> bool:
    a1 = re.fullmatch(r"([A-Z]{1,3})([0-9]+)", name.upper())
    if a1:
        return column_index(a1.group(1)) <= MAX_COLUMNS and 1 <= int(a1.group(2)) <= MAX_ROWS
    r1c1 = re.fullmatch(r"R([0-9]+)C([0-9]+)", name.upper())
    return (
        bool(r1c1)
        and 1 <= int(r1c1.group(1)) <= MAX_ROWS
        and 1 <= int(r1c1.group(2)) <= MAX_COLUMNS
    )


@pytest.mark.parametrize("name", LITE_NAMES)
def test_lite_names_follow_office_custom_function_rules(name):
    """Office.js custom functions (xlwings Lite): a letter first, at least 3 characters of
    A–Z, 0–9, _ and .; not a cell reference, an Excel 4.0 macro function or a built-in."""
    assert re.fullmatch(r"[A-Z][A-Z0-9_.]{2,}", name), name
    assert not _is_cell_reference(name), name
    assert name not in EXCEL4_MACRO, f"{name} is an Excel 4.0 macro function name"
    assert name not in EXCEL_BUILTINS, name


def test_office_rules_reject_the_old_short_names():
    rejected = []
    for name in ("LQ", "EG", "MS", "SHARE", "LQRATIO", "ABC1", "R1C1", "XFD1"):
        ok = (
            re.fullmatch(r"[A-Z][A-Z0-9_.]{2,}", name)
            and not _is_cell_reference(name)
            and name not in EXCEL4_MACRO
        )
        if not ok:
            rejected.append(name)
    assert rejected == ["LQ", "EG", "MS", "SHARE", "ABC1", "R1C1", "XFD1"]


def test_classic_aliases_are_the_same_functions_under_the_short_names(classic):
    _xlu, module, book = classic
    assert udfs.CLASSIC_ALIASES == {
        "LQ": "LQRATIO", "EG": "EGINDEX", "MS": "MSINDEX", "SHARE": "SHAREOF"
    }  # fmt: skip
    data = [["", "a", "b"], ["x", 1.0, 2.0], ["y", 3.0, 5.0]]
    for short, long in udfs.CLASSIC_ALIASES.items():
        assert short not in LITE_NAMES
        assert long in LITE_NAMES
        assert udfs.REQUIRES[short] == udfs.REQUIRES[long]
        short_meta = getattr(module, short).__xlfunc__
        long_meta = getattr(module, long).__xlfunc__
        assert short_meta["args"] == long_meta["args"]
        assert long in short_meta["ret"]["doc"]
        assert f'XLPy.CallUDF("agglo_addin.udfs", "{short}"' in book.vba
    assert udfs.REGISTRY["LQ"](data) == udfs.REGISTRY["LQRATIO"](data)
    assert udfs.REGISTRY["SHARE"](data) == udfs.REGISTRY["SHAREOF"](data)
