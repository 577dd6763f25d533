"""The templates as a reader prints them: LibreOffice headless renders each to PDF.

What is rendered is the ``agglo share`` copy of each refreshed template (what a
reader without the add-in receives; the Agglo formulas replaced by their values).  All
books go through one ``soffice`` call; the PDF is read with pdfminer.six.  Checked per
template: the number of printed pages of every sheet (matched to the sheet by the page
header, which carries the sheet name), no text smaller than 8 pt, no ``None``,
``#NAME?`` or ``#VALUE!`` text, and no internal labels.  The page counts are the
layout of ``workbooks/builder/`` (A4 at full size, a page per yearly table); a change
of layout changes them here on purpose.

Needs ``soffice`` and Chinese fonts (Debian ``fonts-noto-cjk``; ``.ci/run`` installs
both when missing); skipped otherwise.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RENDER = ROOT / "workbooks" / "gallery" / "render.py"

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

#: Printed pages of every sheet (A4, full size).
EXPECTED_PAGES = {
    "01_location_quotient": {
        "说明 Instructions": 3, "数据": 10, "区位熵 LQ": 5, "专业化与增长": 4, "LQ趋势 trend": 2,
    },
    "02_concentration_eg": {
        "说明 Instructions": 3, "数据": 10, "集中度 concentration": 5, "EG明细 detail": 4,
        "EG指数 EG index": 3, "四大区域 regions": 7,
    },
    "03_agglomeration_competitiveness": {
        "说明 Instructions": 3, "就业 employment": 1, "工资 wages": 1, "区位熵矩阵 LQ": 2,
        "集聚与竞争力 analysis": 4,
    },
    "04_coupling_coordination": {
        "说明 Instructions": 3, "数据 SIMULATED": 6, "耦合协调 (a)": 10, "陶瓷集群 (b)": 8,
    },
    "05_central_cities": {"说明 Instructions": 3, "数据 data": 2, "综合评价 evaluation": 4},
    "06_ahp": {"说明 Instructions": 3, "判断矩阵 AHP": 5, "多专家 group": 5},
    "07_regional_disparity": {
        "说明 Instructions": 4, "数据 data": 6, "差异 disparity": 5, "分解明细 detail": 8,
        "收敛 convergence": 5, "核密度 density": 9, "空间权重 weights": 4, "空间相关 Moran": 8,
        "马尔可夫 Markov": 3,
    },
    "agglo-demo": {"数据": 1, "区位熵": 1, "集中度": 1, "耦合": 1},
}  # fmt: skip
#: Labels the project uses internally (numbered papers, option tokens, file paths).
INTERNAL = re.compile(r"论文\s*0\d\d|paper\s*0\d\d|paper0\d\d|\bspssau\b|data/[\w-]+\.(?:csv|xlsx)")
#: The instructions explain what #NAME? and #VALUE! mean; elsewhere they are errors.
INSTRUCTIONS = "说明 Instructions"


def _render_module():
    spec = importlib.util.spec_from_file_location("agglo_gallery_render", RENDER)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _has_chinese_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    return bool(out.stdout.strip())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    if not _has_chinese_font():
        pytest.skip("no Chinese font (Debian: fonts-noto-cjk)")
    pytest.importorskip("pdfminer")
    from agglo_addin.demo import DEMO_NAME, build_demo_workbook
    from agglo_addin.engine import refresh_workbook

    render = _render_module()
    work = tmp_path_factory.mktemp("render")
    demo = build_demo_workbook(work / DEMO_NAME)  # what agglo demo writes, refreshed
    assert refresh_workbook(demo, backup=False, recalc_on_open=False).status == "refreshed"
    books = [*render.TEMPLATES, demo]
    assert [b.stem for b in books] == list(EXPECTED_PAGES)
    copies = render.shared_copies(books, work / "shared")
    pdfs = render.to_pdf(copies, work / "pdf")  # one LibreOffice start for all books
    return {
        b.stem: (render.sheet_names(b), render.read_pages(pdf, render.sheet_names(b)))
        for b, pdf in zip(books, pdfs, strict=True)
    }


@pytest.mark.parametrize("stem", list(EXPECTED_PAGES))
def test_pages_per_sheet(rendered, stem):
    sheets, pages = rendered[stem]
    counts: dict[str | None, int] = {}
    for p in pages:
        counts[p.sheet] = counts.get(p.sheet, 0) + 1
    assert None not in counts, "a page without the sheet name in its header"
    assert list(counts) == sheets  # every visible sheet prints, in order
    assert counts == EXPECTED_PAGES[stem]


@pytest.mark.parametrize("stem", list(EXPECTED_PAGES))
def test_no_text_below_8_points(rendered, stem):
    _, pages = rendered[stem]
    small = [f"page {p.number} ({p.sheet}): {s}" for p in pages for s in p.small]
    assert not small, small
    assert min(p.min_size for p in pages) >= 8 - 0.05


@pytest.mark.parametrize("stem", list(EXPECTED_PAGES))
def test_no_none_error_or_internal_text(rendered, stem):
    _, pages = rendered[stem]
    found = []
    for p in pages:
        if re.search(r"\bNone\b", p.text):
            found.append(f"page {p.number} ({p.sheet}): None")
        if p.sheet != INSTRUCTIONS:
            found += [f"page {p.number} ({p.sheet}): {e}" for e in ("#NAME?", "#VALUE!")
                      if e in p.text]  # fmt: skip
        found += [f"page {p.number} ({p.sheet}): {m}" for m in INTERNAL.findall(p.text)]
    assert not found, found


def test_instructions_name_the_routes_and_the_sources(rendered):
    for stem, (_, pages) in rendered.items():
        if stem == "agglo-demo":
            continue
        text = re.sub(r"\s+", "", "".join(p.text for p in pages if p.sheet == INSTRUCTIONS))
        assert "用哪个文件/Whichfileforwhom" in text, stem
        assert "agglorefresh" in text, stem  # the route of add-in and agglo users
        assert "aggloshare" in text, stem  # the readers' route
        assert ".shared.xlsx" in text, stem
        if stem != "06_ahp":  # the AHP template follows Saaty, cited in its formulas
            assert "来源/Sources" in text, stem
