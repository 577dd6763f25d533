"""Why a formula was not evaluated, or a workbook refused, in words a user can act on.

The command line (``agglo refresh``, ``agglo share``) prints the engine's reports; this
module is its one place for turning them into clear reasons.  Each problem and each
refusal gets a stable ``kind`` for ``--json`` (listed in :data:`PROBLEM_KINDS` and
:data:`REFUSAL_KINDS`); a reason that only guesses (``another file?``) or that is the
text of an internal exception is replaced by what the formula or the workbook shows
(an external link, a What-If data table, a function the engine does not evaluate ...),
Chinese first, then English.  The engine's own text is kept in the ``detail`` field.
"""

from __future__ import annotations

import re
from typing import Any

#: kind of a formula that was not evaluated → what it means
PROBLEM_KINDS = {
    "unsupported_function": "a function the headless engine does not evaluate",
    "external_link": "a reference to another workbook",
    "data_table": "a What-If data table ({=TABLE()})",
    "circular_reference": "a circular reference",
    "unresolved_reference": "a reference the engine cannot resolve",
    "spill_blocked": "a spilled result blocked by other cells",
    "number_stored_as_text": "a function reading a number stored as text, which Excel ignores",
    "volatile_function": "a volatile function (RAND, NOW …): its value changes at every recalculation",
    "inexact_function": "a function the engine is known to compute unlike Excel for some arguments",
    "agglo_message": "a message of the Agglo function itself",
}

#: kind of a refused workbook → what it means
REFUSAL_KINDS = {
    "open_elsewhere": "open in Excel, WPS or LibreOffice (lock file)",
    "read_only": "read-only",
    "special_file": "the output is a folder, device or pipe",
    "changed_on_disk": "changed by another program meanwhile",
    "encrypted": "password-protected or legacy .xls",
    "corrupt": "not a readable .xlsx/.xlsm package",
    "too_large": "over a size limit",
    "unsafe_xml": "XML the reader refuses (entities, DTD)",
    "strict_ooxml": "saved as Strict Open XML",
    "data_table": "a What-If data table the engine cannot read",
    "libreoffice_file": "written by LibreOffice in a form the engine cannot read",
    "shared_copy": "a copy written by agglo share (or not one, for unshare)",
    "record_mismatch": "the record of a shared copy no longer matches its cells or sheets",
    "write_failed": "the file could not be written",
    "unreadable": "the engine could not read the workbook",
    "internal_error": "an internal error",
}

_STRING = re.compile(r'"(?:[^"]|"")*"')
_CALL = re.compile(r"(?<![\w.\]!'])([A-Za-z_][A-Za-z0-9_.]*)\s*\(")
_EXTERNAL = re.compile(r"\[[^\]]+\][^!]*!|'[^']*\[[^\]]+\][^']*'!")
_ROW_ZERO = re.compile(r"(?<![\w.$!])(\$?[A-Za-z]{1,3}\$?0+)(?![\w.(!])")
_INTERNAL = re.compile(r"\((?:[A-Z]\w*(?:Error|Exception)|KeyError|StopIteration)\b[^)]*\)?")


def _calls(formula: str) -> list[str]:
    """Function names called in a formula (string literals skipped), upper case, unique."""
    text = _STRING.sub('""', formula or "")
    return list(dict.fromkeys(m.group(1).upper() for m in _CALL.finditer(text)))


def unsupported_functions(formula: str, agglo_names: set[str] | None = None) -> list[str]:
    """Functions of ``formula`` that the calculation engine does not implement.

    >>> unsupported_functions('=SUM(A1)+CUBEVALUE("x")+LQ(B1)', {"LQ"})
    ['CUBEVALUE']
    """
    try:
        import formulas

        known = formulas.get_functions()
    except Exception:  # noqa: BLE001 - without the engine nothing can be said
        return []
    agglo = {n.upper() for n in (agglo_names or ())}
    out = []
    for name in _calls(formula):
        bare = name.removeprefix("_XLFN.").removeprefix("_XLWS.")
        if name in agglo or bare in agglo or name in {"TABLE"}:
            continue
        if name in known or bare in known or f"_XLFN.{bare}" in known:
            continue
        out.append(bare)
    return out


