r"""Shift-share analysis (偏离-份额分析): Dunn's classic split, Esteban-Marquillas, Gerfin.

The input is two blocks of the same shape, regions in rows and industries in columns
(employment or value added at a base year and an end year).  The national (reference)
economy is, by default, the sum of the regions; pass ``national_base``/``national_end``
(one value per industry) when the selected regions are only part of it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import AggloValueError, as_matrix, as_option, as_vector

__all__ = ["ShiftShareResult", "shift_share"]

_NAMES = {
    "dunn": ("change", "national_share", "industry_mix", "competitive", "net_shift"),
    "esteban": ("change", "national_share", "industry_mix", "competitive", "allocation"),
    "gerfin": ("mix_index", "regional_index", "total_index"),
}


@dataclasses.dataclass(frozen=True, repr=False)
class ShiftShareResult(Result):
    """Result of :func:`shift_share`.

    Attributes
    ----------
    components : tuple of str
        Names of the columns of ``by_region`` (and ``by_industry``), e.g. ``('change',
        'national_share', 'industry_mix', 'competitive', 'net_shift')``.
    by_region : ndarray (n_regions, c)
        Each component per region (sums over the industries; Gerfin: index factors).
    by_industry : ndarray (k_industries, c) or None
        Each component per industry (sums over the regions); None for Gerfin.
    cells : ndarray (c, n_regions, k_industries) or None
        Each component per region and industry; None for Gerfin.
    national_growth : float
        G, the national growth rate of all industries together.
    industry_growth : ndarray (k,)
        g_i, the national growth rate of each industry.
    regions, industries : list or None
        Labels (from DataFrame input).
    method : str
    convention : str
    """

    components: tuple
    by_region: Any
    by_industry: Any
    cells: Any
    national_growth: float
    industry_growth: Any
    regions: Any
    industries: Any
    method: str
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """The per-region table (one row per region, one column per component)."""
        return pd.DataFrame(self.by_region, index=self.regions, columns=list(self.components))


def shift_share(
    base: Any,
    end: Any,
    method: str = "dunn",
    *,
    national_base: Any = None,
    national_end: Any = None,
) -> ShiftShareResult:
    r"""Shift-share analysis 偏离-份额分析 of regional growth, per region and per industry.

    Parameters
    ----------
    base, end : array_like or DataFrame (n_regions, k_industries)
        Employment (or value added) of each region and industry at the base and the end
        year; non-negative, no blanks.
    method : {'dunn', 'esteban', 'gerfin'}, default 'dunn'
        'dunn': the classic split into national share, industry mix and competitive
        (regional) share (Dunn 1960).  'esteban': Esteban-Marquillas (1972), the
        competitive share of the homothetic structure plus the allocation effect.
        'gerfin': Gerfin's (1964) index (multiplicative) form, per region.
    national_base, national_end : array_like (k,), optional
        National totals per industry; default: the column sums of ``base``/``end``.

    Returns
    -------
    ShiftShareResult
        ``components``, ``by_region``, ``by_industry``, ``cells``, ``national_growth``,
        ``industry_growth``, ``regions``, ``industries``, ``method``, ``convention``.

    Raises
    ------
    AggloValueError
        Blocks of different shapes, negative or missing values, an industry with no
        national base value.

    Notes
    -----
    With :math:`e_{ri}` the base and :math:`e'_{ri}` the end value, national growth
    :math:`G = E'/E - 1`, industry growth :math:`g_i = E'_i/E_i - 1` and regional
    growth :math:`r_{ri} = e'_{ri}/e_{ri} - 1`:

    .. math::

        \Delta e_{ri} = \underbrace{e_{ri} G}_{\text{national share}}
        + \underbrace{e_{ri}(g_i - G)}_{\text{industry mix}}
        + \underbrace{e_{ri}(r_{ri} - g_i)}_{\text{competitive}},

    and the net shift is industry mix + competitive.  Esteban-Marquillas replace the
    competitive share by :math:`e^*_{ri}(r_{ri} - g_i)` with the homothetic value
    :math:`e^*_{ri} = E_r E_i / E` and add the allocation effect
    :math:`(e_{ri} - e^*_{ri})(r_{ri} - g_i)` (NaN where :math:`e_{ri} = 0`: the
    regional growth rate is undefined).  Gerfin, per region:

    .. math::

        \text{mix} = \frac{\sum_i e_{ri}(1 + g_i)}{E_r (1 + G)}, \quad
        \text{regional} = \frac{E'_r}{\sum_i e_{ri}(1 + g_i)}, \quad
        \text{total} = \frac{E'_r / E_r}{1 + G} = \text{mix} \times \text{regional}.

    Terms as in Farhauer and Kröll (2013) and REAT ``shift`` (its "regional share" is
    the competitive share here); Chinese texts call the three parts 份额分量,
    结构偏离分量 and 竞争力偏离分量.

    References
    ----------
    .. [1] Dunn, E. S. (1960). A statistical and analytical technique for regional
       analysis. *Papers and Proceedings of the Regional Science Association*, 6, 97–112.
    .. [2] Esteban-Marquillas, J. M. (1972). Shift- and share analysis revisited.
       *Regional and Urban Economics*, 2(3), 249–261.
    .. [3] Gerfin, H. (1964). Gesamtwirtschaftliches Wachstum und regionale Entwicklung.
       *Kyklos*, 17(4), 565–593.
    .. [4] Farhauer, O., & Kröll, A. (2013). *Standorttheorien*. Wiesbaden: Springer.

    See [dunn_1960], [esteban_marquillas_1972], [gerfin_1964], [farhauer_kroell_2013]

    in docs/references.md.

    Examples
    --------
    The example of REAT's ``shift`` (Farhauer/Kröll 2013), region A:

    >>> base = [[90, 20, 10, 60], [60, 30, 30, 40], [250, 100, 110, 300]]
    >>> end = [[100, 40, 10, 55], [85, 55, 40, 35], [255, 115, 85, 390]]
    >>> shift_share(base, end).by_region[0].round(6).tolist()
    [25.0, 27.0, 1.0, -3.0, -2.0]
    >>> shift_share(base, end, "gerfin").by_region[0].round(4).tolist()
    [1.0048, 0.9856, 0.9903]
    """
    method = as_option(method, "method", tuple(_NAMES))
    if isinstance(base, pd.DataFrame) and isinstance(end, pd.DataFrame):
        same = set(base.index) == set(end.index) and set(base.columns) == set(end.columns)
        if not same:
            raise AggloValueError(
                _m.text(
                    "'base' 与 'end' 的地区或行业标签不一致。",
                    "'base' and 'end' must have the same "
                    "region and industry labels (matched by label); rename or select the same rows.",
                )
            )
        end = end.reindex(index=base.index, columns=base.columns)  # matched by label
    e0 = as_matrix(base, "base", non_negative=True, allow_nan=False)
    e1 = as_matrix(end, "end", non_negative=True, allow_nan=False)
    if e0.shape != e1.shape:
        raise AggloValueError(
            _m.text(
                f"'base' 与 'end' 形状不同（{e0.shape} 与 {e1.shape}）；两期须为相同的地区×行业表。",
                f"'base' and 'end' must have the same regions and industries; received {e0.shape} "
                f"and {e1.shape}.",
            )
        )
    n, k = e0.shape
    n0 = e0.sum(axis=0) if national_base is None else as_vector(national_base, "national_base")
    n1 = e1.sum(axis=0) if national_end is None else as_vector(national_end, "national_end")
    for name, v in (("national_base", n0), ("national_end", n1)):
        if v.size != k or np.isnan(v).any() or (v < 0).any():
            raise AggloValueError(
                _m.text(
                    f"{name!r} 应为每个行业一个非负数（{k} 个）。",
                    f"{name!r} must be one non-negative "
                    f"number per industry ({k}); received {v.size} value(s).",
                )
            )
    if (n0 <= 0).any():
        j = int(np.flatnonzero(n0 <= 0)[0])
        raise AggloValueError(
            _m.text(
                f"第 {j + 1} 个行业的全国基期值为 0，增长率无定义；请删去该行业。",
                f"Industry {j + 1} has "
                "a national base value of 0, so its growth rate is undefined; leave it out.",
            )
        )
    G = float(n1.sum() / n0.sum() - 1.0)
    g = n1 / n0 - 1.0
    regions = list(base.index) if isinstance(base, pd.DataFrame) else None
    industries = list(base.columns) if isinstance(base, pd.DataFrame) else None
    convention = (
        "national = "
        + ("sum of the regions" if national_base is None else "totals given")
        + "; terms of Farhauer/Kröll (2013) and REAT shift"
    )
    if method == "gerfin":
        Er0, Er1 = e0.sum(axis=1), e1.sum(axis=1)
        expected = e0 @ (1.0 + g)
        with np.errstate(divide="ignore", invalid="ignore"):
            mix = expected / (Er0 * (1.0 + G))
            regional = Er1 / expected
            total = (Er1 / Er0) / (1.0 + G)
        return ShiftShareResult(
            components=_NAMES["gerfin"],
            by_region=np.column_stack([mix, regional, total]),
            by_industry=None,
            cells=None,
            national_growth=G,
            industry_growth=g,
            regions=regions,
            industries=industries,
            method="gerfin",
            convention="Gerfin index form; " + convention,
        )
    change = e1 - e0
    ns = e0 * G
    im = e0 * (g - G)
    cs = change - e0 * g  # = e_ri (r_ri − g_i), defined also where e_ri = 0
    if method == "dunn":
        cells = np.stack([change, ns, im, cs, im + cs])
    else:
        star = np.outer(e0.sum(axis=1), n0 / n0.sum())
        with np.errstate(divide="ignore", invalid="ignore"):
            diff = np.where(e0 > 0, change / e0 - g, np.nan)  # r_ri − g_i
        cells = np.stack([change, ns, im, star * diff, (e0 - star) * diff])
    return ShiftShareResult(
        components=_NAMES[method],
        by_region=cells.sum(axis=2).T,
        by_industry=cells.sum(axis=1).T,
        cells=cells,
        national_growth=G,
        industry_growth=g,
        regions=regions,
        industries=industries,
        method=method,
        convention=("Dunn (1960)" if method == "dunn" else "Esteban-Marquillas (1972)")
        + "; "
        + convention,
    )
