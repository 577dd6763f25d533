"""``agglo refresh``: which files a folder or glob run takes, and old ``.xls`` workbooks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import openpyxl
import pytest
from agglo_addin import engine, engine_cli
from agglo_addin.cli import main
from conftest import YEARBOOK_TABLES

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _book(path, formula="=LQ(B2,D2,B5,D5)"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["region", "a", "b", "total"])
    ws.append(["X", 10.0, 30.0, "=B2+C2"])
    ws.append(["Y", 20.0, 40.0, "=B3+C3"])
    ws.append(["Z", 30.0, 10.0, "=B4+C4"])
    ws.append(["all", "=SUM(B2:B4)", "=SUM(C2:C4)", "=SUM(D2:D4)"])
    if formula:
        ws["F2"] = formula
    wb.save(path)
    return path


def _run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _chinese_first(message: str) -> None:
    """Chinese text before the English, and the remedy within the first 255 characters."""
    assert _CJK.search(message[:60]), message
    head = message[:255]
    assert " / " in message, message
    assert _CJK.search(message.split(" / ")[0]), message
    return head


_FOLDER = [
    "a.xlsx",
    "b.xlsm",
    "a.bak.xlsx",  # the backup refresh_workbook keeps
    "b.bak.xlsm",
    "~$a.xlsx",  # Excel / WPS lock file
    ".~lock.a.xlsx#",  # LibreOffice lock file
    ".a.4242.k3j2.agglo-tmp",  # a temporary file of the write path
    ".hidden.xlsx",
    "old.xls",
    "old.bak.xls",
    "bin.xlsb",
    "data.csv",
    "notes.txt",
    "map.png",
]


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "books"
    d.mkdir()
    for n in _FOLDER:
        (d / n).write_bytes(b"")
    (d / "sub").mkdir()
    (d / "sub" / "deep.xlsx").write_bytes(b"")
    return d


def test_folder_takes_workbooks_only_and_says_why_it_skipped_the_rest(folder):
    books, skipped = engine_cli.discover_books([str(folder)])
    assert [b.name for b in books] == ["a.xlsx", "b.xlsm"]
    why = {p.name: reason for p, reason in skipped}
    assert why["a.bak.xlsx"] == why["b.bak.xlsm"] == why["old.bak.xls"] == engine_cli.SKIP_BACKUP
    assert why["~$a.xlsx"] == engine_cli.SKIP_OFFICE_LOCK
    assert why[".~lock.a.xlsx#"] == engine_cli.SKIP_LIBRE_LOCK
    assert why[".a.4242.k3j2.agglo-tmp"] == engine_cli.SKIP_TEMPORARY
    assert why[".hidden.xlsx"] == engine_cli.SKIP_HIDDEN
    assert why["bin.xlsb"] == engine_cli.SKIP_XLSB
    assert why["data.csv"] == engine_cli.SKIP_NOT_BOOK
    assert "old.xls" in why["old.xls"]
    assert "另存为" in why["old.xls"]
    assert "--convert" in why["old.xls"]
    # the two other files are summed up in one entry naming the folder
    assert why["books"].startswith("2 个其他文件")
    assert "notes.txt" not in why
    assert "map.png" not in why
    assert "deep.xlsx" not in why
    for reason in why.values():
        _chinese_first(reason)
    # expand_books keeps its old answer
    assert [b.name for b in engine_cli.expand_books([str(folder)])] == ["a.xlsx", "b.xlsm"]


def test_folder_with_convert_takes_xls_but_never_backups(folder):
    books, skipped = engine_cli.discover_books([str(folder)], convert=True)
    assert [b.name for b in books] == ["a.xlsx", "b.xlsm", "old.xls"]
    assert ("old.bak.xls", engine_cli.SKIP_BACKUP) in {(p.name, w) for p, w in skipped}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*.xlsx", ["a.xlsx"]),
        ("*.xls*", ["a.xlsx", "b.xlsm"]),
        ("*", ["a.xlsx", "b.xlsm"]),
        ("**/*.xlsx", ["a.xlsx", "deep.xlsx"]),
    ],
)
def test_glob_never_takes_backups_or_lock_files(folder, monkeypatch, pattern, expected):
    monkeypatch.chdir(folder)
    books, skipped = engine_cli.discover_books([pattern])
    assert sorted(b.name for b in books) == expected
    names = {p.name for p, _ in skipped}
    assert "a.bak.xlsx" in names
    assert "~$a.xlsx" in names
    assert not any(".bak." in b.name or b.name.startswith("~$") for b in books)


def test_explicit_file_is_taken_even_when_a_glob_would_skip_it(folder):
    books, skipped = engine_cli.discover_books([str(folder / "a.bak.xlsx")])
    assert [b.name for b in books] == ["a.bak.xlsx"]
    assert skipped == []


def test_glob_run_refreshes_the_books_and_lists_what_it_skipped(tmp_path, capsys, monkeypatch):
    _book(tmp_path / "r.xlsx")
    code, out, _ = _run(["refresh", str(tmp_path / "*.xlsx")], capsys)
    assert code == engine_cli.EXIT_OK, out
    assert (tmp_path / "r.bak.xlsx").exists()
    # the second glob run sees the backup and leaves it alone, saying so
    (tmp_path / "~$r.xlsx").write_bytes(b"")
    code, out, _ = _run(["refresh", str(tmp_path / "*.xlsx"), "--json"], capsys)
    rep = json.loads(out)
    assert [f["path"] for f in rep["files"]] == [str(tmp_path / "r.xlsx")]
    skipped = {s["path"]: s["reason"] for s in rep["skipped"]}
    assert skipped[str(tmp_path / "r.bak.xlsx")] == engine_cli.SKIP_BACKUP
    assert skipped[str(tmp_path / "~$r.xlsx")] == engine_cli.SKIP_OFFICE_LOCK
    assert rep["summary"]["skipped"] == 2
    code, out, _ = _run(["refresh", str(tmp_path / "*.xlsx"), "--no-backup"], capsys)
    assert f"skipped {tmp_path / 'r.bak.xlsx'}: {engine_cli.SKIP_BACKUP}" in out
    assert "summary:" in out
    assert "2 skipped" in out


def test_folder_of_xls_says_why_instead_of_no_workbook_found(tmp_path, capsys):
    (tmp_path / "gdp.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (tmp_path / "gdp.bak.xlsx").write_bytes(b"")
    code, out, err = _run(["refresh", str(tmp_path)], capsys)
    assert code == engine_cli.EXIT_USAGE
    assert "未找到可刷新的工作簿" in err
    assert f"skipped {tmp_path / 'gdp.xls'}: gdp.xls 是旧版 Excel 97-2003 格式" in err
    assert "--convert" in err
    assert engine_cli.SKIP_BACKUP in err


def test_explicit_xls_is_refused_with_how_to_save_as_xlsx(tmp_path, capsys):
    p = tmp_path / "gdp.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    before = p.read_bytes()
    code, out, _ = _run(["refresh", str(p), "--json"], capsys)
    assert code == engine_cli.EXIT_REFUSED
    f = json.loads(out)["files"][0]
    assert f["status"] == "refused"
    msg = f["message"]
    head = _chinese_first(msg)
    assert "旧版 Excel 97-2003" in head
    assert "另存为" in head
    assert "Excel 工作簿 (*.xlsx)" in head
    assert "--convert" in head
    assert "encrypted" not in msg
    assert p.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["gdp.xls"]


def _fake_libreoffice(monkeypatch, make):
    """Stand in for LibreOffice: ``make(dest)`` writes the converted workbook."""
    calls = []

    def convert(src, dest, **kw):
        calls.append((src, dest))
        make(dest)

    monkeypatch.setattr(engine_cli, "convert_legacy", convert)
    return calls


def test_convert_refreshes_the_converted_copy_and_says_where(tmp_path, capsys, monkeypatch):
    if "LQ" not in engine.default_registry():
        pytest.skip("no LQ worksheet function")
    src = tmp_path / "gdp.xls"
    src.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    before = src.read_bytes()
    calls = _fake_libreoffice(monkeypatch, _book)
    code, out, _ = _run(["refresh", "--convert", str(src)], capsys)
    assert code == engine_cli.EXIT_OK, out
    dest = tmp_path / "gdp.xlsx"
    assert calls == [(src, dest)]
    assert f"the copy is written to {dest}" in out
    assert "Data!F2: (empty) -> 0.583333" in out  # the Agglo formula of the copy computed
    assert openpyxl.load_workbook(dest, data_only=True)["Data"]["F2"].value == pytest.approx(
        (10 / 40) / (60 / 140)
    )
    assert src.read_bytes() == before
    assert not list(tmp_path.glob("*.bak.*"))  # the copy is new: nothing to back up
    # a second run does not overwrite the copy it made
    code, out, _ = _run(["refresh", "--convert", str(src), "--json"], capsys)
    f = json.loads(out)["files"][0]
    assert code == engine_cli.EXIT_REFUSED
    assert f["status"] == "refused"
    assert "已存在" in f["message"]
    assert "--out" in f["message"]
    # --out gives the copy's place; --check writes nothing
    other = tmp_path / "sub" / "gdp-2024.xlsx"
    code, out, _ = _run(["refresh", "--convert", str(src), "--out", str(other)], capsys)
    assert code == engine_cli.EXIT_OK
    assert other.exists()
    code, out, _ = _run(["refresh", "--convert", "--check", str(src), "--json"], capsys)
    f = json.loads(out)["files"][0]
    assert f["status"] == "differs"
    assert "converted_to" not in f
    assert sorted(x.name for x in tmp_path.iterdir()) == ["gdp.xls", "gdp.xlsx", "sub"]


def test_convert_in_a_folder_run(tmp_path, capsys, monkeypatch):
    (tmp_path / "a.xls").write_bytes(b"")
    (tmp_path / "b.xls").write_bytes(b"")
    (tmp_path / "a.bak.xls").write_bytes(b"")
    _fake_libreoffice(monkeypatch, lambda dest: _book(dest, formula=None))
    code, out, _ = _run(["refresh", "--convert", str(tmp_path), "--json"], capsys)
    rep = json.loads(out)
    assert code == engine_cli.EXIT_OK
    assert [f["converted_to"] for f in rep["files"]] == [
        str(tmp_path / "a.xlsx"),
        str(tmp_path / "b.xlsx"),
    ]
    assert [s["reason"] for s in rep["skipped"]] == [engine_cli.SKIP_BACKUP]


def test_a_second_folder_run_with_convert_refreshes_the_copy_not_the_xls(
    tmp_path, capsys, monkeypatch
):
    (tmp_path / "a.xls").write_bytes(b"")
    calls = _fake_libreoffice(monkeypatch, lambda dest: _book(dest, formula=None))
    code, _, _ = _run(["refresh", "--convert", str(tmp_path)], capsys)
    assert code == engine_cli.EXIT_OK
    code, out, _ = _run(["refresh", "--convert", str(tmp_path), "--json"], capsys)
    rep = json.loads(out)
    assert code == engine_cli.EXIT_OK
    assert len(calls) == 1  # converted once
    assert [f["path"] for f in rep["files"]] == [str(tmp_path / "a.xlsx")]
    reason = engine_cli.SKIP_CONVERTED.format(name="a.xlsx")
    assert rep["skipped"] == [{"path": str(tmp_path / "a.xls"), "reason": reason}]


def test_convert_without_libreoffice_is_refused_in_chinese_first(tmp_path, capsys, monkeypatch):
    src = tmp_path / "gdp.xls"
    src.write_bytes(b"")
    monkeypatch.setattr(engine_cli, "soffice_path", lambda: None)
    code, out, _ = _run(["refresh", "--convert", str(src), "--json"], capsys)
    f = json.loads(out)["files"][0]
    assert code == engine_cli.EXIT_REFUSED
    _chinese_first(f["message"])
    assert "未找到 LibreOffice" in f["message"]
    assert "另存为 .xlsx" in f["message"]
    assert not (tmp_path / "gdp.xlsx").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(engine_cli.soffice_path() is None, reason="LibreOffice is not installed")
def test_convert_with_libreoffice(tmp_path, capsys):
    """A real conversion: LibreOffice headless writes the copy; data and labels survive."""
    made = tmp_path / "made"
    made.mkdir()
    _book(made / "gdp.xlsx", formula=None)
    exe = engine_cli.soffice_path()
    subprocess.run(
        [exe, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
         "--convert-to", "xls", "--outdir", str(tmp_path), str(made / "gdp.xlsx")],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    shutil.rmtree(tmp_path / "p", ignore_errors=True)
    src = tmp_path / "gdp.xls"
    if not src.exists():
        pytest.skip("LibreOffice could not write the .xls fixture here")
    before = src.read_bytes()
    code, out, _ = _run(["refresh", "--convert", str(src), "--json"], capsys)
    assert code == engine_cli.EXIT_OK, out
    f = json.loads(out)["files"][0]
    assert f["converted_to"] == str(tmp_path / "gdp.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "gdp.xlsx")["Data"]
    assert [c.value for c in ws[1]][:4] == ["region", "a", "b", "total"]
    assert ws["B2"].value == 10
    assert ws["A4"].value == "Z"
    assert src.read_bytes() == before
    # the same old workbook renamed to .xlsx: recognised from its bytes, converted beside it
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(before)
    assert engine_cli.is_legacy(renamed)
    code, out, _ = _run(["refresh", str(renamed)], capsys)
    assert code == engine_cli.EXIT_REFUSED
    assert "旧版 Excel 97-2003" in out
    code, out, _ = _run(["refresh", "--convert", str(renamed), "--json"], capsys)
    assert code == engine_cli.EXIT_OK, out
    assert json.loads(out)["files"][0]["converted_to"] == str(tmp_path / "renamed.converted.xlsx")
    assert renamed.read_bytes() == before


def _ole(*streams: str) -> bytes:
    """The first bytes of an OLE compound file whose directory names ``streams``."""
    names = b"".join(n.encode("utf-16-le") + b"\0\0" for n in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + names + b"\0" * 64


def test_an_xls_renamed_to_xlsx_is_recognised_but_an_encrypted_xlsx_is_not(tmp_path, capsys):
    renamed = tmp_path / "gdp.xlsx"
    renamed.write_bytes(_ole("Root Entry", "Workbook", "SummaryInformation"))
    old_biff5 = tmp_path / "old.xlsx"
    old_biff5.write_bytes(_ole("Root Entry", "Book"))
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(_ole("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    assert engine_cli.is_legacy(renamed)
    assert engine_cli.is_legacy(old_biff5)
    assert not engine_cli.is_legacy(locked)
    assert not engine_cli.is_legacy(_book(tmp_path / "real.xlsx"))
    code, out, _ = _run(["refresh", str(renamed), str(locked), "--json"], capsys)
    files = {f["path"]: f for f in json.loads(out)["files"]}
    assert code == engine_cli.EXIT_REFUSED
    assert "旧版 Excel 97-2003" in files[str(renamed)]["message"]
    assert "password" in files[str(locked)]["message"]  # the encrypted one keeps its message


def test_a_damaged_xls_is_refused_by_the_conversion(tmp_path, capsys, monkeypatch):
    src = tmp_path / "gdp.xls"
    src.write_bytes(b"not a workbook")

    def failing(src, dest, **kw):
        raise RuntimeError("LibreOffice 未能转换 gdp.xls / LibreOffice could not convert gdp.xls")

    monkeypatch.setattr(engine_cli, "convert_legacy", failing)
    code, out, _ = _run(["refresh", "--convert", str(src)], capsys)
    assert code == engine_cli.EXIT_REFUSED
    assert "LibreOffice 未能转换 gdp.xls" in out
    assert not (tmp_path / "gdp.xlsx").exists()


def test_real_yearbook_xls_files_are_recognised_even_when_renamed(tmp_path):
    """The 23 real NBS .xls exports of the yearbook corpus, by name and by their bytes."""
    corpus = sorted(YEARBOOK_TABLES.glob("*.xls"))
    assert len(corpus) >= 15
    for src in corpus:
        assert engine_cli.is_legacy(src)
        renamed = tmp_path / f"{src.stem}.xlsx"
        renamed.write_bytes(src.read_bytes())
        assert engine_cli.is_legacy(renamed), src.name
    for src in YEARBOOK_TABLES.glob("*.xlsx"):
        assert not engine_cli.is_legacy(src), src.name