def _agglo_names() -> set[str]:
    try:
        from .engine import default_registry

        return {k.upper() for k in default_registry()}
    except Exception:  # noqa: BLE001
        return set()


def explain_problem(p: dict[str, Any], agglo_names: set[str] | None = None) -> dict[str, Any]:
    """A problem of a report (``sheet``, ``cell``, ``formula``, ``reason``) with ``kind``
    added and a guessed reason replaced by what the formula shows."""
    p = dict(p)
    if agglo_names is None:
        agglo_names = _agglo_names()
    formula = p.get("formula") or ""
    reason = p.get("reason") or ""
    low = reason.lower()
    vague = "another file?" in low or "does not know" in low
    bare = formula.lstrip("=").lstrip().upper()
    text: str | None = None
    if bare.startswith(("TABLE(", "MULTIPLE.OPERATIONS(")) or "data table" in low:
        kind = "data_table"
        text = (
            "模拟运算表（What-If 数据表 {=TABLE()}）不在无头刷新中计算，保留了缓存值；请在 Excel 中重算。"
            " a What-If data table ({=TABLE()}) is not calculated by the headless refresh; its "
            "cached value was kept (Excel recalculates it)"
        )
    elif _EXTERNAL.search(_STRING.sub('""', formula)) or "external" in low:
        kind = "external_link"
        text = (
            "公式引用了另一个工作簿（外部链接），无头刷新从不打开其他文件，保留了缓存值；"
            "请在 Excel 中同时打开两个文件重算。 the formula refers to another workbook (an "
            "external link); the headless refresh never opens other files, so its cached value "
            "was kept (recalculate in Excel with both files open)"
        )
    elif "circular" in low:
        kind = "circular_reference"
    elif "#spill" in low or "in the way" in low:
        kind = "spill_blocked"
    elif "another file?" in low or "cannot follow" in low or "#ref!" in low:
        kind = "unresolved_reference"
        if "#REF!" in bare:
            what = (
                "公式含有 #REF!（引用的单元格或工作表已删除） the formula contains #REF! (a deleted "
                "cell or sheet)"
            )
        elif m := _ROW_ZERO.search(_STRING.sub('""', formula)):
            what = (
                f"公式中的 {m.group(1)} 不是单元格（行号从 1 开始），Excel 视为未定义的名称（#NAME?） "
                f"{m.group(1)} in the formula is not a cell (rows start at 1); Excel reads it as "
                "an undefined name (#NAME?)"
            )
        elif {"INDIRECT", "OFFSET"} & set(_calls(formula)):
            what = (
                "公式在运行时计算引用（INDIRECT/OFFSET），引擎无法确定 the formula computes its "
                "reference at run time (INDIRECT/OFFSET), which the engine cannot resolve"
            )
        else:
            what = (
                "公式中的引用引擎无法解析（已删除的工作表或未定义的名称？） the engine cannot resolve "
                "a reference of the formula (a deleted sheet or an undefined name?)"
            )
        text = f"{what}; its cached value was kept"
    elif "stored as text" in low:
        kind = "number_stored_as_text"
        text = f"公式中的函数读取了以文本形式存储的数字，Excel 会忽略它而引擎会相加，保留了缓存值。 {reason}"
    elif "volatile" in low:
        kind = "volatile_function"
        text = f"易失函数（如 RAND、NOW）每次重算结果都不同，保留了缓存值。 {reason}"
    elif "does not evaluate like" in low:
        kind = "inexact_function"
        text = f"引擎对此函数的某些参数算法与 Excel 不同，为免写入错误值，保留了缓存值。 {reason}"
    elif "does not know" in low or "unsupported" in low or "not support" in low or "#name" in low:
        kind = "unsupported_function"
        names = unsupported_functions(formula, agglo_names)
        if names:
            p["functions"] = names
            fn = ", ".join(names)
            text = (
                f"无头引擎不支持函数 {fn}，保留了缓存值（Excel 会重算它）。 the headless engine does "
                f"not evaluate the function {fn}; its cached value was kept (Excel recalculates it)"
            )
    else:
        kind = "agglo_message"
    p["kind"] = kind
    if text is not None and (
        vague
        or kind
        in (
            "data_table",
            "external_link",
            "unsupported_function",
            "volatile_function",
            "inexact_function",
            "number_stored_as_text",
        )
    ):
        p["detail"] = reason
        p["reason"] = text
    return p


