"""``agglo share`` / ``agglo unshare``: a copy of a workbook for people without the add-in.

Excel, WPS or LibreOffice without the add-in show ``#NAME?`` in every Agglo cell as
soon as they recalculate.  :func:`share_workbook` refreshes the workbook, then writes
a copy in which every formula that calls an Agglo function is replaced by its value;
everything else (number formats, styles, charts, the ordinary formulas, which now
read those values) is kept byte for byte: only the worksheet parts holding Agglo
formulas change, plus the three small parts that list the sheets.

The original formulas are recorded in a hidden worksheet, ``AggloFormulas``: one row
a cell (sheet, cell, formula text, and the attributes of the formula as JSON).  A
hidden sheet of plain text survives a save in Excel, WPS and LibreOffice (cell notes
need VML drawings that the three programs rewrite in their own ways), and a later
``agglo refresh`` leaves it alone.  :func:`unshare_workbook` puts the formulas back
into their cells and removes the hidden sheet.  The record is by cell address: rows
or columns inserted in the shared copy move the values but not the record, so
restore the formulas before restructuring the sheet.

The copy is not marked for a full recalculation on open (``fullCalcOnLoad``): with
it, Excel would recalculate the ordinary formulas anyway, but there is nothing left
for it to turn into ``#NAME?``.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from . import xlsx
from .engine import Report, agglo_name_pattern, default_registry, find_agglo_cells
from .safe_write import check_target, temporary_next_to, write_workbook
from .xlsx import Package, RefusedError

#: name of the hidden sheet recording the Agglo formulas of a shared copy
RECORD_SHEET = "AggloFormulas"
_FORMAT = 1
_CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_HEADER = (
    "本表记录 Agglo 公式，共享副本中这些单元格只保存数值；运行 agglo unshare 可恢复公式。请勿编辑或删除本表。"
    " This sheet records the Agglo formulas of this shared copy, whose cells hold only "
    "their values; `agglo unshare` restores them. Do not edit or delete this sheet."
)
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_COLUMNS = ("sheet 工作表", "cell 单元格", "formula 公式", "attributes 属性")


def shared_copy_path(path: Path) -> Path:
    """``report.xlsx`` → ``report.shared.xlsx`` (default name of the shared copy)."""
    return path.with_name(f"{path.stem}.shared{path.suffix}")


def is_shared_copy(pkg: Package) -> bool:
    """True when the workbook carries the record of a shared copy."""
    return any(s.name == RECORD_SHEET for s in pkg.sheets)


# ---------------------------------------------------------------------------
# XML helpers


def _ser(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rels_part(part: str) -> str:
    p = PurePosixPath(part)
    return str(p.parent / "_rels" / (p.name + ".rels")).lstrip("./")


def _cells_by_ref(root: etree._Element, refs: set[str]) -> dict[str, etree._Element]:
    out: dict[str, etree._Element] = {}
    for c in root.iter("{*}c"):
        r = c.get("r")
        if r in refs and r not in out:
            out[r] = c
    return out


def _inline_cell(ns: str, ref: str, text: str) -> etree._Element:
    c = etree.Element(f"{{{ns}}}c", r=ref, t="inlineStr")
    is_ = etree.SubElement(c, f"{{{ns}}}is")
    t = etree.SubElement(is_, f"{{{ns}}}t")
    t.text = xlsx.escape_text(text)
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return c


def _record_sheet_xml(rows: list[list[str]], meta: dict[str, Any]) -> bytes:
    ns = _MAIN_NS
    root = etree.Element(f"{{{ns}}}worksheet", nsmap={None: ns})
    cols = etree.SubElement(root, f"{{{ns}}}cols")
    for i, width in enumerate((16, 10, 60, 40), start=1):
        etree.SubElement(cols, f"{{{ns}}}col", min=str(i), max=str(i), width=str(width),
                         customWidth="1")  # fmt: skip
    data = etree.SubElement(root, f"{{{ns}}}sheetData")
    table = [[_HEADER, json.dumps(meta, ensure_ascii=False)], list(_COLUMNS), *rows]
    for r, values in enumerate(table, start=1):
        row = etree.SubElement(data, f"{{{ns}}}row", r=str(r))
        for c, v in enumerate(values, start=1):
            row.append(_inline_cell(ns, xlsx.cell_ref(r, c), v))
    return _ser(root)


def _formula_text(scan: xlsx.SheetScan, fc: xlsx.FormulaCell) -> str:
    """The formula of one cell (without "="), shared formulas translated to the cell."""
    if fc.text is not None:
        return fc.text
    master = scan.shared_masters.get(fc.shared_index or "")
    if master is None or master.text is None:
        raise RefusedError(
            f"{scan.info.name}!{fc.ref}: 共享公式缺少主单元格，无法记录。 a shared formula "
            "without its master cell cannot be recorded; save the workbook in Excel and retry"
        )
    from ._lazy_imports import formula_translator

    translated = formula_translator()("=" + master.text, master.ref).translate_formula(fc.ref)
    return translated[1:]


def _value_json(v: Any) -> Any:
    """A cached value as JSON: numbers, text, booleans; errors as ``{"error": "#N/A"}``."""
    if isinstance(v, xlsx.ExcelError):
        return {"error": str(v)}
    if isinstance(v, float) and not math.isfinite(v):
        return {"error": "#NUM!"}
    return v


def _same_value(recorded: Any, now: Any) -> bool:
    """Whether a cell still holds the value it had when the copy was written."""
    from .engine import values_close

    if isinstance(recorded, dict) and "error" in recorded:
        return isinstance(now, xlsx.ExcelError) and str(now) == recorded["error"]
    if isinstance(now, xlsx.ExcelError):
        return False
    # a program saving the copy may write a number with fewer digits
    return values_close(recorded, now, 1e-9)


# ---------------------------------------------------------------------------
# share


def _drop_formulas(data: bytes, refs: dict[str, dict[str, Any]]) -> tuple[bytes, list[str]]:
    """Sheet XML with the ``<f>`` of ``refs`` removed (values kept); fills the specs."""
    root = etree.fromstring(data, xlsx.secure_parser())
    ns = etree.QName(root).namespace or ""
    empty = []
    for ref, c in _cells_by_ref(root, set(refs)).items():
        spec = refs[ref]
        f = c.find(f"{{{ns}}}f")
        if f is None:
            continue
        # si ties a shared formula to its group; xml:space is set again from the text
        attrs = {k: v for k, v in f.attrib.items() if k != "si" and not k.startswith("{")}
        if attrs.get("t") == "shared":  # restored as an ordinary formula of its own
            attrs.pop("t")
            attrs.pop("ref", None)
        spec["f"] = attrs
        c.remove(f)
        if c.get("cm") is not None:  # dynamic-array metadata belongs to the formula
            spec["cm"] = c.attrib.pop("cm")
        t = c.get("t")
        v = c.find(f"{{{ns}}}v")
        if v is None:
            empty.append(ref)
            if t is not None:
                del c.attrib["t"]
        elif t == "str":  # a formula's text result; as a constant it is an inline string
            text = v.text or ""
            c.set("t", "inlineStr")
            is_ = etree.Element(f"{{{ns}}}is")
            tt = etree.SubElement(is_, f"{{{ns}}}t")
            tt.text = text
            if text != text.strip():
                tt.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            v.addprevious(is_)
            c.remove(v)
    return _ser(root), empty


def _workbook_with_record(pkg: Package, part_name: str) -> tuple[dict[str, bytes], dict]:
    """workbook.xml (+ record sheet, no fullCalcOnLoad), its rels and content types."""
    wb_part = pkg.workbook_part
    root = pkg.parse(wb_part)
    ns = etree.QName(root).namespace or ""
    sheets = root.find(f"{{{ns}}}sheets")
    rels_name = _rels_part(wb_part)
    rels = pkg.parse(rels_name)
    ids = {r.get("Id") for r in rels}
    n = len(ids) + 1
    while f"rId{n}" in ids:
        n += 1
    rid = f"rId{n}"
    # the r:id attribute in the namespace the existing sheets use
    r_attr = None
    for sh in sheets:
        for key in sh.attrib:
            if key.endswith("}id"):
                r_attr = key
    r_attr = r_attr or "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    sheet_ids = [int(s.get("sheetId", "0")) for s in sheets if s.get("sheetId", "").isdigit()]
    r_ns = etree.QName(r_attr).namespace
    etree.SubElement(sheets, f"{{{ns}}}sheet", {"name": RECORD_SHEET,
                     "sheetId": str(max(sheet_ids, default=0) + 1), "state": "hidden",
                     r_attr: rid}, nsmap={"r": r_ns} if r_ns not in root.nsmap.values() else None)  # fmt: skip
    meta: dict[str, Any] = {"agglo_shared_copy": _FORMAT}
    calc = root.find(f"{{{ns}}}calcPr")
    if calc is not None and calc.get("fullCalcOnLoad") is not None:
        meta["fullCalcOnLoad"] = calc.attrib.pop("fullCalcOnLoad")
    rel_type = _REL_WORKSHEET
    for r in rels:
        if r.get("Type", "").endswith("/worksheet"):
            rel_type = r.get("Type")
    rel_ns = etree.QName(rels).namespace or ""
    target = os.path.relpath(part_name, str(PurePosixPath(wb_part).parent) or ".")
    etree.SubElement(rels, f"{{{rel_ns}}}Relationship", Id=rid, Type=rel_type,
                     Target=target.replace(os.sep, "/"))  # fmt: skip
    ct = pkg.parse("[Content_Types].xml")
    etree.SubElement(ct, f"{{{_CT_NS}}}Override", PartName="/" + part_name,
                     ContentType=_CT_WORKSHEET)  # fmt: skip
    return {wb_part: _ser(root), rels_name: _ser(rels), "[Content_Types].xml": _ser(ct)}, meta


def share_workbook(
    path: str | os.PathLike,
    *,
    out: str | os.PathLike | None = None,
    limits: xlsx.Limits | None = None,
    registry=None,
    refresh: bool = True,
) -> Report:
    """Write a copy of ``path`` with every Agglo formula replaced by its value.

    The workbook is refreshed first (into memory; the original is never written),
    unless ``refresh=False``, in which case the cached values are used as they are.
    ``out`` defaults to ``NAME.shared.xlsx`` beside the original.  The report's
    status is ``"shared"`` (or ``"refused"``); its ``changes`` list the Agglo cells
    whose formulas were replaced, with their values.
    """
    from .engine import refresh_workbook

    t0 = time.perf_counter()
    src = Path(path)
    target = Path(out) if out is not None else shared_copy_path(src)
    rep = Report(path=str(src), status="shared")
    try:
        if os.path.realpath(target) == os.path.realpath(src):
            raise RefusedError(
                f"共享副本不能覆盖原工作簿 {src.name}：请用 --out 指定另一个文件。 The shared copy "
                f"cannot replace the workbook {src.name} itself: give another file with --out."
            )
        pkg = xlsx.read_package(src, limits)
        if is_shared_copy(pkg):
            raise RefusedError(
                f"{src.name} 已经是共享副本（含隐藏表 {RECORD_SHEET}）：请先运行 agglo unshare。 "
                f"{src.name} is already a shared copy (hidden sheet {RECORD_SHEET}): run "
                "agglo unshare on it first."
            )
        check_target(target)  # before the work: a folder, device, lock file, read-only copy
        if refresh:
            # refresh into a temporary file beside the copy (removed on a signal, swept
            # after a kill, like every temporary of the write path), then share that
            target.parent.mkdir(parents=True, exist_ok=True)
            with temporary_next_to(target) as tmp:
                fresh = Path(tmp)
                r = refresh_workbook(src, out=fresh, backup=False, limits=limits,
                                     registry=registry, recalc_on_open=False)  # fmt: skip
                if r.status == "refused":
                    raise RefusedError(r.message)
                rep.problems, rep.warnings = list(r.problems), list(r.warnings)
                rep.n_evaluated = r.n_evaluated
                fpkg = xlsx.read_package(fresh, limits)
                # the refreshed bytes, judged as the original file (for safe_write)
                fpkg.path = pkg.path
                _share_package(fpkg, target, rep, registry)
        else:
            _share_package(pkg, target, rep, registry)
    except RefusedError as exc:
        rep.status, rep.message = "refused", str(exc)
        rep.changes = []
    rep.seconds = time.perf_counter() - t0
    return rep


def _agglo_defined_names(pkg: Package, pattern) -> list[str]:
    """Warnings for defined names whose formula calls an Agglo function (not replaced)."""
    out = []
    if pattern is None:
        return out
    for dn in pkg.parse(pkg.workbook_part).iterfind("{*}definedNames/{*}definedName"):
        if pattern.search(_STRING_LITERAL.sub('""', dn.text or "")):
            name = dn.get("name") or "?"
            out.append(
                f"名称 {name} 的公式调用了 Agglo 函数，使用它的单元格未被替换，没有加载项时会显示 #NAME?。 "
                f"the defined name {name} calls an Agglo function: cells using it were not "
                "replaced and show #NAME? without the add-in (put the formula into a cell)"
            )
    return out


def _share_package(pkg: Package, target: Path, rep: Report, registry) -> None:
    from .engine import CellChange

    reg = default_registry() if registry is None else registry
    pattern = agglo_name_pattern([k.upper() for k in reg])
    scans = [pkg.scan_sheet(s) for s in pkg.worksheet_parts()]
    agglo = find_agglo_cells(scans, pattern)
    rep.n_agglo = len(agglo)
    if pkg.strict:
        raise RefusedError(
            f"{pkg.path.name}: 'Strict Open XML' 格式的工作簿无法共享，请另存为 .xlsx。 saved as "
            "'Strict Open XML Spreadsheet'; save it as 'Excel Workbook (.xlsx)' and retry"
        )
    rows: list[list[str]] = []
    replaced: dict[str, bytes] = {}
    for scan in scans:
        mine = {ref: fc for (sheet, ref), fc in agglo.items() if sheet == scan.info.name}
        if not mine:
            continue
        specs: dict[str, dict[str, Any]] = {ref: {} for ref in mine}
        replaced[scan.info.part], empty = _drop_formulas(pkg.read(scan.info.part), specs)
        for ref in sorted(mine, key=xlsx.split_ref):
            fc = mine[ref]
            text = _formula_text(scan, fc)
            specs[ref]["value"] = _value_json(fc.cached)
            rows.append([scan.info.name, ref, text, json.dumps(specs[ref], sort_keys=True)])
            rep.changes.append(CellChange(scan.info.name, ref, "=" + text, fc.cached))
        for ref in empty:
            rep.warnings.append(
                f"{scan.info.name}!{ref}: 该 Agglo 单元格没有数值，共享副本中为空。 the Agglo "
                "cell has no value; it is empty in the shared copy"
            )
    rep.warnings.extend(_agglo_defined_names(pkg, pattern))
    names = set(pkg.names())
    base = str(PurePosixPath(pkg.sheets[0].part).parent) if pkg.sheets else "xl/worksheets"
    part = f"{base}/aggloFormulas.xml"
    k = 1
    while part in names:
        k += 1
        part = f"{base}/aggloFormulas{k}.xml"
    book_parts, meta = _workbook_with_record(pkg, part)
    replaced.update(book_parts)
    added = {part: _record_sheet_xml(rows, meta)}

    def write(tmp: str) -> list[str]:
        xlsx.write_members(pkg, replaced, tmp, added=added)
        return [*replaced, *added]

    rep.parts_rewritten, _written, _ = write_workbook(pkg, target, write, backup=False)
    rep.written_to = str(target)
    if not agglo:
        rep.message = "no Agglo formulas: the copy holds the workbook as it is"


# ---------------------------------------------------------------------------
# unshare


#: attributes of ``<f>`` a record may carry (CT_CellFormula), and their allowed values
_BOOL = re.compile(r"^(0|1|true|false)$")
_F_ATTRS = {
    "t": re.compile(r"^(normal|array)$"),
    "ref": re.compile(r"^[A-Za-z]{1,3}\d+(:[A-Za-z]{1,3}\d+)?$"),
    "aca": _BOOL,
    "ca": _BOOL,
    "bx": _BOOL,
}


def _check_spec(spec: Any) -> None:
    """Raise ValueError unless a record's attributes are ones a formula may have."""
    if not isinstance(spec, dict):
        raise ValueError("not an object")
    f = spec.get("f") or {}
    if not isinstance(f, dict):
        raise ValueError("bad f")
    for k, v in f.items():
        pat = _F_ATTRS.get(k)
        if pat is None or not isinstance(v, str) or not pat.match(v):
            raise ValueError(f"attribute {k!r}")
    cm = spec.get("cm")
    if cm is not None and not (isinstance(cm, str) and cm.isdigit()):
        raise ValueError("bad cm")


