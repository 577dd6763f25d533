"""Build step that pyproject.toml cannot express: the template workbooks ship in the wheel.

``agglo demo`` copies and refreshes the templates of ``workbooks/``.  In an editable
checkout it finds them there; an installed wheel has no ``workbooks/`` folder, so the
build copies ``workbooks/0*.xlsx`` into the package as ``agglo_addin/templates/``
(package data, found by :func:`agglo_addin.engine_cli.bundled_templates`).  Mapping
``workbooks/`` itself as a package would also ship the builder (``build.py`` and the
package ``builder/``) as modules.
Everything else is configured in ``pyproject.toml``.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithTemplates(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "agglo_addin" / "templates"
        self.mkpath(str(target))
        for book in sorted((HERE / "workbooks").glob("0[1-9]_*.xlsx")):
            self.copy_file(str(book), str(target / book.name))


setup(cmdclass={"build_py": BuildPyWithTemplates})
