"""Cheaper cold start for the headless engine: imports deferred until they are needed.

``agglo refresh`` is run as a fresh process, so import time is part of what a user
waits for.  Two imports dominate and neither is needed for most workbooks:

* ``formulas.functions.stat`` (where AVERAGE, MAX, MIN ... live, so it is always
  loaded) imports SciPy at module level, although only a handful of its statistical
  functions use it; importing ``scipy.stats`` alone takes about a second, more than
  LibreOffice needs to recalculate a whole workbook.  :func:`_scipy_stand_ins` provides
  stand-ins for SciPy names that import the real thing on first use
  (:func:`agglo_addin.engine.bridge.defer_scipy_for_formulas` applies them to that
  module).
* ``openpyxl.formula.tokenizer`` is a self-contained module (it imports only ``re``),
  but importing it runs ``openpyxl/__init__``, which loads the whole workbook reader
  and writer (about 0.2 s).  :func:`formula_tokenizer` loads the tokenizer's source
  file on its own when openpyxl is not imported yet, and :func:`formula_translator`
  does the same for the shared-formula ``Translator`` (tokenizer + cell utilities).

None leaves a stand-in in ``sys.modules``, only the modules it loads under private
names: any later ``import scipy.stats`` or ``import openpyxl`` gets the real, complete
modules.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["formula_tokenizer", "formula_translator"]


class _Deferred:
    """Stands for ``module`` (or ``module.attr``) until first used, then imports it.

    On first use the real object also replaces the stand-in (``held``: this object,
    or the stand-in module forwarding to it) in the namespace of the module that
    holds it (``owner``), so later calls cost nothing extra.
    """

    __slots__ = ("_attr", "_module", "_owner", "_slot", "_target", "held")

    def __init__(self, module: str, attr: str | None, owner: str, slot: str) -> None:
        self._module = module
        self._attr = attr
        self._owner = owner
        self._slot = slot
        self._target: Any = None
        self.held: Any = self

    def _resolve(self) -> Any:
        target = self._target
        if target is None:
            target = importlib.import_module(self._module)
            if self._attr is not None:
                target = getattr(target, self._attr)
            self._target = target
            owner = sys.modules.get(self._owner)
            if owner is not None and owner.__dict__.get(self._slot) is self.held:
                setattr(owner, self._slot, target)
        return target

    def __getattr__(self, name: str) -> Any:
        return getattr(self._resolve(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        what = self._module + (f".{self._attr}" if self._attr else "")
        return f"<deferred {what}>"


def _stand_in_module(name: str, forward_to: _Deferred | None = None) -> types.ModuleType:
    """An empty module object; with ``forward_to``, unknown attributes go there (PEP 562)."""
    module = types.ModuleType(name)
    module.__dict__["_agglo_stand_in"] = True
    if forward_to is not None:
        module.__dict__["__getattr__"] = forward_to.__getattr__
        forward_to.held = module
    return module


@contextlib.contextmanager
def _scipy_stand_ins(owner: str, names: dict[str, tuple[str, ...]]) -> Iterator[None]:
    """While active, ``from scipy import NAME`` and ``from scipy.interpolate import NAME``
    give stand-ins that import the real objects on first use, for the NAMEs of ``names``
    (``{"scipy": ("stats", "linalg"), "scipy.interpolate": ("interp1d",)}``) imported by
    the module ``owner``.

    Only parts not imported yet are replaced.  If ``scipy`` itself is not imported, a
    bare module stands for it whose ``stats``/``linalg`` attributes are
    :class:`_Deferred` objects.  If it is, its ``__getattr__`` (PEP 562) answers
    ``from scipy import stats`` with ``import_module("scipy.stats")``, that is with
    ``sys.modules["scipy.stats"]``, so a module forwarding its attributes to a
    :class:`_Deferred` is placed there.  Every stand-in is removed from
    ``sys.modules`` (and from the real ``scipy`` package) on exit, whatever happened.
    """
    installed: dict[str, types.ModuleType] = {}
    real_scipy = sys.modules.get("scipy")
    if real_scipy is None:
        top = installed["scipy"] = _stand_in_module("scipy")
        for name in names.get("scipy", ()):
            setattr(top, name, _Deferred(f"scipy.{name}", None, owner, name))
    else:
        for name in names.get("scipy", ()):
            full = f"scipy.{name}"
            if full not in sys.modules:
                installed[full] = _stand_in_module(full, _Deferred(full, None, owner, name))
    if names.get("scipy.interpolate") and "scipy.interpolate" not in sys.modules:
        sub = installed["scipy.interpolate"] = _stand_in_module("scipy.interpolate")
        for name in names["scipy.interpolate"]:
            setattr(sub, name, _Deferred("scipy.interpolate", name, owner, name))
    try:
        sys.modules.update(installed)
        yield
    finally:
        for name, module in installed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        if real_scipy is not None:
            stand_ins = {id(m) for m in installed.values()}
            for name, value in list(vars(real_scipy).items()):
                if id(value) in stand_ins:
                    delattr(real_scipy, name)


# openpyxl's sub-packages loaded on their own (see _openpyxl_part): private name → the
# folder of the openpyxl package they come from
_PRIVATE_PACKAGES = {
    "agglo_addin._openpyxl_formula": "formula",
    "agglo_addin._openpyxl_utils": "utils",
}


def _openpyxl_part(module: str) -> types.ModuleType | None:
    """A module of openpyxl's ``formula`` or ``utils`` folder, without openpyxl itself.

    ``module`` is e.g. ``"formula.tokenizer"``.  The folder is registered as a private
    package whose ``__path__`` is openpyxl's folder, so the module's own relative
    imports work and it is the same code as openpyxl's, loaded by the normal import
    system.  None when openpyxl cannot be found that way (an unusual installation).
    """
    folder, _, name = module.partition(".")
    private = next(k for k, v in _PRIVATE_PACKAGES.items() if v == folder)
    if private not in sys.modules:
        spec = importlib.util.find_spec("openpyxl")  # finds, does not execute, the package
        if spec is None or not spec.submodule_search_locations:
            return None
        path = Path(next(iter(spec.submodule_search_locations))) / folder
        if not (path / f"{name}.py").is_file():
            return None
        package = types.ModuleType(private)
        package.__path__ = [str(path)]
        package.__package__ = private
        package.__spec__ = importlib.machinery.ModuleSpec(private, None, is_package=True)
        package.__spec__.submodule_search_locations = [str(path)]
        sys.modules[private] = package
    return importlib.import_module(f"{private}.{name}")


def formula_tokenizer() -> type:
    """openpyxl's formula ``Tokenizer`` class, without importing all of openpyxl.

    ``openpyxl/formula/tokenizer.py`` imports nothing but ``re``; importing it as
    ``openpyxl.formula.tokenizer`` however executes ``openpyxl/__init__`` first, which
    loads the workbook reader and writer (about 0.2 s).  When openpyxl is not imported
    yet, the file is loaded on its own under a private module name (same code, so the
    same tokens); otherwise the already imported class is returned.
    """
    if "openpyxl" not in sys.modules:
        module = _openpyxl_part("formula.tokenizer")
        if module is not None:
            return module.Tokenizer
    from openpyxl.formula.tokenizer import Tokenizer

    return Tokenizer


def formula_translator() -> type:
    """openpyxl's formula ``Translator`` class (moves a shared formula to another
    cell), without importing all of openpyxl.

    ``openpyxl/formula/translate.py`` needs only the tokenizer and three functions of
    ``openpyxl/utils/cell.py``; those are loaded on their own as in
    :func:`formula_tokenizer`, and while ``translate.py`` is imported,
    ``openpyxl.utils`` is briefly a stand-in holding them (removed afterwards: a later
    ``import openpyxl`` gets the real package).  Falls back to the normal import if
    openpyxl is already imported or anything about its layout differs.
    """
    if "openpyxl" not in sys.modules:
        done = sys.modules.get("agglo_addin._openpyxl_formula.translate")
        if done is not None:
            return done.Translator
        try:
            cell = _openpyxl_part("utils.cell")
            if cell is not None and _openpyxl_part("formula.tokenizer") is not None:
                stand_in = types.ModuleType("openpyxl.utils")
                for name in ("coordinate_to_tuple", "column_index_from_string",
                             "get_column_letter"):  # fmt: skip
                    setattr(stand_in, name, getattr(cell, name))
                sys.modules["openpyxl.utils"] = stand_in
                try:
                    return _openpyxl_part("formula.translate").Translator
                finally:
                    if sys.modules.get("openpyxl.utils") is stand_in:
                        del sys.modules["openpyxl.utils"]
        except (ImportError, AttributeError):
            sys.modules.pop("agglo_addin._openpyxl_formula.translate", None)
    from openpyxl.formula.translate import Translator

    return Translator