def _read_record(pkg: Package) -> tuple[xlsx.SheetInfo, dict[str, Any], list[tuple]]:
    info = next(s for s in pkg.sheets if s.name == RECORD_SHEET)
    scan = pkg.scan_sheet(info, keep_values=True)
    vals = scan.values or {}
    try:
        meta = json.loads(vals.get((1, 2)) or "")
    except (TypeError, ValueError):
        meta = None
    if not isinstance(meta, dict) or meta.get("agglo_shared_copy") != _FORMAT:
        raise RefusedError(
            f"{pkg.path.name}: 隐藏表 {RECORD_SHEET} 的记录无法识别（被编辑过？），未作任何修改。 "
            f"the record in the hidden sheet {RECORD_SHEET} is not recognised (edited?); "
            "nothing was changed"
        )
    n_rows = max((r for r, _c in vals), default=0)
    out = []
    for r in range(3, n_rows + 1):
        sheet, ref, text, attrs = (vals.get((r, c)) for c in range(1, 5))
        if sheet is None and ref is None:
            continue
        try:
            spec = json.loads(attrs or "{}")
            xlsx.split_ref(str(ref))
            _check_spec(spec)
        except (TypeError, ValueError):
            raise RefusedError(
                f"{pkg.path.name}: 隐藏表 {RECORD_SHEET} 第 {r} 行无法识别，未作任何修改。 row {r} "
                f"of the hidden sheet {RECORD_SHEET} is not recognised; nothing was changed"
            ) from None
        out.append((str(sheet), str(ref), str(text if text is not None else ""), spec))
    return info, meta, out