def _package_facts(path: str) -> dict[str, Any]:
    """What the package shows about its origin: data tables, the writing application."""
    facts: dict[str, Any] = {"data_table": False, "application": ""}
    try:
        from . import xlsx

        pkg = xlsx.read_package(path)
        for s in pkg.worksheet_parts():
            if b"dataTable" in pkg.read(s.part):
                facts["data_table"] = True
                break
        if pkg.has("docProps/app.xml"):
            m = re.search(rb"<(?:\w+:)?Application>([^<]*)<", pkg.read("docProps/app.xml"))
            facts["application"] = m.group(1).decode("utf-8", "replace") if m else ""
    except Exception:  # noqa: BLE001 - facts are a courtesy
        pass
    return facts


def _refusal_kind(message: str) -> str:
    low = message.lower()
    for key, kind in (
        ("no longer exist", "record_mismatch"),
        ("no longer hold", "record_mismatch"),
        ("not recognised", "record_mismatch"),
        ("lock file", "open_elsewhere"),
        ("read-only", "read_only"),
        ("not a workbook file", "special_file"),
        ("changed on disk", "changed_on_disk"),
        ("encrypted", "encrypted"),
        ("strict open xml", "strict_ooxml"),
        ("shared copy", "shared_copy"),
        ("could not write", "write_failed"),
        ("limit", "too_large"),
        ("dtd", "unsafe_xml"),
        ("entit", "unsafe_xml"),
        ("corrupt", "corrupt"),
        ("truncated", "corrupt"),
        ("not an .xlsx", "corrupt"),
        ("not a zip", "corrupt"),
        ("not well-formed", "corrupt"),
    ):
        if key in low:
            return kind
    return "unreadable"


def explain_refusal(report: dict[str, Any]) -> dict[str, Any]:
    """A refused report with ``kind`` added and internal exception text replaced."""
    d = dict(report)
    message = d.get("message") or ""
    kind = _refusal_kind(message)
    if _INTERNAL.search(message):
        facts = _package_facts(d.get("path", ""))
        name = d.get("path", "").replace("\\", "/").rsplit("/", 1)[-1]
        if facts["data_table"]:
            kind = "data_table"
            text = (
                f"{name} 含有模拟运算表（What-If 数据表 {{=TABLE()}}），引擎无法读取，文件未改变；"
                "可只刷新 Agglo 公式，或在 Excel 中重算。"
                f" {name} contains a What-If data table ({{=TABLE()}}) that the headless engine "
                "cannot read; the file was left unchanged (refresh only the Agglo formulas, or "
                "recalculate in Excel)"
            )
        elif "libreoffice" in facts["application"].lower():
            kind = "libreoffice_file"
            text = (
                f"{name} 由 LibreOffice 保存，其中有引擎无法读取的内容，文件未改变；请在 Excel 或 WPS 中另存为 .xlsx 后重试。"
                f" {name} was saved by LibreOffice in a form the headless engine cannot read; "
                "the file was left unchanged (save it as .xlsx from Excel or WPS and retry)"
            )
        else:
            kind = "unreadable"
            text = (
                f"引擎无法读取 {name} 的部分内容，文件未改变；请报告此问题并附上文件。"
                f" the headless engine could not read part of {name}; the file was left "
                "unchanged (please report this, with the file)"
            )
        d["detail"] = message
        d["message"] = text
    d["kind"] = kind
    return d


def internal_error(path: str, exc: BaseException) -> str:
    """The message of a refusal caused by an unexpected exception (a defect)."""
    return (
        f"处理 {path} 时发生内部错误，文件未改变；请报告此问题并附上文件。 an internal error "
        f"stopped the processing of {path}; the file was left unchanged (please report this, "
        f"with the file) ({type(exc).__name__}: {exc})"
    )


def explain(report: dict[str, Any]) -> dict[str, Any]:
    """A report dict (``Report.as_dict()``) with clear reasons and ``kind`` fields."""
    d = explain_refusal(report) if report.get("status") == "refused" else dict(report)
    if d.get("problems"):
        names = _agglo_names()
        d["problems"] = [explain_problem(p, names) for p in d["problems"]]
    return d
