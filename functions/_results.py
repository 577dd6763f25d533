"""Common behaviour of the structured results returned by :mod:`agglo`.

Measures with several named parts (Ellison–Glaeser, TOPSIS, coupling coordination,
AHP, OLS ...) return a frozen dataclass deriving from :class:`Result`.  Every result
records the convention that produced it in its ``convention`` attribute (a short
string such as ``"standard C, exponent 1/n"``) so that a number is never separated
from how it was computed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ._pandas import pd

__all__ = ["Result"]


@dataclasses.dataclass(frozen=True)
class Result:
    """Base class: ``to_dict()`` and a compact ``repr``.  Subclasses add their fields
    and a ``convention: str`` field, and may override :meth:`to_frame`."""

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (arrays are not copied)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def to_frame(self) -> pd.DataFrame:
        """The per-item fields (arrays/Series of equal length) as one DataFrame."""
        cols: dict[str, Any] = {}
        index = None
        length = None
        for key, value in self.to_dict().items():
            if isinstance(value, pd.Series):
                index = value.index if index is None else index
                value = value.to_numpy()
            if isinstance(value, np.ndarray) and value.ndim == 1:
                if length is None:
                    length = len(value)
                if len(value) == length:
                    cols[key] = value
        return pd.DataFrame(cols, index=index)

    def __repr__(self) -> str:
        parts = []
        for key, value in self.to_dict().items():
            if isinstance(value, (np.ndarray, pd.Series, pd.DataFrame)):
                text = f"<{type(value).__name__} {getattr(value, 'shape', '')}>"
            else:
                text = repr(value)
                if len(text) > 60:
                    text = text[:57] + "..."
            parts.append(f"{key}={text}")
        return f"{type(self).__name__}({', '.join(parts)})"