def _restore_formulas(
    data: bytes, items: list[tuple], strings: list[str], keep_cm: bool
) -> tuple[bytes, list[str], list[str]]:
    """Sheet XML with the recorded formulas put back; (xml, restored, skipped)."""
    root = etree.fromstring(data, xlsx.secure_parser())
    ns = etree.QName(root).namespace or ""
    cells = _cells_by_ref(root, {ref for _s, ref, _t, _a in items})
    sheet_data = root.find(f"{{{ns}}}sheetData")
    restored, skipped = [], []
    for _sheet, ref, text, spec in items:
        c = cells.get(ref)
        if c is None:  # the value was deleted: put the formula into a new cell
            r, col = xlsx.split_ref(ref)
            row = next((x for x in sheet_data.iterfind(f"{{{ns}}}row") if x.get("r") == str(r)),
                       None)  # fmt: skip
            if row is None:
                row = etree.Element(f"{{{ns}}}row", r=str(r))
                later = [x for x in sheet_data.iterfind(f"{{{ns}}}row")
                         if x.get("r", "").isdigit() and int(x.get("r")) > r]  # fmt: skip
                later[0].addprevious(row) if later else sheet_data.append(row)
            c = etree.Element(f"{{{ns}}}c", r=ref)
            nxt = next((x for x in row.iterfind(f"{{{ns}}}c")
                        if xlsx.split_ref(x.get("r", "A1"))[1] > col), None)  # fmt: skip
            nxt.addprevious(c) if nxt is not None else row.append(c)
            row.attrib.pop("spans", None)
        if c.find(f"{{{ns}}}f") is not None:
            skipped.append(ref)
            continue
        t = c.get("t")
        is_ = c.find(f"{{{ns}}}is")
        v = c.find(f"{{{ns}}}v")
        if t == "inlineStr" or (t == "s" and v is not None):
            if t == "inlineStr":
                value = "".join(x.text or "" for x in (is_.iter(f"{{{ns}}}t") if is_ is not None
                                                      else ()))  # fmt: skip
            else:
                try:
                    value = strings[int(v.text or "")]
                except (ValueError, IndexError):
                    value = ""
                value = xlsx.escape_text(value)
            for ch in (is_, v):
                if ch is not None:
                    c.remove(ch)
            c.set("t", "str")
            v = etree.SubElement(c, f"{{{ns}}}v")
            v.text = value
            if value != value.strip():
                v.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        f = etree.Element(f"{{{ns}}}f", {k: str(x) for k, x in (spec.get("f") or {}).items()})
        f.text = text
        if text != text.strip():
            f.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        c.insert(0, f)
        if spec.get("cm") and keep_cm:
            c.set("cm", str(spec["cm"]))
        restored.append(ref)
    return _ser(root), restored, skipped


