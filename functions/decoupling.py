r"""Decoupling (脱钩): Tapio's elasticity and the eight decoupling states.

Decoupling asks whether a resource use or an emission (energy, CO₂, land, water)
grows more slowly than output (GDP).  Tapio's (2005) elasticity compares the two
growth rates over each period and names one of eight states.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import _messages as _m
from ._results import Result
from ._validation import AggloValueError, as_option, as_vector, check_same_length

__all__ = ["TapioResult", "tapio", "TAPIO_STATES"]

#: The eight Tapio (2005) states: key → (Chinese, English).
TAPIO_STATES: dict[str, tuple[str, str]] = {
    "strong_decoupling": ("强脱钩", "strong decoupling"),
    "weak_decoupling": ("弱脱钩", "weak decoupling"),
    "expansive_coupling": ("扩张连接", "expansive coupling"),
    "expansive_negative_decoupling": ("扩张负脱钩", "expansive negative decoupling"),
    "strong_negative_decoupling": ("强负脱钩", "strong negative decoupling"),
    "weak_negative_decoupling": ("弱负脱钩", "weak negative decoupling"),
    "recessive_coupling": ("衰退连接", "recessive coupling"),
    "recessive_decoupling": ("衰退脱钩", "recessive decoupling"),
}


@dataclasses.dataclass(frozen=True, repr=False)
class TapioResult(Result):
    """Result of :func:`tapio` (one entry per period).

    Attributes
    ----------
    resource_change, output_change : ndarray
        Growth rates ΔR/R and ΔY/Y of each period.
    elasticity : ndarray
        e = (ΔR/R)/(ΔY/Y); NaN when output did not change.
    state : list of str
        The state's key (see :data:`TAPIO_STATES`), ``'undefined'`` when ΔY = 0.
    label : list of str
        The state in the language asked for.
    convention : str
    """

    resource_change: Any
    output_change: Any
    elasticity: Any
    state: list
    label: list
    convention: str


def _state(dr: float, dy: float, e: float, low: float, high: float) -> str:
    if dy == 0 or not np.isfinite(e):
        return "undefined"
    if dy > 0:
        if dr < 0:
            return "strong_decoupling"
        if e < low:
            return "weak_decoupling"
        return "expansive_coupling" if e <= high else "expansive_negative_decoupling"
    if dr > 0:
        return "strong_negative_decoupling"
    if e < low:
        return "weak_negative_decoupling"
    return "recessive_coupling" if e <= high else "recessive_decoupling"


def tapio(
    resource: Any,
    output: Any,
    base: str = "previous",
    lang: str = "zh",
) -> TapioResult:
    r"""Tapio decoupling elasticity 脱钩弹性 and the eight decoupling states, per period.

    Parameters
    ----------
    resource : array_like (T,)
        Resource use or emission per year (energy, CO₂, land …), positive.
    output : array_like (T,)
        Output per year (GDP), positive; same length.
    base : {'previous', 'first'}, default 'previous'
        'previous': each year against the year before (T − 1 periods); 'first': each year
        against the first year (T − 1 periods, cumulative).
    lang : {'zh', 'en'}, default 'zh'
        Language of ``label``.

    Returns
    -------
    TapioResult
        ``resource_change``, ``output_change``, ``elasticity``, ``state``, ``label``,
        ``convention``.

    Notes
    -----
    .. math::

        e = \frac{\Delta R / R_0}{\Delta Y / Y_0}.

    States (Tapio 2005, Fig. 1), with the thresholds 0.8 and 1.2:

    ====================  ======================  ==============================
    ΔY > 0, ΔR < 0        e < 0                    强脱钩 strong decoupling
    ΔY > 0, ΔR ≥ 0        0 ≤ e < 0.8              弱脱钩 weak decoupling
    ΔY > 0, ΔR > 0        0.8 ≤ e ≤ 1.2            扩张连接 expansive coupling
    ΔY > 0, ΔR > 0        e > 1.2                  扩张负脱钩 expansive negative decoupling
    ΔY < 0, ΔR > 0        e < 0                    强负脱钩 strong negative decoupling
    ΔY < 0, ΔR ≤ 0        0 ≤ e < 0.8              弱负脱钩 weak negative decoupling
    ΔY < 0, ΔR < 0        0.8 ≤ e ≤ 1.2            衰退连接 recessive coupling
    ΔY < 0, ΔR < 0        e > 1.2                  衰退脱钩 recessive decoupling
    ====================  ======================  ==============================

    ΔR = 0 gives e = 0, counted with the weak states (the boundary of Tapio's figure);
    ΔY = 0 leaves e undefined (NaN, state ``'undefined'``).

    References
    ----------
    .. [1] Tapio, P. (2005). Towards a theory of decoupling: degrees of decoupling in
       the EU and the case of road traffic in Finland between 1970 and 2001. *Transport
       Policy*, 12(2), 137–151.

    See [tapio_2005] in docs/references.md.

    Examples
    --------
    >>> res = tapio([100, 102, 101, 110], [100, 110, 120, 125])
    >>> res.elasticity.round(3).tolist()
    [0.2, -0.108, 2.139]
    >>> res.label
    ['弱脱钩', '强脱钩', '扩张负脱钩']
    """
    base = as_option(base, "base", ("previous", "first"))
    lang = as_option(lang, "lang", ("zh", "en"))
    r = as_vector(resource, "resource", allow_nan=False, positive=True)
    y = as_vector(output, "output", allow_nan=False, positive=True)
    check_same_length(resource=r, output=y)
    if r.size < 2:
        raise AggloValueError(
            _m.text(
                "'resource' 与 'output' 至少需要 2 年。",
                "'resource' and 'output' need at least 2 years.",
            )
        )
    r0 = r[:-1] if base == "previous" else np.full(r.size - 1, r[0])
    y0 = y[:-1] if base == "previous" else np.full(y.size - 1, y[0])
    dr = r[1:] / r0 - 1.0
    dy = y[1:] / y0 - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(dy != 0, dr / np.where(dy != 0, dy, 1.0), np.nan)
    states = [_state(a, b, c, 0.8, 1.2) for a, b, c in zip(dr, dy, e, strict=True)]
    col = 0 if lang == "zh" else 1
    labels = [
        TAPIO_STATES[s][col] if s in TAPIO_STATES else ("无定义" if col == 0 else "undefined")
        for s in states
    ]
    return TapioResult(
        resource_change=dr,
        output_change=dy,
        elasticity=e,
        state=states,
        label=labels,
        convention=f"Tapio (2005), thresholds 0.8/1.2, each year against the {base} year",
    )
