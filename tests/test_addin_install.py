"""The classic Excel front door: the built ``agglo.xlam`` and ``agglo addin install``.

* The built add-in is opened with oletools (olevba reads the VBA project of the file,
  as Excel would load it): the config sheet its VBA reads (``PROJECT_NAME & ".conf"``)
  is the sheet the build filled in, with ``UDF Modules = agglo_addin.udfs`` and the
  interpreter.  Before, the build wrote the inactive ``_myaddin.conf``, so "Import
  functions" imported the module named after the file (``agglo``: no functions).
* The config writer round-trips the way xlwings reads its config: its Python
  (``xlwings.utils.read_user_config``, run here on the written file) and its VBA
  (``Open … For Input`` in the ANSI code page, cp936/GBK on Chinese Windows).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from agglo import AggloValueError
from agglo_addin import build_addin, install

# --------------------------------------------------------------------------------------
# agglo.xlam, read with olevba
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    return build_addin.build(
        out, interpreter={"CONDA PATH": "C:\\Users\\张三\\miniconda3", "CONDA ENV": "agglo"}
    )


def _vba_modules(path: Path) -> dict[str, str]:
    olevba = pytest.importorskip("oletools.olevba")
    parser = olevba.VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        return {name: code for _f, _s, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _vba_project_name(path: Path) -> str:
    olevba = pytest.importorskip("oletools.olevba")
    parser = olevba.VBA_Parser(str(path))
    try:
        sub = parser.ole_subfiles[0]  # the vbaProject.bin inside the OpenXML package
        text = sub.ole_file.openstream("PROJECT").read().decode("latin-1")
    finally:
        parser.close()
    return re.search(r'^Name="([^"]*)"', text, flags=re.M).group(1)


def _sheets(path: Path) -> dict[str, dict[str, str]]:
    """Sheet name -> {column A: column B} (python-calamine reads add-ins as workbooks)."""
    calamine = pytest.importorskip("python_calamine")
    copy = path.with_suffix(".xlsm")
    copy.write_bytes(path.read_bytes())
    book = calamine.CalamineWorkbook.from_path(str(copy))
    return {
        name: {r[0]: r[1] for r in book.get_sheet_by_name(name).to_python() if r and r[0]}
        for name in book.sheet_names
    }


def test_built_addin_vba_reads_the_config_sheet_the_build_filled(built):
    modules = _vba_modules(built)
    names = re.findall(r'PROJECT_NAME As String = "([^"]+)"', "\n".join(modules.values()))
    assert names == ["myaddin"]
    assert build_addin.config_project_name() == "myaddin"
    read = f"{names[0]}.conf"  # Set sht = wb.Sheets(PROJECT_NAME & ".conf")
    assert 'wb.Sheets(PROJECT_NAME & ".conf")' in "\n".join(modules.values())
    assert _vba_project_name(built) == "MyAddin"
    sheets = _sheets(built)
    assert list(sheets) == [read]  # not the inactive "_myaddin.conf"
    config = sheets[read]
    assert config["UDF Modules"] == "agglo_addin.udfs"
    assert config["Conda Path"] == "C:\\Users\\张三\\miniconda3"
    assert config["Conda Env"] == "agglo"
    assert "Interpreter_Win" in config
    assert config["Interpreter_Win"] in ("", None)  # conda: never a conda env's pythonw.exe
    # the ribbon's "Import functions" calls this macro of xlwings' VBA in the add-in
    assert "Sub ImportPythonUDFsToAddin(" in "\n".join(modules.values())
    assert 'GetConfig("UDF MODULES")' in "\n".join(modules.values())


def test_built_addin_with_a_plain_python(tmp_path):
    built = build_addin.build(tmp_path, interpreter={"INTERPRETER_WIN": "C:\\py\\pythonw.exe"})
    config = _sheets(built)["myaddin.conf"]
    assert config["Interpreter_Win"] == "C:\\py\\pythonw.exe"
    assert config["UDF Modules"] == "agglo_addin.udfs"
    with zipfile.ZipFile(built) as z:
        assert '<sheet name="myaddin.conf"' in z.read("xl/workbook.xml").decode()


# --------------------------------------------------------------------------------------
# the config writer
# --------------------------------------------------------------------------------------


def _xlwings_reads(path: Path, encoding: str) -> dict[str, str]:
    """xlwings' own reader of the user config, reading in ``encoding`` (the locale's)."""
    import xlwings
    from xlwings import utils

    real_open = open

    def locale_open(file, mode="r", *args, **kwargs):
        if "b" not in mode:
            kwargs.setdefault("encoding", encoding)
        return real_open(file, mode, *args, **kwargs)

    with (
        mock.patch.object(xlwings, "USER_CONFIG_FILE", str(path)),
        mock.patch("builtins.open", locale_open),
    ):
        return {k.upper(): v for k, v in utils.read_user_config().items()}


def test_install_appends_udf_modules_and_keeps_everything_else(tmp_path):
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    old = '"LICENSE_KEY","abc"\n"UDF MODULES","mine;common_udfs"\n"SHOW CONSOLE","True"\n'
    conf.write_bytes(old.encode("cp936"))
    with mock.patch.object(
        install, "interpreter_settings", return_value={"INTERPRETER_WIN": "C:\\py\\pythonw.exe"}
    ):
        assert install.install_config(conf, encoding="cp936") == []
        assert install.install_config(conf, encoding="cp936") == []  # idempotent
    got = _xlwings_reads(conf, "cp936")
    assert got == {
        "LICENSE_KEY": "abc",
        "UDF MODULES": "mine;common_udfs;agglo_addin.udfs",
        "SHOW CONSOLE": "True",
        "INTERPRETER_WIN": "C:\\py\\pythonw.exe",
    }


def test_install_keeps_the_users_interpreter_and_warns(tmp_path):
    conf = tmp_path / "xlwings.conf"
    conf.write_bytes('"CONDA PATH","C:\\conda"\n"CONDA ENV","work"\n'.encode("cp936"))
    with mock.patch.object(
        install, "interpreter_settings", return_value={"INTERPRETER_WIN": "C:\\py\\pythonw.exe"}
    ):
        warnings = install.install_config(conf, encoding="cp936")
    assert len(warnings) == 1
    assert "CONDA PATH = C:\\conda" in warnings[0]
    got = _xlwings_reads(conf, "cp936")
    assert got == {
        "CONDA PATH": "C:\\conda",
        "CONDA ENV": "work",
        "UDF MODULES": "agglo_addin.udfs",
    }


def test_chinese_user_name_round_trips_in_the_ansi_code_page(tmp_path):
    conf = tmp_path / "xlwings.conf"
    exe = "C:\\Users\\张三\\AppData\\Local\\Programs\\Python\\Python312\\pythonw.exe"
    with mock.patch.object(install, "interpreter_settings", return_value={"INTERPRETER_WIN": exe}):
        install.install_config(conf, encoding="cp936")
    raw = conf.read_bytes()
    assert "张三".encode("cp936") in raw
    assert "张三".encode() not in raw  # not UTF-8, which xlwings would read garbled
    assert _xlwings_reads(conf, "cp936")["INTERPRETER_WIN"] == exe
    # what the old UTF-8 writer produced reads back garbled through xlwings
    conf.write_text(f'"INTERPRETER_WIN","{exe}"\n', encoding="utf-8")
    garbled = _xlwings_reads(conf, "cp936")["INTERPRETER_WIN"]
    assert garbled != exe
    assert "张三" not in garbled


def test_an_existing_gbk_file_is_read_not_refused(tmp_path):
    conf = tmp_path / "xlwings.conf"
    conf.write_bytes('"PYTHONPATH","D:\\数据\\模块"\n'.encode("gbk"))
    with mock.patch.object(install, "interpreter_settings", return_value={"INTERPRETER_WIN": "X"}):
        install.install_config(conf, encoding="cp936")
    got = _xlwings_reads(conf, "cp936")
    assert got["PYTHONPATH"] == "D:\\数据\\模块"
    assert got["UDF MODULES"] == "agglo_addin.udfs"


def test_a_utf8_file_from_an_older_install_is_converted(tmp_path):
    conf = tmp_path / "xlwings.conf"
    conf.write_bytes('\ufeff"PYTHONPATH","D:\\数据"\n'.encode())
    with mock.patch.object(install, "interpreter_settings", return_value={"INTERPRETER_WIN": "X"}):
        install.install_config(conf, encoding="cp936")
    assert _xlwings_reads(conf, "cp936")["PYTHONPATH"] == "D:\\数据"


def test_a_path_the_code_page_cannot_hold_is_refused_clearly(tmp_path):
    conf = tmp_path / "xlwings.conf"
    with (
        mock.patch.object(
            install, "interpreter_settings", return_value={"INTERPRETER_WIN": "C:\\张三"}
        ),
        pytest.raises(AggloValueError, match="cp1252") as err,
    ):
        install.install_config(conf, encoding="cp1252")  # a Western-European Windows
    assert re.match(r"[\u4e00-\u9fff]", str(err.value))
    assert not conf.exists()


def test_conda_environments_go_through_conda_path_and_env(tmp_path):
    base = tmp_path / "Miniconda3"
    env = base / "envs" / "agglo"
    (base / "conda-meta").mkdir(parents=True)
    (env / "conda-meta").mkdir(parents=True)
    (env / "pythonw.exe").write_bytes(b"")
    assert install.interpreter_settings(str(env), str(env / "python.exe")) == {
        "CONDA PATH": str(base),
        "CONDA ENV": "agglo",
    }
    assert install.interpreter_settings(str(base), str(base / "python.exe")) == {
        "CONDA PATH": str(base),
        "CONDA ENV": "base",
    }
    venv = tmp_path / "venv" / "Scripts"
    venv.mkdir(parents=True)
    (venv / "pythonw.exe").write_bytes(b"")
    assert install.interpreter_settings(str(venv.parent), str(venv / "python.exe")) == {
        "INTERPRETER_WIN": str(venv / "pythonw.exe")
    }


def test_the_xlam_install_writes_the_file_its_vba_reads():
    assert install.user_config_path("dist/agglo.xlam") == Path.home() / ".myaddin" / "myaddin.conf"
    assert install.user_config_path() == Path.home() / ".xlwings" / "xlwings.conf"


# --------------------------------------------------------------------------------------
# the xlwings minimum, wherever it is stated
# --------------------------------------------------------------------------------------


def test_xlwings_minimum_is_the_same_everywhere_and_at_least_0_37_5():
    tomllib = pytest.importorskip("tomllib")
    from packaging.requirements import Requirement
    from packaging.version import Version

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = [
        Requirement(r).specifier
        for r in project["optional-dependencies"]["excel"]
        if Requirement(r).name == "xlwings"
    ]
    lite = (root / "addin" / "lite" / "requirements.txt").read_text(encoding="utf-8")
    lite_specs = [
        Requirement(ln).specifier
        for ln in lite.splitlines()
        if ln.strip() and not ln.startswith("#") and Requirement(ln).name == "xlwings"
    ]
    assert [str(s) for s in specs] == [f">={install.XLWINGS_MINIMUM}"]
    assert [str(s) for s in lite_specs] == [f">={install.XLWINGS_MINIMUM}"]
    # 0.37.4 has no Range.conditional_formats: the LQ sheet script fails (test_remote_book.py)
    for spec in (*specs, *lite_specs):
        assert not spec.contains(Version("0.37.4"))
        assert spec.contains(Version("0.37.5"))