def _refuse_moved_values(pkg: Package, parts: dict, by_sheet: dict[str, list[tuple]]) -> None:
    moved = []
    for sheet, its in by_sheet.items():
        scan = pkg.scan_sheet(parts[sheet], keep_values=True)
        values = scan.values or {}
        for _s, ref, _text, spec in its:
            if "value" not in spec or ref in scan.formulas:  # a formula again: left alone
                continue
            now = values.get(xlsx.split_ref(ref))
            if not _same_value(spec["value"], now):
                moved.append(f"{sheet}!{ref}")
    if moved:
        cells = ", ".join(moved[:5]) + (f" … ({len(moved)})" if len(moved) > 5 else "")
        raise RefusedError(
            f"{pkg.path.name}: 单元格 {cells} 的数值与共享时不同（插入或删除了行/列，或改写了数值？），"
            "按地址恢复公式会放错位置，未作任何修改；确认无误可加 --force。"
            f" the cells {cells} no longer hold the values they had when the copy was written "
            "(rows or columns inserted or deleted, or values overwritten?); restoring the "
            "formulas by address would put them into the wrong cells, so nothing was changed "
            "(--force restores them anyway)"
        )


def _workbook_without_record(pkg: Package, info: xlsx.SheetInfo, meta: dict) -> dict[str, bytes]:
    wb_part = pkg.workbook_part
    root = pkg.parse(wb_part)
    ns = etree.QName(root).namespace or ""
    sheets = root.find(f"{{{ns}}}sheets")
    pos = rid = None
    for i, sh in enumerate(sheets):
        if sh.get("name") == RECORD_SHEET:
            pos = i
            rid = next((v for k, v in sh.attrib.items() if k.endswith("}id")), None)
            sheets.remove(sh)
            break
    # sheet positions after the removed one move up by one
    for dn in root.iter(f"{{{ns}}}definedName"):
        lid = dn.get("localSheetId")
        if lid is not None and lid.isdigit() and pos is not None and int(lid) > pos:
            dn.set("localSheetId", str(int(lid) - 1))
    for view in root.iter(f"{{{ns}}}workbookView"):
        for key in ("activeTab", "firstSheet"):
            val = view.get(key)
            if val is None or not val.isdigit() or pos is None:
                continue
            if int(val) > pos:
                view.set(key, str(int(val) - 1))
            elif int(val) == pos:  # the record sheet itself was shown: show the first
                view.set(key, "0")
    if meta.get("fullCalcOnLoad") is not None:
        calc = root.find(f"{{{ns}}}calcPr")
        if calc is None:
            calc = etree.Element(f"{{{ns}}}calcPr")
            ext = root.find(f"{{{ns}}}extLst")
            ext.addprevious(calc) if ext is not None else root.append(calc)
        calc.set("fullCalcOnLoad", str(meta["fullCalcOnLoad"]))
    out = {wb_part: _ser(root)}
    rels_name = _rels_part(wb_part)
    rels = pkg.parse(rels_name)
    for r in list(rels):
        if r.get("Id") == rid:
            rels.remove(r)
    out[rels_name] = _ser(rels)
    ct = pkg.parse("[Content_Types].xml")
    for o in list(ct):
        if o.get("PartName", "").lstrip("/") == info.part:
            ct.remove(o)
    out["[Content_Types].xml"] = _ser(ct)
    return out


