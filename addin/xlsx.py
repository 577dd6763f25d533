"""Safe reading of .xlsx/.xlsm packages and surgical patching of cached cell values.

A workbook is a zip package of XML parts.  The headless engine reads the parts it
needs with a hardened XML parser and writes results back by replacing only the
worksheet parts whose cached values change (plus ``xl/workbook.xml`` to ask Excel
to recalculate on open).  Every other member of the package is copied unchanged,
byte for byte as stored in the archive (local header, compressed data, data
descriptor and central-directory record; see "raw copying of zip members" below).

Nothing here executes anything stored in the workbook; VBA projects, macros and
external links are carried over as opaque bytes.

Defences against hostile files, all applied *before* any other library (openpyxl,
``formulas``) sees the file:

* the file must be a zip package (an OLE compound file means a password-protected
  workbook or a legacy ``.xls``; both are refused with a message saying so);
* member names must be relative, without ``..``, drive letters or backslashes, and
  unique; encrypted members are refused;
* the declared uncompressed size of each member, of all members, and the
  compression ratio of large members are bounded (zip bombs), and every read is
  bounded by the declared size so a lying header cannot inflate past it;
* XML parts must not contain a document type declaration (``<!DOCTYPE``/
  ``<!ENTITY``): Office never writes one, and refusing it rules out entity
  expansion (billion laughs) and external entities; parsing uses lxml with entity
  resolution, network access and huge trees switched off in any case;
* the number of cells is counted while streaming through the sheets and bounded
  before the workbook is handed to the evaluator.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import math
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

__all__ = [
    "ERROR_CODES",
    "ExcelError",
    "FormulaCell",
    "Limits",
    "Package",
    "RefusedError",
    "SheetInfo",
    "SheetPatch",
    "SheetScan",
    "cell_ref",
    "col_to_num",
    "escape_text",
    "num_to_col",
    "parse_range",
    "read_package",
    "secure_parser",
    "split_ref",
    "survey_sheet",
    "unescape_text",
    "write_patched",
]

#: The error values a cell can hold.
ERROR_CODES = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)  # fmt: skip

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_REL_OFFICE_DOC = ("/officeDocument/2006/relationships/officeDocument",
                   "/ooxml/officeDocument/relationships/officeDocument")  # fmt: skip
_STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)


class RefusedError(Exception):
    """The workbook cannot be processed safely; nothing was written."""


class ExcelError(str):
    """An Excel error value (``#N/A``, ``#DIV/0!`` ...) as opposed to a text value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"ExcelError({str(self)!r})"


@dataclasses.dataclass(frozen=True)
class Limits:
    """Bounds on what one workbook may cost to read.

    The defaults accept every real workbook in the test corpus with a wide margin and
    refuse files that would need more than a few hundred MB of memory to evaluate.
    """

    #: largest file on disk, bytes
    max_file_bytes: int = 200_000_000
    #: most members in the zip package
    max_members: int = 20_000
    #: largest declared uncompressed size of all members together, bytes
    max_total_uncompressed: int = 600_000_000
    #: largest declared uncompressed size of one member, bytes
    max_member_uncompressed: int = 300_000_000
    #: largest compression ratio of a member bigger than ``ratio_floor`` bytes
    max_ratio: float = 200.0
    ratio_floor: int = 5_000_000
    #: most cells (all sheets) of a workbook handed to the evaluator
    max_cells: int = 500_000


# ---------------------------------------------------------------------------
# cell references


_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def col_to_num(col: str) -> int:
    """Column letters to a 1-based number (``A`` → 1, ``AA`` → 27)."""
    n = 0
    for ch in col.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def num_to_col(n: int) -> str:
    """1-based column number to letters (27 → ``AA``)."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def split_ref(ref: str) -> tuple[int, int]:
    """``"B12"`` → ``(12, 2)`` (row, column), both 1-based."""
    m = _REF_RE.match(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_to_num(m.group(1))


def cell_ref(row: int, col: int) -> str:
    """``(12, 2)`` → ``"B12"``."""
    return f"{num_to_col(col)}{row}"


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """``"B2:D5"`` → ``(r1, c1, r2, c2)``; a single cell gives a 1×1 range."""
    a, _, b = ref.partition(":")
    r1, c1 = split_ref(a)
    r2, c2 = split_ref(b) if b else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


# ---------------------------------------------------------------------------
# package reading


def secure_parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_blank_text=False,
    )


@dataclasses.dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str  # zip member name, e.g. ``xl/worksheets/sheet1.xml``
    index: int  # 0-based position in the workbook


@dataclasses.dataclass
class FormulaCell:
    ref: str
    row: int
    col: int
    text: str | None  # formula text without "=", None for a shared-formula child
    kind: str  # "normal", "array", "shared", "dataTable"
    array_ref: str | None  # ``ref`` of an array formula / shared master
    shared_index: str | None
    dynamic: bool  # carries the ``cm`` attribute (dynamic array)
    cached: Any  # cached value decoded (None when absent)


@dataclasses.dataclass
class SheetScan:
    info: SheetInfo
    n_cells: int
    formulas: dict[str, FormulaCell]
    shared_masters: dict[str, FormulaCell]
    #: cached values of non-formula cells lying inside array-formula ranges
    covered_values: dict[str, Any]
    #: every non-empty cell reference (only kept when asked for)
    occupied: set[str] | None
    #: (row, col) → cached value of every cell holding a value, formula or not (only
    #: kept when asked for; the evaluator reads its inputs from here)
    values: dict[tuple[int, int], Any] | None = None


def _content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclasses.dataclass
class Package:
    """A workbook file read into memory and checked (see :func:`read_package`)."""

    path: Path
    data: bytes
    size: int
    mtime_ns: int
    sha256: str
    zip: zipfile.ZipFile
    limits: Limits
    strict: bool = False
    _workbook_part: str | None = None
    _sheets: list[SheetInfo] | None = None
    _shared_strings: list[str] | None = None

    # -- raw members --------------------------------------------------------
    def names(self) -> list[str]:
        return [i.filename for i in self.zip.infolist()]

    def has(self, name: str) -> bool:
        return self._member(name) is not None

    def _member(self, name: str) -> zipfile.ZipInfo | None:
        info = self.zip.NameToInfo.get(name)
        if info is None:  # some writers use backslashes in member names
            for i in self.zip.infolist():
                if i.filename.replace("\\", "/") == name:
                    return i
        return info

    def read(self, name: str) -> bytes:
        """Read one member, never more than its declared size (zip-bomb safe)."""
        info = self._member(name)
        if info is None:
            raise RefusedError(f"{self.path.name}: the package has no part {name!r}")
        with self.zip.open(info) as fh:
            data = fh.read(info.file_size + 1)
        if len(data) > info.file_size:  # pragma: no cover - zipfile checks this too
            raise RefusedError(f"member {name!r} is larger than its header says")
        return data

    def parse(self, name: str) -> etree._Element:
        data = self.read(name)
        _check_xml_bytes(name, data)
        try:
            return etree.fromstring(data, secure_parser())
        except etree.XMLSyntaxError as exc:
            raise RefusedError(f"the XML part {name!r} is not well-formed: {exc}") from exc

    def changed_on_disk(self) -> bool:
        """True when the file on disk is no longer the one that was read."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return True
        if st.st_size != self.size or st.st_mtime_ns != self.mtime_ns:
            return True
        return _content_hash(self.path.read_bytes()) != self.sha256

    # -- workbook structure -------------------------------------------------
    @property
    def workbook_part(self) -> str:
        if self._workbook_part is None:
            root = self.parse("_rels/.rels")
            target = None
            for rel in root.iter("{*}Relationship"):
                if rel.get("Type", "").endswith(_REL_OFFICE_DOC):
                    target = rel.get("Target", "")
                    break
            if target is None:
                raise RefusedError("the package has no workbook part (not an Excel workbook)")
            self._workbook_part = _resolve_target("", target)
            if not self.has(self._workbook_part):
                raise RefusedError(f"the workbook part {self._workbook_part!r} is missing")
        return self._workbook_part

    def rels_of(self, part: str) -> dict[str, str]:
        """Relationship id → resolved member name for one part."""
        p = PurePosixPath(part)
        rels = str(p.parent / "_rels" / (p.name + ".rels")).lstrip("./")
        if not self.has(rels):
            return {}
        root = self.parse(rels)
        out = {}
        for rel in root.iter("{*}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            out[rel.get("Id")] = _resolve_target(str(p.parent), rel.get("Target", ""))
        return out

    @property
    def sheets(self) -> list[SheetInfo]:
        if self._sheets is None:
            wb = self.parse(self.workbook_part)
            self.strict = wb.tag.startswith("{" + _STRICT_NS)
            rels = self.rels_of(self.workbook_part)
            out = []
            for i, sh in enumerate(wb.iterfind("{*}sheets/{*}sheet")):
                rid = None
                for ns in _R_NS:
                    rid = rid or sh.get(f"{{{ns}}}id")
                part = rels.get(rid)
                if part and self.has(part):
                    out.append(SheetInfo(sh.get("name", f"Sheet{i + 1}"), part, i))
            self._sheets = out
        return self._sheets

    def worksheet_parts(self) -> list[SheetInfo]:
        """Sheets that are worksheets (chart sheets and dialog sheets excluded)."""
        return [s for s in self.sheets if "/worksheets/" in "/" + s.part]

    @property
    def shared_strings(self) -> list[str]:
        if self._shared_strings is None:
            part = None
            for rid_target in self.rels_of(self.workbook_part).values():
                if rid_target.lower().endswith("sharedstrings.xml"):
                    part = rid_target
            strings: list[str] = []
            if part:
                root = self.parse(part)
                for si in root.iterfind("{*}si"):
                    # rich text runs: the visible text is every <t> except phonetic runs
                    strings.append(
                        "".join(t.text or "" for t in si.iter("{*}t") if _not_phonetic(t))
                    )
            self._shared_strings = strings
        return self._shared_strings

    # -- sheet scanning -----------------------------------------------------
    def scan_sheet(
        self, info: SheetInfo, *, keep_occupied: bool = False, keep_values: bool = False
    ) -> SheetScan:
        """Stream through one worksheet: count cells, collect formula cells (and values)."""
        return _scan_sheet(self, info, keep_occupied=keep_occupied, keep_values=keep_values)


def _not_phonetic(t: etree._Element) -> bool:
    parent = t.getparent()
    while parent is not None:
        if etree.QName(parent).localname == "rPh":
            return False
        if etree.QName(parent).localname == "si":
            return True
        parent = parent.getparent()
    return True


def _resolve_target(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        path = target.lstrip("/")
    else:
        path = str(PurePosixPath(base_dir) / target) if base_dir else target
    parts: list[str] = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if parts:
                parts.pop()
            continue
        parts.append(seg)
    return "/".join(parts)


_BAD_NAME = re.compile(r"(^/|^[A-Za-z]:|(^|/)\.\.(/|$)|\x00)")
_DTD_RE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _xml_encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"<\x00?\x00")):
        return "utf-16-le"
    if head.startswith((b"\xfe\xff", b"\x00<\x00?")):
        return "utf-16-be"
    return "utf-8"


def _check_xml_bytes(name: str, data: bytes, encoding: str | None = None) -> None:
    """Refuse XML carrying a DTD or entity declarations (in UTF-8 or UTF-16)."""
    encoding = encoding or _xml_encoding(data[:4])
    text = data if encoding == "utf-8" else data.decode(encoding, "ignore").encode("utf-8")
    if _DTD_RE.search(text):
        raise RefusedError(
            f"the XML part {name!r} declares a DTD or entities (<!DOCTYPE>/<!ENTITY>); "
            "Office never writes these and they can be used for entity-expansion attacks"
        )


def read_package(path: str | os.PathLike, limits: Limits | None = None) -> Package:
    """Read and check a workbook package.

    Raises
    ------
    RefusedError
        With a message saying why, when the file is not an xlsx/xlsm zip package,
        is encrypted or password-protected, truncated, or exceeds ``limits``.
    """
    limits = limits or Limits()
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise RefusedError(f"{p}: no such file") from None
    if not p.is_file():
        raise RefusedError(f"{p}: not a regular file")
    if st.st_size > limits.max_file_bytes:
        raise RefusedError(
            f"{p.name}: the file is {st.st_size:,} bytes, more than the limit of "
            f"{limits.max_file_bytes:,} bytes"
        )
    data = p.read_bytes()
    if data.startswith(_OLE_MAGIC):
        raise RefusedError(
            f"{p.name}: this is an encrypted (password-protected) workbook or a legacy .xls "
            "file; remove the password (File > Info > Protect Workbook > Encrypt with "
            "Password) or save it as .xlsx/.xlsm, then refresh again"
        )
    if not data.startswith(_ZIP_MAGIC):
        raise RefusedError(f"{p.name}: not an .xlsx/.xlsm workbook (not a zip package)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise RefusedError(f"{p.name}: the file is truncated or corrupt ({exc})") from exc
    _check_members(p.name, infos, limits)
    pkg = Package(
        path=p,
        data=data,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        sha256=_content_hash(data),
        zip=zf,
        limits=limits,
    )
    _check_all_xml(pkg)
    pkg.workbook_part  # noqa: B018 - validates the package structure
    return pkg


def _check_members(fname: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise RefusedError(f"{fname}: {len(infos):,} zip members, more than {limits.max_members:,}")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if _BAD_NAME.search(name.replace("\\", "/")):
            raise RefusedError(
                f"{fname}: unsafe member name {name!r} (absolute path or '..'); "
                "the file was not written by Office and is refused"
            )
        low = name.lower()
        if low in seen:
            raise RefusedError(f"{fname}: duplicate member name {name!r}")
        seen.add(low)
        if info.flag_bits & 0x1:
            raise RefusedError(f"{fname}: member {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise RefusedError(
                f"{fname}: member {name!r} uses an unsupported compression method "
                f"({info.compress_type})"
            )
        if info.file_size > limits.max_member_uncompressed:
            raise RefusedError(
                f"{fname}: member {name!r} expands to {info.file_size:,} bytes, more than "
                f"the limit of {limits.max_member_uncompressed:,} (zip bomb?)"
            )
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise RefusedError(
                f"{fname}: member {name!r} has a compression ratio of "
                f"{info.file_size / max(info.compress_size, 1):,.0f}:1 "
                f"(limit {limits.max_ratio:,.0f}:1); refused as a possible zip bomb"
            )
        total += info.file_size
    if total > limits.max_total_uncompressed:
        raise RefusedError(
            f"{fname}: the package expands to {total:,} bytes, more than the limit of "
            f"{limits.max_total_uncompressed:,} (zip bomb?)"
        )


def _check_all_xml(pkg: Package) -> None:
    """Stream every XML-like member once: bounded size, UTF-8, no DTD/entities."""
    for info in pkg.zip.infolist():
        low = info.filename.lower()
        if not low.endswith((".xml", ".rels", ".vml")):
            continue
        tail = b""
        n = 0
        encoding = None
        try:
            with pkg.zip.open(info) as fh:
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    n += len(chunk)
                    if n > info.file_size:
                        raise RefusedError(f"member {info.filename!r} is larger than declared")
                    if encoding is None:
                        encoding = _xml_encoding(chunk[:4])
                    _check_xml_bytes(info.filename, tail + chunk, encoding)
                    tail = chunk[-32:]
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise RefusedError(
                f"{pkg.path.name}: member {info.filename!r} is corrupt or truncated ({exc})"
            ) from exc


# ---------------------------------------------------------------------------
# sheet scanning


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def unescape_text(s: str) -> str:
    """Decode the ``_xHHHH_`` escapes Office uses for characters XML cannot hold."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), s) if "_x" in s else s


def escape_text(s: str) -> str:
    """Encode characters XML cannot hold (and literal ``_xHHHH_``) the way Office does."""
    return _NEEDS_ESCAPE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", s)


def _decode_cached(c: etree._Element, strings: Callable[[], list[str]]) -> Any:
    v = _decode_cached_raw(c, strings)
    return unescape_text(v) if type(v) is str else v


_NOT_DECODED = object()


def _decode_number(v: str) -> Any:
    try:
        f = float(v)
    except ValueError:
        return v
    return (
        int(f) if f.is_integer() and abs(f) < 2**53 and "." not in v and "E" not in v.upper() else f
    )


def _decode_cached_raw(c: etree._Element, strings: Callable[[], list[str]]) -> Any:
    t = c.get("t", "n")
    v = None
    is_ = None
    for ch in c:
        ln = etree.QName(ch).localname
        if ln == "v":
            v = ch.text
        elif ln == "is":
            is_ = ch
    if t == "inlineStr":
        if is_ is None:
            return v
        return "".join(x.text or "" for x in is_.iter("{*}t"))
    if v is None:
        return None
    if t == "n":
        return _decode_number(v)
    if t == "b":
        return v.strip() in ("1", "true")
    if t == "e":
        return ExcelError(v)
    if t == "s":
        try:
            return strings()[int(v)]
        except (ValueError, IndexError):
            return None
    if t == "d":
        return v
    return v  # "str"


_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*?>([^<]*)</(?:[A-Za-z_][\w.-]*:)?f>")


def survey_sheet(pkg: Package, info: SheetInfo) -> tuple[int, list[str]]:
    """Fast pass over one sheet's bytes: (number of cells, formula texts).

    Used to decide, before any real parsing, whether a sheet matters (no Agglo
    formula anywhere → nothing to do) and whether it is too large to evaluate.  It
    counts ``<c>`` start tags and collects the text of ``<f>`` elements (XML-escaped
    text, good enough to spot function names).
    """
    member = pkg._member(info.part)
    n = 0
    texts: list[str] = []
    buf = b""
    prefix = None
    with pkg.zip.open(member) as fh:
        while True:
            chunk = fh.read(1 << 20)
            buf += chunk
            if prefix is None:
                m = _ROOT.search(buf)
                if m is None and chunk and len(buf) < (1 << 22):
                    continue
                prefix = m.group(1) if m and m.group(1) else b""
                row_tag = b"<" + prefix + b"row"
                cell_tags = [
                    b"<" + prefix + b"c" + x for x in (b" ", b">", b"/", b"\t", b"\n", b"\r")
                ]
            if chunk:
                cut = buf.rfind(row_tag)
                if cut <= 0:
                    continue  # keep reading until a row boundary is in the buffer
                head, buf = buf[:cut], buf[cut:]
            else:
                head, buf = buf, b""
            n += sum(head.count(t) for t in cell_tags)
            if b"f>" in head or b"f " in head:
                texts.extend(m.group(1).decode("utf-8", "replace") for m in _FORMULA.finditer(head))
            if not chunk:
                break
    return n, texts


def _scan_sheet(
    pkg: Package, info: SheetInfo, *, keep_occupied: bool, keep_values: bool = False
) -> SheetScan:
    member = pkg._member(info.part)
    with pkg.zip.open(member) as fh:
        _check_xml_bytes(info.part, fh.read(4096))
    formulas: dict[str, FormulaCell] = {}
    masters: dict[str, FormulaCell] = {}
    covered: dict[str, Any] = {}
    occupied: set[str] | None = set() if keep_occupied else None
    values: dict[tuple[int, int], Any] | None = {} if keep_values else None
    arrays: list[tuple[int, int, int, int]] = []
    array_rows: dict[int, list[tuple[int, int, int, int]]] = {}
    big_arrays: list[tuple[int, int, int, int]] = []
    n = 0
    last_row = 0
    strings = lambda: pkg.shared_strings  # noqa: E731 - lazy

    context = etree.iterparse(
        pkg.zip.open(member),
        events=("end",),
        tag=("{*}c", "{*}row"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
    )
    col_in_row = 0
    track_values = occupied is not None or values is not None
    try:
        for _event, el in context:
            tag = el.tag
            if tag[-3:] == "row" and (len(tag) == 3 or tag[-4] in "}:"):
                el.clear(keep_tail=False)
                parent = el.getparent()
                while el.getprevious() is not None and parent is not None:
                    del parent[0]  # keep memory flat on very long sheets
                col_in_row = 0
                continue
            n += 1
            ref = el.get("r")
            f = None
            has_value = False
            v_el = None
            for ch in el:
                t = ch.tag
                if t[-1] == "f" and (len(t) == 1 or t[-2] == "}"):
                    f = ch
                elif t[-1] == "v" and (len(t) == 1 or t[-2] == "}"):
                    has_value = True
                    v_el = ch
                elif t[-1] == "v" or t[-2:] == "is":
                    has_value = True
            if f is None and not has_value:
                if ref is None:
                    col_in_row += 1
                continue
            if f is None and not (track_values or arrays):
                if ref is None:
                    col_in_row += 1
                continue
            if ref is None:  # cells without r follow the previous one
                parent = el.getparent()
                row = int(parent.get("r", last_row + 1)) if parent is not None else last_row
                col_in_row += 1
                ref = cell_ref(row, col_in_row)
            row, col = split_ref(ref)
            last_row, col_in_row = row, col
            if f is not None:
                kind = f.get("t", "normal")
                fc = FormulaCell(
                    ref=ref,
                    row=row,
                    col=col,
                    text=f.text if (f.text or kind != "shared") else None,
                    kind=kind,
                    array_ref=f.get("ref"),
                    shared_index=f.get("si"),
                    dynamic=el.get("cm") is not None,
                    cached=_decode_cached(el, strings),
                )
                formulas[ref] = fc
                if kind == "shared" and fc.text is not None and fc.shared_index is not None:
                    masters[fc.shared_index] = fc
                if kind == "array" and fc.array_ref:
                    with contextlib.suppress(ValueError):
                        area = parse_range(fc.array_ref)
                        arrays.append(area)
                        if area[2] - area[0] < 10_000:
                            # rows → the array ranges crossing them, for a quick lookup
                            for r in range(area[0], area[2] + 1):
                                array_rows.setdefault(r, []).append(area)
                        else:
                            big_arrays.append(area)
                if occupied is not None:
                    occupied.add(ref)
                if values is not None:
                    values[(row, col)] = fc.cached
            else:
                if occupied is not None:
                    occupied.add(ref)
                value = _NOT_DECODED
                if values is not None:
                    t = el.get("t", "n")
                    if t == "n" and v_el is not None:  # the common case, decoded here
                        value = _decode_number(v_el.text) if v_el.text else None
                    else:
                        value = _decode_cached(el, strings)
                    values[(row, col)] = value
                if arrays and any(
                    r1 <= row <= r2 and c1 <= col <= c2
                    for r1, c1, r2, c2 in (*array_rows.get(row, ()), *big_arrays)
                ):
                    covered[ref] = _decode_cached(el, strings) if value is _NOT_DECODED else value
    except etree.XMLSyntaxError as exc:
        raise RefusedError(
            f"the sheet {info.name!r} ({info.part}) is not well-formed XML: {exc}"
        ) from exc
    return SheetScan(info, n, formulas, masters, covered, occupied, values)


# ---------------------------------------------------------------------------
# patching


@dataclasses.dataclass
class SheetPatch:
    """What to change in one worksheet part.

    ``values`` maps cell references to the new cached value (float/int/bool/str/
    :class:`ExcelError`); ``array_refs`` maps the anchor of an array formula to its new
    ``ref``; ``clear`` lists cells whose cached value is removed (cells a shrinking
    spill range no longer covers).
    """

    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    array_refs: dict[str, str] = dataclasses.field(default_factory=dict)
    clear: set[str] = dataclasses.field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.values or self.array_refs or self.clear)


def _format_number(x: float | int) -> str:
    if isinstance(x, bool):
        return "1" if x else "0"
    if isinstance(x, int):
        return str(x)
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def _set_value(c: etree._Element, value: Any, ns: str) -> None:
    """Replace the cached value of cell element ``c`` (keeps ``<f>`` and attributes)."""
    for ch in list(c):
        if etree.QName(ch).localname in ("v", "is"):
            c.remove(ch)
    if value is None or (isinstance(value, str) and value == "" and c.find(f"{{{ns}}}f") is None):
        c.attrib.pop("t", None)
        return
    v = etree.SubElement(c, f"{{{ns}}}v")
    if isinstance(value, ExcelError):
        c.set("t", "e")
        v.text = str(value)
    elif isinstance(value, bool):
        c.set("t", "b")
        v.text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            c.set("t", "e")
            v.text = "#NUM!"
        else:
            c.attrib.pop("t", None)
            v.text = _format_number(value)
    else:
        # Excel writes text results of formulas and of spilled/array cells as t="str"
        c.set("t", "str")
        v.text = escape_text(str(value))
        if v.text != v.text.strip():
            v.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    # <v> must come after <f> and before <extLst>
    ext = None
    for ch in c:
        if etree.QName(ch).localname == "extLst":
            ext = ch
    if ext is not None:
        c.remove(v)
        ext.addprevious(v)


def _patch_sheet_xml(data: bytes, patch: SheetPatch) -> bytes:
    root = etree.fromstring(data, secure_parser())
    ns = etree.QName(root).namespace or ""
    sheet_data = root.find(f"{{{ns}}}sheetData")
    if sheet_data is None:
        sheet_data = etree.SubElement(root, f"{{{ns}}}sheetData")
    rows: dict[int, etree._Element] = {}
    for r in sheet_data.iterfind(f"{{{ns}}}row"):
        try:
            rows[int(r.get("r"))] = r
        except (TypeError, ValueError):
            continue

    def find_cell(ref: str, create: bool) -> etree._Element | None:
        row_n, col_n = split_ref(ref)
        row = rows.get(row_n)
        if row is None:
            if not create:
                return None
            row = etree.Element(f"{{{ns}}}row", r=str(row_n))
            before = [k for k in rows if k > row_n]
            if before:
                rows[min(before)].addprevious(row)
            else:
                sheet_data.append(row)
            rows[row_n] = row
        cells = row.findall(f"{{{ns}}}c")
        for c in cells:
            if c.get("r") == ref:
                return c
        if not create:
            return None
        c = etree.Element(f"{{{ns}}}c", r=ref)
        nxt = None
        for cc in cells:
            try:
                if split_ref(cc.get("r", ""))[1] > col_n:
                    nxt = cc
                    break
            except ValueError:
                continue
        if nxt is not None:
            nxt.addprevious(c)
        else:
            row.append(c)
        row.attrib.pop("spans", None)
        return c

    for anchor, new_ref in patch.array_refs.items():
        c = find_cell(anchor, create=False)
        if c is not None:
            f = c.find(f"{{{ns}}}f")
            if f is not None:
                f.set("ref", new_ref)
    for ref in sorted(patch.clear, key=split_ref):
        c = find_cell(ref, create=False)
        if c is not None and c.find(f"{{{ns}}}f") is None:
            _set_value(c, None, ns)
    max_row = max_col = 0
    for ref, value in patch.values.items():
        c = find_cell(ref, create=True)
        _set_value(c, value, ns)
        r, col = split_ref(ref)
        max_row, max_col = max(max_row, r), max(max_col, col)
    dim = root.find(f"{{{ns}}}dimension")
    if dim is not None and max_row:
        try:
            r1, c1, r2, c2 = parse_range(dim.get("ref", "A1"))
            if max_row > r2 or max_col > c2:
                dim.set(
                    "ref",
                    f"{cell_ref(r1, c1)}:{cell_ref(max(r2, max_row), max(c2, max_col))}",
                )
        except ValueError:
            pass
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# Children of <workbook> that come after <calcPr> in the schema sequence.
_AFTER_CALCPR = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                 "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")  # fmt: skip


def _patch_workbook_xml(data: bytes) -> bytes | None:
    """Set ``<calcPr fullCalcOnLoad="1">``; None when it is already set."""
    root = etree.fromstring(data, secure_parser())
    ns = etree.QName(root).namespace or ""
    calc = root.find(f"{{{ns}}}calcPr")
    if calc is not None and calc.get("fullCalcOnLoad") in ("1", "true"):
        return None
    if calc is None:
        calc = etree.Element(f"{{{ns}}}calcPr")
        after = None
        for ch in root:
            if isinstance(ch.tag, str) and etree.QName(ch).localname in _AFTER_CALCPR:
                after = ch
                break
        if after is not None:
            after.addprevious(calc)
        else:
            root.append(calc)
    calc.set("fullCalcOnLoad", "1")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def write_patched(
    pkg: Package,
    patches: dict[str, SheetPatch],
    out_path: str | os.PathLike,
    *,
    full_calc_on_load: bool = True,
    during_write: Callable[[], None] | None = None,
) -> list[str]:
    """Write ``pkg`` to ``out_path`` with ``patches`` applied to the named sheet parts.

    Every other member is copied with the same name, order, bytes, compression method,
    time stamp and attributes.  Returns the names of the members that were rewritten.
    ``during_write`` is called once half of the members have been written (a hook used
    by the crash-safety test).
    """
    replaced: dict[str, bytes] = {}
    for part, patch in patches.items():
        if patch:
            replaced[part] = _patch_sheet_xml(pkg.read(part), patch)
    if replaced and full_calc_on_load:
        wb = _patch_workbook_xml(pkg.read(pkg.workbook_part))
        if wb is not None:
            replaced[pkg.workbook_part] = wb
    layout = _raw_layout(pkg.data)
    if layout is not None:
        with open(out_path, "wb") as raw:
            _write_raw(pkg.data, layout, replaced, raw, during_write)
            raw.flush()
            os.fsync(raw.fileno())
        return list(replaced)
    # an archive the raw copier does not handle (ZIP64, data before the archive ...):
    # same names, order, contents and compression method, but members are recompressed
    infos = pkg.zip.infolist()
    with open(out_path, "wb") as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as out:
        for i, info in enumerate(infos):
            if during_write is not None and i == len(infos) // 2:
                raw.flush()
                during_write()
            data = replaced.get(info.filename)
            if data is None:
                data = pkg.read(info.filename)
            zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            zi.compress_type = info.compress_type
            zi.external_attr = info.external_attr
            zi.internal_attr = info.internal_attr
            zi.create_system = info.create_system
            zi.comment = info.comment
            out.writestr(zi, data)
        out.comment = pkg.zip.comment
        raw.flush()
        os.fsync(raw.fileno())
    return list(replaced)


# ---------------------------------------------------------------------------
# raw copying of zip members
#
# Python's ``zipfile`` can only write a member by compressing it again, and the same
# content compressed again need not give the same bytes (another zlib version or
# level, another tool that made the file).  To keep every member that is not patched
# byte-identical in the archive itself, not only after decompression, the output is
# assembled here by hand from the original bytes: each untouched member's local file
# header, compressed data and data descriptor are copied verbatim, and its central
# directory record is copied verbatim except for the offset of its local header.  Only
# the patched members are compressed anew.  The format is that of PKWARE's APPNOTE
# (sections 4.3.7 local file header, 4.3.9 data descriptor, 4.3.12 central directory
# header, 4.3.16 end of central directory record).  Archives that need ZIP64 records
# or carry data before the first member are left to ``zipfile`` (see write_patched).

_LOCAL_SIG = b"PK\x03\x04"
_CENTRAL_SIG = b"PK\x01\x02"
_EOCD_SIG = b"PK\x05\x06"
_DESCRIPTOR_SIG = b"PK\x07\x08"
_ZIP64_LOCATOR_SIG = b"PK\x06\x07"
_U32_MAX = 0xFFFFFFFF


@dataclasses.dataclass
class _RawMember:
    name: str
    central: bytes  # the central directory record, as stored
    start: int  # offset of the local file header
    end: int  # end of the data (and data descriptor)
    method: int


def _raw_layout(data: bytes) -> tuple[list[_RawMember], bytes] | None:
    """The members of a zip archive and its end record, or None if not a plain archive."""
    import struct

    pos = data.rfind(_EOCD_SIG, max(0, len(data) - 22 - 65535))
    if pos < 0 or len(data) < pos + 22:
        return None
    (_sig, disk, cd_disk, n_here, n_total, cd_size, cd_off, clen) = struct.unpack(
        "<4s4H2LH", data[pos : pos + 22]
    )
    if pos + 22 + clen != len(data) or disk or cd_disk or n_here != n_total:
        return None
    if cd_off + cd_size != pos or _U32_MAX in (cd_size, cd_off) or n_total == 0xFFFF:
        return None  # ZIP64, or data before/after the archive
    if pos >= 20 and data[pos - 20 : pos - 16] == _ZIP64_LOCATOR_SIG:
        return None
    members: list[_RawMember] = []
    p = cd_off
    for _ in range(n_total):
        if data[p : p + 4] != _CENTRAL_SIG:
            return None
        (flags, method, csize, usize, nlen, xlen, klen, disk_start, loc) = struct.unpack(
            "<8xHH8xLLHHHH6xL", data[p : p + 46]
        )
        rec = data[p : p + 46 + nlen + xlen + klen]
        if _U32_MAX in (csize, usize, loc) or disk_start or flags & 0x41:
            return None  # ZIP64 sizes/offsets, or encryption
        raw_name = rec[46 : 46 + nlen]
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
        if data[loc : loc + 4] != _LOCAL_SIG:
            return None
        lnlen, lxlen = struct.unpack("<HH", data[loc + 26 : loc + 30])
        end = loc + 30 + lnlen + lxlen + csize
        if flags & 0x08:  # sizes and CRC follow the data, with or without a signature
            end += 16 if data[end : end + 4] == _DESCRIPTOR_SIG else 12
        if end > cd_off:
            return None
        members.append(_RawMember(name, rec, loc, end, method))
        p += len(rec)
    if p != pos:
        return None
    return members, data[pos:]


def _write_raw(data, layout, replaced: dict[str, bytes], fh, during_write) -> None:
    """Write the archive: raw copies of the members, new bytes for ``replaced`` ones."""
    import struct
    import zlib

    members, eocd = layout
    central = []
    offset = 0
    for i, m in enumerate(members):
        if during_write is not None and i == len(members) // 2:
            fh.flush()
            during_write()
        new = replaced.get(m.name)
        if new is None:
            chunk = data[m.start : m.end]
            # the same central record, pointing at the member's new position
            rec = m.central[:42] + struct.pack("<L", offset) + m.central[46:]
        else:
            if m.method == zipfile.ZIP_DEFLATED:
                comp = zlib.compressobj(6, zlib.DEFLATED, -15)
                payload = comp.compress(new) + comp.flush()
            else:
                m.method = zipfile.ZIP_STORED
                payload = new
            crc = zlib.crc32(new) & _U32_MAX
            (version_needed, flags, _method, mtime, mdate) = struct.unpack(
                "<HHHHH", m.central[6:16]
            )
            flags &= 0x0806  # keep the UTF-8 name and deflate-level bits, no descriptor
            raw_name = m.central[46 : 46 + struct.unpack("<H", m.central[28:30])[0]]
            head = struct.pack(
                "<4sHHHHHLLLHH", _LOCAL_SIG, max(version_needed, 20), flags, m.method,
                mtime, mdate, crc, len(payload), len(new), len(raw_name), 0,
            )  # fmt: skip
            chunk = head + raw_name + payload
            rec = (
                m.central[:8]
                + struct.pack("<HH", flags, m.method)
                + m.central[12:16]
                + struct.pack("<LLL", crc, len(payload), len(new))
                + m.central[28:42]
                + struct.pack("<L", offset)
                + m.central[46:]
            )
        if offset + len(chunk) >= _U32_MAX:
            raise RefusedError("the refreshed workbook would exceed 4 GB")
        fh.write(chunk)
        central.append(rec)
        offset += len(chunk)
    cd = b"".join(central)
    fh.write(cd)
    fh.write(eocd[:12] + struct.pack("<LL", len(cd), offset) + eocd[20:])
