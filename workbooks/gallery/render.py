"""Render the template workbooks with LibreOffice headless: PDF, then one PNG per sheet.

Usage::

    python workbooks/gallery/render.py            # PNGs of every sheet into workbooks/gallery/
    python workbooks/gallery/render.py --pdf DIR  # also keep the PDFs in DIR

What is rendered is what a reader without the add-in receives: the ``agglo share``
copy of each refreshed template (the Agglo formulas replaced by their values), so
LibreOffice shows the numbers and never ``#NAME?``.  All books are converted in one
``soffice`` call (LibreOffice starts once).  Every printed page carries the sheet's
name in its header (set by ``workbooks/builder/printing.py``); that is how pages are
matched to sheets here and in ``tests/test_template_render.py``.

Needs ``soffice`` (LibreOffice), ``pdftoppm`` (poppler-utils) and Chinese fonts
(Debian: ``fonts-noto-cjk``) on PATH, and ``pdfminer.six`` (the ``test`` extra).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKBOOKS = HERE.parent
TEMPLATES = sorted(WORKBOOKS.glob("0[1-9]_*.xlsx"))
#: PNG resolution: enough to read the numbers, small enough for the README.
DPI = 60
#: Smallest type a printed page may carry, in points.
MIN_POINTS = 8.0
#: Depth of the page header band from the top edge (0.7 inch top margin), in points.
HEADER_DEPTH = 0.7 * 72


@dataclass
class Page:
    """One printed page: its sheet (from the page header), text and smallest font size."""

    number: int
    sheet: str | None
    text: str
    min_size: float
    small: list[str] = field(default_factory=list)


def shared_copies(books: Sequence[Path], workdir: Path) -> list[Path]:
    """The ``agglo share`` copy of each workbook (cached values, no refresh) in ``workdir``."""
    from agglo_addin.share import share_workbook

    workdir.mkdir(parents=True, exist_ok=True)
    out = []
    for b in books:
        dst = workdir / b.name
        rep = share_workbook(b, out=dst, refresh=False)
        if rep.status != "shared":
            raise RuntimeError(f"{b.name}: agglo share failed: {rep.message}")
        out.append(dst)
    return out


def to_pdf(books: Sequence[Path], outdir: Path) -> list[Path]:
    """Convert every workbook to PDF in one LibreOffice call; returns the PDFs in order."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="agglo-lo-") as profile:
        subprocess.run(
            ["soffice", "--headless", "--norestore",
             f"-env:UserInstallation={Path(profile).as_uri()}",
             "--convert-to", "pdf", "--outdir", str(outdir), *map(str, books)],
            check=True, capture_output=True, timeout=900,
        )  # fmt: skip
    pdfs = [outdir / (b.stem + ".pdf") for b in books]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no PDF for {missing}")
    return pdfs


def sheet_names(book: Path) -> list[str]:
    """Visible sheet names of a workbook, in order."""
    from openpyxl import load_workbook

    wb = load_workbook(book, read_only=True)
    try:
        return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    finally:
        wb.close()


def read_pages(pdf: Path, sheets: Sequence[str]) -> list[Page]:
    """Text, sheet and smallest glyph size of every page (pdfminer.six).

    The sheet is the one whose name is a line of the page header (the top margin).
    Rotated glyphs (axis titles) are left out of the sizes: pdfminer measures them
    across the line.
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextLine

    def lines(obj):
        if isinstance(obj, LTTextLine):
            yield obj
        elif hasattr(obj, "__iter__") and not isinstance(obj, LTChar):
            for o in obj:
                yield from lines(o)

    pages = []
    for i, layout in enumerate(extract_pages(str(pdf)), start=1):
        all_lines = sorted(lines(layout), key=lambda ln: (-ln.y1, ln.x0))
        header_bottom = layout.y1 - HEADER_DEPTH
        sheet = next((ln.get_text().strip() for ln in all_lines
                      if ln.y0 >= header_bottom and ln.y1 <= layout.y1
                      and ln.get_text().strip() in sheets), None)  # fmt: skip
        sizes, small = [], []
        for ln in all_lines:
            chars = [c for c in ln if isinstance(c, LTChar) and c.upright
                     and c.get_text().strip()]  # fmt: skip
            if not chars:
                continue
            s = min(c.size for c in chars)
            sizes.append(s)
            if s < MIN_POINTS - 0.05:
                small.append(f"{s:.1f}pt: {ln.get_text().strip()[:60]}")
        text = "\n".join(ln.get_text().rstrip("\n") for ln in all_lines)
        pages.append(Page(i, sheet, text, min(sizes, default=99.0), small))
    return pages


def pages_per_sheet(pages: Sequence[Page]) -> dict[str | None, int]:
    out: dict[str | None, int] = {}
    for p in pages:
        out[p.sheet] = out.get(p.sheet, 0) + 1
    return out


def slug(sheet: str) -> str:
    """ASCII file-name part for a sheet: its English words (none for a Chinese-only name)."""
    words = re.findall(r"[A-Za-z0-9]+", sheet)
    return "".join("-" + w.lower() for w in words)


def render(books: Sequence[Path], gallery: Path, keep_pdf: Path | None = None) -> list[Path]:
    """One PNG of the first printed page of every sheet of every workbook."""
    out = []
    with tempfile.TemporaryDirectory(prefix="agglo-gallery-") as tmp:
        work = Path(tmp)
        copies = shared_copies(books, work / "shared")
        pdfs = to_pdf(copies, work / "pdf")
        gallery.mkdir(parents=True, exist_ok=True)
        for book, pdf in zip(books, pdfs, strict=True):
            for old in gallery.glob(f"{book.stem}-*.png"):  # sheets may have been renamed
                old.unlink()
            sheets = sheet_names(book)
            pages = read_pages(pdf, sheets)
            for k, sheet in enumerate(sheets, start=1):
                first = next((p.number for p in pages if p.sheet == sheet), None)
                if first is None:
                    raise RuntimeError(f"{book.name}: no printed page for sheet {sheet!r}")
                stem = gallery / f"{book.stem}-{k}{slug(sheet)}"
                subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(first),
                                "-l", str(first), "-singlefile", str(pdf), str(stem)],
                               check=True)  # fmt: skip
                _shrink(stem.with_suffix(".png"))
                out.append(stem.with_suffix(".png"))
            if keep_pdf is not None:
                keep_pdf.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(pdf, keep_pdf / pdf.name)
    return out


def _shrink(png: Path) -> None:
    """Fewer colours (a sheet uses a handful), a third of the size; skipped without Pillow."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(png) as im:
        small = im.convert("RGB").quantize(colors=64)
    small.save(png, optimize=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("books", nargs="*", type=Path, help="workbooks (default: the templates)")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNGs")
    parser.add_argument("--pdf", type=Path, help="also keep the PDFs in this folder")
    args = parser.parse_args(argv)
    for png in render(args.books or TEMPLATES, args.out, args.pdf):
        print(f"{png}  {png.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