def unshare_workbook(
    path: str | os.PathLike,
    *,
    out: str | os.PathLike | None = None,
    backup: bool = True,
    limits: xlsx.Limits | None = None,
    force: bool = False,
) -> Report:
    """Put the recorded Agglo formulas of a shared copy back and remove the record.

    ``out`` defaults to replacing ``path`` itself (with a backup, ``NAME.bak.xlsx``,
    unless ``backup=False``).  The cells keep the values of the shared copy as their
    cached values; ``agglo refresh`` recalculates them.  A recorded cell that holds a
    formula again (typed in the shared copy) is left alone and reported.

    A recorded cell that no longer holds the value it had when the copy was written
    means that rows or columns were inserted or deleted (or the value overwritten):
    restoring by address would put formulas into the wrong cells, so the copy is
    refused, listing such cells, unless ``force=True``.
    """
    from .engine import CellChange

    t0 = time.perf_counter()
    src = Path(path)
    target = Path(out) if out is not None else src
    rep = Report(path=str(src), status="unshared")
    try:
        pkg = xlsx.read_package(src, limits)
        if not is_shared_copy(pkg):
            raise RefusedError(
                f"{src.name} 不是共享副本（没有隐藏表 {RECORD_SHEET}），未作任何修改。 {src.name} "
                f"is not a shared copy (no hidden sheet {RECORD_SHEET}); nothing was changed"
            )
        info, meta, items = _read_record(pkg)
        by_sheet: dict[str, list[tuple]] = {}
        for item in items:
            by_sheet.setdefault(item[0], []).append(item)
        parts = {s.name: s for s in pkg.worksheet_parts()}
        missing = [s for s in by_sheet if s not in parts]
        if missing:
            raise RefusedError(
                f"{src.name}: 记录中的工作表 {', '.join(missing)} 已不存在（被改名或删除？），未作任何修改。 "
                f"the recorded sheet(s) {', '.join(missing)} no longer exist (renamed or "
                "deleted?); nothing was changed"
            )
        if not force:
            _refuse_moved_values(pkg, parts, by_sheet)
        has_meta = any(n.lower().endswith("metadata.xml") for n in pkg.names())
        strings = pkg.shared_values() if any(
            n.lower().endswith("sharedstrings.xml") for n in pkg.names()
        ) else []  # fmt: skip
        replaced: dict[str, bytes] = {}
        for sheet, its in by_sheet.items():
            part = parts[sheet].part
            replaced[part], restored, skipped = _restore_formulas(
                pkg.read(part), its, strings, has_meta
            )
            texts = {ref: text for _s, ref, text, _a in its}
            shown = {ref: a.get("value") for _s, ref, _t, a in its}
            rep.changes.extend(
                CellChange(sheet, ref, shown[ref], "=" + texts[ref]) for ref in restored
            )
            rep.warnings.extend(
                f"{sheet}!{ref}: 该单元格现在含有公式，未恢复记录的公式 ={texts[ref]}。 the cell "
                f"now holds a formula; the recorded formula ={texts[ref]} was not restored"
                for ref in skipped
            )
        rep.n_agglo = len(rep.changes)
        replaced.update(_workbook_without_record(pkg, info, meta))
        removed = {info.part, _rels_part(info.part)}

        def write(tmp: str) -> list[str]:
            xlsx.write_members(pkg, replaced, tmp, removed=removed)
            return list(replaced)

        rep.parts_rewritten, _written, bak = write_workbook(pkg, target, write, backup=backup)
        rep.backup = str(bak) if bak else None
        rep.written_to = str(target)
    except RefusedError as exc:
        rep.status, rep.message = "refused", str(exc)
        rep.changes = []
    rep.seconds = time.perf_counter() - t0
    return rep
