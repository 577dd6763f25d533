"""pandas for agglo's modules, imported the first time it is really needed.

Most calls never involve a pandas object: the Excel add-in and the headless engine pass
NumPy arrays, and so do many scripts.  Importing pandas costs 0.2–0.3 s, about a fifth of
a whole ``agglo refresh`` of a typical workbook, so the families use :data:`pd` from here
instead of importing pandas at the top.

:data:`pd` behaves as the pandas module: any attribute imports pandas and returns the
real one — except, while pandas is not imported yet, the classes that agglo only tests
values against (``isinstance(x, pd.DataFrame)``).  No object can be an instance of a
pandas class before pandas is imported, so a stand-in class answers those tests without
importing anything; it checks against the real class once pandas is loaded (so a tuple
of classes built early stays right), and calling it (``pd.DataFrame(...)``) or reading
one of its attributes imports pandas and uses the real class.  Python's own lazy-import
helper (:class:`importlib.util.LazyLoader`) loads the module on the first attribute
access, which every ``isinstance`` test is, so it cannot do this.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__all__ = ["pd"]

#: Classes agglo tests values against; answered without importing pandas.
_CLASSES = frozenset(
    {"DataFrame", "Series", "Index", "RangeIndex", "Categorical", "CategoricalDtype"}
)


def _pandas() -> Any:
    pandas = sys.modules.get("pandas") or importlib.import_module("pandas")
    _adopt(pandas)
    return pandas


def _adopt(pandas: Any) -> None:
    """Once pandas is imported, :data:`pd` hands out its real classes (faster tests)."""
    if getattr(pandas, "__version__", None) is not None:  # fully imported
        pd.__dict__.update({name: getattr(pandas, name) for name in _CLASSES})


class _StandInMeta(type):
    """Metaclass of the stand-ins: every use but an instance test goes to pandas."""

    def __instancecheck__(cls, obj: Any) -> bool:
        pandas = sys.modules.get("pandas")
        if pandas is None:
            return False
        _adopt(pandas)
        return isinstance(obj, getattr(pandas, cls.__name__))

    def __subclasscheck__(cls, sub: type) -> bool:
        pandas = sys.modules.get("pandas")
        return pandas is not None and issubclass(sub, getattr(pandas, cls.__name__))

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return getattr(_pandas(), cls.__name__)(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        return getattr(getattr(_pandas(), cls.__name__), name)


_STAND_INS = {name: _StandInMeta(name, (), {"__module__": __name__}) for name in _CLASSES}


class _LazyPandas:
    """The pandas module, imported on first real use (see the module docstring)."""

    def __init__(self) -> None:
        # the stand-ins are plain attributes: an instance test costs one lookup and
        # the metaclass check, with or without pandas imported
        self.__dict__.update(_STAND_INS)

    def __getattr__(self, name: str) -> Any:
        return getattr(_pandas(), name)

    def __repr__(self) -> str:
        loaded = "imported" if "pandas" in sys.modules else "not imported yet"
        return f"<pandas, {loaded}>"


pd: Any = _LazyPandas()
