r"""Dartboard indices: Ellison–Glaeser (EG, γ) and Maurel–Sédillot agglomeration (EG/MS 指数).

Both measures compare an industry's regional distribution with the regional distribution
of all activity (the "dartboard"), corrected for the industry's plant-size concentration
(the plant Herfindahl H).  Two input modes are offered:

* **plant level** — one record per plant: its size (employment, output ...), its region
  and its industry, plus the regional totals of all activity (the x_r shares);
* **aggregate** — a regions × industries block of sizes (the usual yearbook table) plus
  the plant Herfindahl H per industry, either given directly or approximated from
  enterprise counts (equal-size firms within each region, or 1/N).

The module is named after the model both indices rest on: plants located at random
like darts thrown at a board whose areas are the regions' shares of all activity
(Ellison & Glaeser 1997, "a dartboard approach").
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import (
    AggloValueError,
    AggloWarning,
    as_matrix,
    as_option,
    as_vector,
    cell_position,
    check_same_length,
    labels_of,
)
from .tables import _check_total_rows

__all__ = [
    "EllisonGlaeserResult",
    "MaurelSedillotResult",
    "ellison_glaeser",
    "maurel_sedillot",
]

_APPROXIMATIONS = ("equal_within_region", "1/N")

#: A dense regions × industries accumulator is used while it holds at most this many
#: cells beyond twice the number of plants; larger (very sparse) problems sort instead.
_DENSE_EXTRA_CELLS = 2_000_000
#: Plants per chunk when summing powers of the sizes.
_CHUNK = 1 << 20


# --------------------------------------------------------------------------- results


@dataclasses.dataclass(frozen=True, repr=False)
class EllisonGlaeserResult(Result):
    r"""Ellison–Glaeser index per industry.

    Per-industry fields are pandas Series indexed by industry label (plant mode, or an
    aggregate block given as a DataFrame) or NumPy arrays (aggregate block given as an
    array), all of length K.

    Attributes
    ----------
    gamma : Series or ndarray
        γ = (G − (1 − Σx²)H) / ((1 − Σx²)(1 − H)); NaN when H = 1, Σx² = 1 or the
        industry is empty.
    G : Series or ndarray
        Raw geographic concentration Σ_r (s_r − x_r)² (not divided by 1 − Σx²; this
        is the G that REAT ``ellison.a`` reports).
    H : Series or ndarray
        Plant Herfindahl Σ_j z_j² (exact, given, or approximated — see ``approximation``).
    z : Series or ndarray
        (G − (1 − Σx²)H) / √Var(G); NaN when Var(G) ≤ 0 or Σz⁴ is unknown (H given directly).
    var_G : Series or ndarray
        Var(G) under the dartboard null (EG 1997, as in REAT ``ellison.a``).
    n_plants : Series or ndarray
        Plants with a positive size (plant mode); Σ_r N_rk from ``firm_counts``
        (aggregate mode); NaN when unknown.
    industry_total : Series or ndarray
        E_k, the summed size of the industry.
    sum_x2 : float
        Σ_r x_r², the dartboard term (G / (1 − Σx²) is the normalised G).
    mode : str
        ``'plant'`` or ``'aggregate'``.
    approximation : str
        How H was obtained: ``'plant sizes'``, ``'given'``, ``'equal_within_region'`` or
        ``'1/N'``.
    convention : str
        Everything above in words, including where x_r came from.
    """

    gamma: Any
    G: Any
    H: Any
    z: Any
    var_G: Any
    n_plants: Any
    industry_total: Any
    sum_x2: float
    mode: str
    approximation: str
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """One row per industry: gamma, G, H, z, var_G, n_plants, industry_total."""
        return _frame(self, ("gamma", "G", "H", "z", "var_G", "n_plants", "industry_total"))


@dataclasses.dataclass(frozen=True, repr=False)
class MaurelSedillotResult(Result):
    r"""Maurel–Sédillot index per industry.

    Attributes
    ----------
    gamma : Series or ndarray
        γ_MS = (G_MS − H) / (1 − H); NaN when H = 1, Σx² = 1 or the industry is empty.
    G : Series or ndarray
        G_MS = (Σ_r s_r² − Σ_r x_r²) / (1 − Σ_r x_r²) (already normalised).
    H : Series or ndarray
        Plant Herfindahl, as in :class:`EllisonGlaeserResult`.
    n_plants, industry_total : Series or ndarray
        As in :class:`EllisonGlaeserResult`.
    sum_x2 : float
        Σ_r x_r².
    mode, approximation, convention : str
        As in :class:`EllisonGlaeserResult`.
    """

    gamma: Any
    G: Any
    H: Any
    n_plants: Any
    industry_total: Any
    sum_x2: float
    mode: str
    approximation: str
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """One row per industry: gamma, G, H, n_plants, industry_total."""
        return _frame(self, ("gamma", "G", "H", "n_plants", "industry_total"))


def _frame(result: Result, names: tuple[str, ...]) -> pd.DataFrame:
    first = getattr(result, names[0])
    index = first.index if isinstance(first, pd.Series) else None
    cols = {n: np.asarray(getattr(result, n), dtype=float) for n in names}
    frame = pd.DataFrame(cols, index=index)
    if index is not None:
        frame.index.name = first.index.name
    return frame


# --------------------------------------------------------------------------- preparation


class _Prepared(NamedTuple):
    """Per-industry ingredients shared by EG and MS (all arrays of length K)."""

    industries: pd.Index | None  # None: aggregate block without labels
    sum_x2: float
    sum_x3: float
    G: np.ndarray  # raw Σ_r (s_r − x_r)²
    sum_s2: np.ndarray  # Σ_r s_r²
    H: np.ndarray
    sum_z4: np.ndarray  # Σ_j z_j⁴ (NaN when unknown)
    n_plants: np.ndarray
    industry_total: np.ndarray
    mode: str
    approximation: str
    convention: str


def _labels_1d(x: Any, name: str) -> Any:
    """A 1-D sequence of labels (a single row/column of a 2-D range is flattened)."""
    if x is None:
        raise AggloValueError(
            _m.text(
                f"企业模式下必须给出 {name!r}；收到 None。",
                f"{name!r} is required in plant mode; received None.",
            )
        )
    if isinstance(x, str) or np.isscalar(x):
        raise AggloValueError(
            _m.text(
                f"{name!r} 必须是标签列表，每个企业一个；收到单个值 {x!r}。",
                f"{name!r} must be a list of labels, one per plant; received the single value {x!r}.",
            )
        )
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise AggloValueError(
                _m.text(
                    f"{name!r} 必须是单列标签；收到 {x.shape} 的 DataFrame。请只选一列。",
                    f"{name!r} must be a single column of labels; received a DataFrame of shape "
                    f"{x.shape}. Select one column.",
                )
            )
        return x.iloc[:, 0]
    if isinstance(x, (pd.Series, pd.Index, pd.Categorical)):
        return x
    arr = np.asarray(x) if isinstance(x, np.ndarray) else np.asarray(x, dtype=object)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise AggloValueError(
            _m.text(
                f"{name!r} 必须是一维标签列表，每个企业一个；收到 {arr.shape} 的数组。",
                f"{name!r} must be a 1-D list of labels, one per plant; received an array of "
                f"shape {arr.shape}.",
            )
        )
    return arr


def _code_dtype(n_labels: int) -> type:
    """The smallest of int32/intp that holds codes for ``n_labels`` labels (saves memory)."""
    return np.int32 if n_labels < 2**31 else np.intp


def _factorize(x: Any, name: str) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (a compact dtype) and the distinct labels; missing labels raise.

    Labels are sorted where they can be ordered (else kept in order of first appearance);
    a pandas Categorical keeps the order of its categories, and unused categories are
    dropped.
    """
    if isinstance(x, pd.Series) and isinstance(x.dtype, pd.CategoricalDtype):
        x = x.array
    if isinstance(x, pd.Categorical):
        codes = np.asarray(x.codes)  # int8/int16/int32, no copy
        uniques = x.categories
    else:
        try:
            codes, uniques = pd.factorize(x, sort=True)
        except TypeError:  # labels of types that cannot be ordered: keep first appearance
            codes, uniques = pd.factorize(x, sort=False)
    if len(codes) == 0:
        raise AggloValueError(
            _m.text(
                f"{name!r} 至少需要一个标签；收到空列表。",
                f"{name!r} must have at least one label; received an empty list.",
            )
        )
    if codes.min() < 0:
        pos = int(np.argmax(codes < 0))
        raise AggloValueError(
            _m.text(
                f"{name!r} 须为每个企业给出标签；第{pos + 1}个标签缺失（空白/NaN）。请补上或删去该企业。",
                f"{name!r} must have a label for every plant; the label at position {pos + 1} is "
                f"missing (NaN/blank). Fill it in or remove that plant.",
            )
        )
    uniques = pd.Index(
        uniques if isinstance(uniques, pd.Index) else np.asarray(uniques, dtype=object)
    )
    if isinstance(x, pd.Categorical):
        used = np.zeros(len(uniques), dtype=bool)
        for start in range(0, len(codes), _CHUNK):
            used[codes[start : start + _CHUNK]] = True
        if not used.all():
            remap = (np.cumsum(used) - 1).astype(_code_dtype(len(uniques)))
            codes = remap[codes]
            uniques = uniques[used]
    return codes.astype(_code_dtype(len(uniques)), copy=False), uniques


def _missing_list(labels: Any) -> str:
    labels = list(labels)
    shown = ", ".join(repr(v) for v in labels[:8])
    return shown + (f" and {len(labels) - 8} more" if len(labels) > 8 else "")


def _check_totals(
    matrix: np.ndarray, name: str, labels: Any, policy: str, axis_word: str = "row"
) -> None:
    """:func:`_check_total_rows`, with the numeric test only where it is meaningful.

    A total row is always recognised by its label (全国/合计 ...).  The numeric test (a row
    equal to the sum of the others in every column) is applied only to blocks with at
    least 5 rows or 3 columns: on a short list (totals 1000, 600, 400) that coincidence is
    common, on a real block it is not.
    """
    if matrix.shape[0] < 5 and matrix.shape[1] < 3:
        matrix = np.zeros(matrix.shape)  # zero rows are never flagged numerically
    _check_total_rows(
        matrix, name, None if labels is None else list(labels), policy=policy, axis_word=axis_word
    )


def _region_totals(
    region_totals: Any, regions: Any, total_rows: str
) -> tuple[pd.Index | None, np.ndarray]:
    """Labels (or None for a plain array) and values of the regional totals."""
    keyed = isinstance(region_totals, (Mapping, pd.Series, pd.DataFrame))
    if keyed and regions is not None:
        raise AggloValueError(
            _m.text(
                "'region_totals' 已自带地区标签（映射或 Series），不需要 'regions'。请去掉 'regions'。",
                "'regions' labels the entries of a plain list/array 'region_totals'; "
                "'region_totals' already carries its labels (a mapping or Series), so leave "
                "'regions' out.",
            )
        )
    if isinstance(region_totals, Mapping):
        region_totals = pd.Series(list(region_totals.values()), index=list(region_totals.keys()))
    if isinstance(region_totals, pd.DataFrame):
        if region_totals.shape[1] != 1:
            raise AggloValueError(
                _m.text(
                    f"'region_totals' 必须是以地区为索引的一列总量；收到 {region_totals.shape} 的 DataFrame。请传入 Series。",
                    "'region_totals' must be one column of totals indexed by region label; "
                    f"received a DataFrame of shape {region_totals.shape}. Use "
                    "df.set_index('region')['total'] or pass a Series.",
                )
            )
        region_totals = region_totals.iloc[:, 0]
    values = as_vector(region_totals, "region_totals", non_negative=True, allow_nan=False)
    if isinstance(region_totals, pd.Series):
        labels: pd.Index | None = region_totals.index
    elif regions is not None:
        labels = pd.Index(np.asarray(_labels_1d(regions, "regions"), dtype=object))
        check_same_length(region_totals=values, regions=labels)
    else:
        labels = None
    if labels is not None:
        if labels.hasnans:
            raise AggloValueError(
                _m.text(
                    "'region_totals' 的地区标签不能缺失（空白/NaN）。请补上标签。",
                    "The region labels of 'region_totals' must not be missing (NaN/blank).",
                )
            )
        if not labels.is_unique:
            dup = labels[labels.duplicated()].unique()
            raise AggloValueError(
                _m.text(
                    f"'region_totals' 的地区标签必须唯一；{_missing_list(dup)} 重复出现。请合并或删去重复项。",
                    f"The region labels of 'region_totals' must be unique; {_missing_list(dup)} "
                    "appear more than once. Sum or remove the duplicates.",
                )
            )
    _check_totals(values[:, None], "region_totals", labels, total_rows)
    if not values.sum() > 0:
        raise AggloValueError(
            _m.text(
                "'region_totals' 的合计必须为正（整个经济的规模）；收到全为 0。请检查数据。",
                "'region_totals' must have a positive sum (the size of the whole economy); "
                "received all zeros.",
            )
        )
    return labels, values


def _warn_exceeding(sums: np.ndarray, totals: np.ndarray, labels: Any, what: str) -> None:
    """Warn when the activity placed in a region exceeds that region's all-activity total."""
    over = np.flatnonzero(sums > totals * (1 + 1e-9) + 1e-12)
    if over.size:
        names = [labels[i] if labels is not None else i for i in over]
        warnings.warn(
            f"In {over.size} region(s) ({_missing_list(names)}) the {what} exceed the value in "
            "'region_totals'; the totals should cover all activity (all industries). Check "
            "the units of 'region_totals' and of the sizes.",
            AggloWarning,
            stacklevel=5,
        )


def _shares_stats(
    M: np.ndarray, x: np.ndarray, industry_total: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """G = Σ_r (s_r − x_r)² and Σ_r s_r² from a dense regions × industries matrix."""
    with np.errstate(invalid="ignore", divide="ignore"):
        S = M / industry_total  # regions × industries, broadcasting over columns
    sum_s2 = np.einsum("rk,rk->k", S, S)
    S -= x[:, None]
    G = np.einsum("rk,rk->k", S, S)
    return G, sum_s2


def _resolve_regions(
    r_labels: pd.Index, region_totals: Any, regions: Any, total_rows: str, name: str
) -> tuple[np.ndarray | None, int, np.ndarray | None, Any, str]:
    """Match the plants' region labels to ``region_totals`` (by label).

    Returns the map from a plant's region code to its position among the totals (None
    when x_r comes from the plants), the number of regions R, the totals (or None), the
    region labels and the words that say where x_r came from.
    """
    if region_totals is None:
        if regions is not None:
            raise AggloValueError(
                _m.text(
                    "'regions' 是 'region_totals' 的标签；请同时给出 'region_totals'，或去掉 'regions'（由全部企业计算 x_r）。",
                    "'regions' labels the entries of 'region_totals'; give 'region_totals' too, "
                    "or leave 'regions' out to take x_r from the plants of all industries.",
                )
            )
        return (
            None,
            len(r_labels),
            None,
            r_labels,
            ("x_r from the plants of all industries given (Σ sizes per region)"),
        )
    region_labels, totals = _region_totals(region_totals, regions, total_rows)
    if region_labels is None:
        raise AggloValueError(
            _m.text(
                "'region_totals' 是无标签的列表，无法与企业所在地区对应。请给出 'regions'（与总量同序，每个一个），或以地区为键的映射/Series。",
                "'region_totals' is a plain list/array, so it cannot be matched to the plants' "
                "regions: give 'regions' (one label per total, in the same order) or pass "
                "'region_totals' as a mapping/Series keyed by region label.",
            )
        )
    indexer = region_labels.get_indexer(r_labels)
    if (indexer < 0).any():
        missing = r_labels[indexer < 0]
        raise AggloValueError(
            _m.text(
                f"{name!r} 中有 {len(missing)} 个地区在 'region_totals' 中没有总量：{_missing_list(missing)}。请补上（按标签对应，不按顺序）。",
                f"{name!r} contains {len(missing)} region label(s) with no entry in "
                f"'region_totals': {_missing_list(missing)}. Add their totals (regions are "
                "matched by label, not by order).",
            )
        )
    R = len(region_labels)
    x_source = (
        f"x_r from region_totals ({R} regions, matched by label; regions without plants "
        "count with s_r = 0)"
    )
    return indexer.astype(_code_dtype(R)), R, totals, region_labels, x_source


def _prepare_plants(
    plant_sizes: Any,
    plant_regions: Any,
    plant_industries: Any,
    region_totals: Any,
    regions: Any,
    total_rows: str,
) -> _Prepared:
    sizes = as_vector(plant_sizes, "plant_sizes", non_negative=True, allow_nan=False)
    n = len(sizes)
    r_codes, r_labels = _factorize(_labels_1d(plant_regions, "plant_regions"), "plant_regions")
    check_same_length(plant_sizes=sizes, plant_regions=r_codes)
    r_map, R, totals, region_labels, x_source = _resolve_regions(
        r_labels, region_totals, regions, total_rows, "plant_regions"
    )
    if r_map is not None:
        r_codes = r_map[r_codes]  # plant -> position in region_totals

    if plant_industries is None:
        k_codes = np.zeros(n, dtype=np.int8)
        industries = pd.RangeIndex(1)
    else:
        k_codes, industries = _factorize(
            _labels_1d(plant_industries, "plant_industries"), "plant_industries"
        )
        check_same_length(plant_sizes=sizes, plant_industries=k_codes)
    K = len(industries)

    # Per-industry sums of sizes, squares, fourth powers and the plant count.  The powers
    # are taken in chunks of plants, so no further full-length temporary array is needed,
    # and of sizes divided by the largest one, so that fourth powers cannot overflow.
    scale = float(sizes.max()) or 1.0
    industry_total = np.zeros(K)
    sum_sq = np.zeros(K)
    sum_4 = np.zeros(K)
    n_plants = np.zeros(K)
    for start in range(0, n, _CHUNK):
        part = sizes[start : start + _CHUNK]
        kc = k_codes[start : start + _CHUNK]
        industry_total += np.bincount(kc, weights=part, minlength=K)
        sq = part / scale
        sq *= sq
        sum_sq += np.bincount(kc, weights=sq, minlength=K)
        sq *= sq
        sum_4 += np.bincount(kc, weights=sq, minlength=K)
        n_plants += np.bincount(kc, weights=part > 0, minlength=K)

    # Region × industry cell of each plant (combined codes; no loops).
    cell = r_codes.astype(_code_dtype(R * K), copy=False)  # reuses r_codes when it can
    del r_codes
    cell *= K
    cell += k_codes
    return _plant_stats(
        cell,
        sizes,
        n,
        R,
        industries,
        (industry_total, sum_sq, sum_4, n_plants, scale),
        totals,
        region_labels,
        x_source,
        "plant level",
    )


def _plant_stats(
    cell: np.ndarray,
    weights: np.ndarray,
    n: int,
    R: int,
    industries: pd.Index,
    moments: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float],
    totals: np.ndarray | None,
    region_labels: Any,
    x_source: str,
    source: str,
) -> _Prepared:
    """G, Σs², H and Σz⁴ from the cells of plants (or of cell sums) and industry moments.

    ``cell`` is r·K + k for each entry of ``weights`` (a plant's size, or a cell's summed
    size); ``n`` is the number of plants (it chooses the dense or the sparse layout, so
    that plant records and their cell sums take the same arithmetic).  ``moments`` are
    E_k, Σ(e/scale)², Σ(e/scale)⁴, the positive plants per industry, and the scale.
    """
    industry_total, sum_sq, sum_4, n_plants, scale = moments
    if totals is None and not industry_total.sum() > 0:
        raise AggloValueError(
            _m.text(
                "所有企业规模均为 0，无法计算地区份额 x_r。",
                "Every plant size is 0, so the regional "
                "shares x_r (from the plants) would be 0/0; give positive sizes or 'region_totals'.",
            )
        )
    industries = industries.rename("industry")
    K = len(industries)
    n_cells = R * K
    if n_cells <= 2 * n + _DENSE_EXTRA_CELLS:
        M = np.zeros(n_cells)
        for start in range(0, len(cell), _CHUNK):  # chunks of plants keep temporaries small
            M += np.bincount(
                cell[start : start + _CHUNK],
                weights=weights[start : start + _CHUNK],
                minlength=n_cells,
            )
        del cell
        M = M.reshape(R, K)
        region_sum = M.sum(axis=1)
        x = (totals if totals is not None else region_sum) / (
            totals.sum() if totals is not None else region_sum.sum()
        )
        G, sum_s2 = _shares_stats(M, x, industry_total)
    else:  # very sparse: sort the occupied cells instead of allocating R × K
        occupied, inverse = np.unique(cell, return_inverse=True)
        del cell
        value = np.bincount(inverse, weights=weights)
        del inverse
        cr, ck = np.divmod(occupied, K)
        region_sum = np.bincount(cr, weights=value, minlength=R)
        x = (totals if totals is not None else region_sum) / (
            totals.sum() if totals is not None else region_sum.sum()
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            s = value / industry_total[ck]
        sum_s2 = np.bincount(ck, weights=s * s, minlength=K)
        sum_sx = np.bincount(ck, weights=s * x[cr], minlength=K)
        G = sum_s2 - 2 * sum_sx + float(x @ x)
        G[industry_total == 0] = np.nan
    if totals is not None:
        _warn_exceeding(region_sum, totals, region_labels, "plant sizes of all industries")

    with np.errstate(invalid="ignore", divide="ignore"):
        H = sum_sq / (industry_total / scale) ** 2
        sum_z4 = sum_4 / (industry_total / scale) ** 4
    return _Prepared(
        industries=industries,
        sum_x2=float(x @ x),
        sum_x3=float(np.sum(x**3)),
        G=G,
        sum_s2=sum_s2,
        H=H,
        sum_z4=sum_z4,
        n_plants=n_plants,
        industry_total=industry_total,
        mode="plant",
        approximation="plant sizes",
        convention=f"{source}; H = Σ z_j² from plant sizes; {x_source}",
    )


def _prepare_summary(summary: Any, region_totals: Any, regions: Any, total_rows: str) -> _Prepared:
    """Plant mode from a :class:`~agglo.microdata.PlantSummary` (cell sums made in an engine)."""
    cells = summary.cells
    r_codes, r_labels = _factorize(cells["region"], f"column {summary.region!r}")
    r_map, R, totals, region_labels, x_source = _resolve_regions(
        r_labels, region_totals, regions, total_rows, f"column {summary.region!r}"
    )
    if r_map is not None:
        r_codes = r_map[r_codes]
    if summary.industry is None:
        k_codes = np.zeros(len(cells), dtype=np.int8)
        industries: pd.Index = pd.RangeIndex(1)
    else:
        k_codes, industries = _factorize(cells["industry"], f"column {summary.industry!r}")
    K = len(industries)
    total = cells["total"].to_numpy(dtype=float)
    moments = (
        np.bincount(k_codes, weights=total, minlength=K),
        np.bincount(k_codes, weights=cells["sum_sq"].to_numpy(dtype=float), minlength=K),
        np.bincount(k_codes, weights=cells["sum_4"].to_numpy(dtype=float), minlength=K),
        np.bincount(k_codes, weights=cells["positive"].to_numpy(dtype=float), minlength=K),
        1.0,
    )
    cell = r_codes.astype(np.int64) * K + k_codes
    return _plant_stats(
        cell,
        total,
        summary.kept,
        R,
        industries,
        moments,
        totals,
        region_labels,
        x_source,
        f"plant level from a frame ({summary.convention})",
    )


def _align_block(other: Any, data: Any, name: str, axis: str) -> Any:
    """Reorder a labelled companion (Series/DataFrame) to the labels of the block ``data``."""
    if not isinstance(data, pd.DataFrame) or not isinstance(other, (pd.Series, pd.DataFrame)):
        return other
    if axis == "columns":
        idx = other.index.get_indexer(data.columns) if other.index.is_unique else None
        if idx is None or (idx < 0).any():
            missing = list(data.columns[idx < 0]) if idx is not None else list(other.index.unique())
            raise AggloValueError(
                _m.text(
                    f"{name!r} 须与 'data' 的每个产业（列）按标签一一对应；缺失或重复：{_missing_list(missing)}。",
                    f"{name!r} must have one value per industry (column) of 'data', matched by "
                    f"label; missing or duplicated: {_missing_list(missing)}.",
                )
            )
        return other.iloc[idx]
    ok = (
        isinstance(other, pd.DataFrame)
        and other.index.is_unique
        and other.columns.is_unique
        and set(data.index) <= set(other.index)
        and set(data.columns) <= set(other.columns)
    )
    if not ok:
        raise AggloValueError(
            _m.text(
                f"{name!r} 必须是与 'data' 行列标签相同的地区 × 产业区域（按标签对应）；有标签缺失或重复。",
                f"{name!r} must be a regions × industries block with the same row and column "
                "labels as 'data' (matched by label); some labels are missing or duplicated.",
            )
        )
    return other.loc[data.index, data.columns]


def _prepare_block(
    data: Any,
    region_totals: Any,
    regions: Any,
    herfindahl: Any,
    firm_counts: Any,
    approximation: Any,
    total_rows: str,
) -> _Prepared:
    if regions is not None:
        raise AggloValueError(
            _m.text(
                "'regions' 只用于企业模式；汇总模式下区域的行就是地区。请去掉 'regions'（可用 DataFrame 或 Series 给出标签）。",
                "'regions' is used only in plant mode; in aggregate mode the block's rows are the "
                "regions (pass a DataFrame to label them, or region_totals as a Series keyed by "
                "region label).",
            )
        )
    E = as_matrix(data, "data", non_negative=True)
    labels = labels_of(data)
    row_labels = labels[0] if labels is not None else None
    col_labels = labels[1] if labels is not None else None
    _check_totals(E, "data", row_labels, total_rows)
    _check_totals(E.T, "data", col_labels, total_rows, axis_word="column")
    n, K = E.shape
    indexer = None
    nan_cells = np.isnan(E)
    bad = nan_cells.any(axis=0)  # industries with a missing cell: results NaN
    E0 = np.where(nan_cells, 0.0, E)

    if region_totals is None:
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise AggloValueError(
                _m.text(
                    f"'data' 有缺失单元（空白/NaN），如第{k + 1}列，无法由区域计算地区份额 x_r。请补上（无活动填 0）或给出 'region_totals'。",
                    "'data' has missing cells (NaN/blank), e.g. in column "
                    f"{k + 1}{'' if col_labels is None else f' ({col_labels[k]!r})'}, so the regional "
                    "shares x_r cannot be taken from the block. Fill them in (0 if there is no "
                    "activity) or give 'region_totals'.",
                )
            )
        M = E0
        totals = M.sum(axis=1)
        x_source = "x_r from the block (row sums over the industries given)"
    else:
        r_labels, totals = _region_totals(region_totals, None, total_rows)
        if r_labels is None:
            if len(totals) != n:
                raise AggloValueError(
                    _m.text(
                        f"'region_totals' 须为 'data' 每行一个总量（{n} 个）；收到 {len(totals)} 个。按标签对应请传入 Series。",
                        f"'region_totals' must have one total per row of 'data' ({n}); received "
                        f"{len(totals)}. Pass a Series keyed by region label to match by label.",
                    )
                )
            M = E0
            x_source = "x_r from region_totals (matched to the block's rows by position)"
        else:
            if row_labels is None:
                raise AggloValueError(
                    _m.text(
                        "'region_totals' 以地区标签为键，但 'data' 没有行标签。请传入以地区为索引的 DataFrame，或按行序的列表。",
                        "'region_totals' is keyed by region label but 'data' has no row labels; "
                        "pass 'data' as a DataFrame indexed by region, or 'region_totals' as a "
                        "plain list in row order.",
                    )
                )
            if not row_labels.is_unique:
                raise AggloValueError(
                    _m.text(
                        "'data' 的行标签（地区）必须唯一，才能与 'region_totals' 对应。请删去或合并重复地区。",
                        "The row labels (regions) of 'data' must be unique to be matched with "
                        "'region_totals'.",
                    )
                )
            indexer = r_labels.get_indexer(row_labels)
            if (indexer < 0).any():
                raise AggloValueError(
                    _m.text(
                        f"'data' 中有 {int((indexer < 0).sum())} 个地区在 'region_totals' 中没有总量：{_missing_list(row_labels[indexer < 0])}。请补上（按标签对应）。",
                        f"'data' has {int((indexer < 0).sum())} region(s) with no entry in "
                        f"'region_totals': {_missing_list(row_labels[indexer < 0])}. Add their "
                        "totals (regions are matched by label, not by order).",
                    )
                )
            M = np.zeros((len(totals), K))
            M[indexer] = E0
            x_source = (
                f"x_r from region_totals ({len(totals)} regions, matched by label; regions "
                "missing from the block count with s_r = 0)"
            )
        _warn_exceeding(M.sum(axis=1), totals, r_labels, "sizes of the industries in the block")
    if not totals.sum() > 0:
        raise AggloValueError(
            _m.text(
                "'data' 不能全为 0（地区份额 x_r 将为 0/0）。请检查数据。",
                "'data' must not be all zero (the regional shares x_r would be 0/0).",
            )
        )
    x = totals / totals.sum()
    industry_total = M.sum(axis=0)
    G, sum_s2 = _shares_stats(M, x, industry_total)

    # ---- the plant Herfindahl
    given = [
        a for a, v in (("herfindahl", herfindahl), ("firm_counts", firm_counts)) if v is not None
    ]
    if len(given) != 1:
        raise AggloValueError(
            _m.text(
                "汇总模式下须恰好给出 'herfindahl'（各行业的企业赫芬达尔指数 H）或 'firm_counts'"
                "（企业数，用以近似 H）之一；" + ("两者都给了。" if given else "两者都没有给。"),
                "In aggregate mode give exactly one of 'herfindahl' (the plant Herfindahl H per "
                "industry) or 'firm_counts' (enterprise counts, to approximate H); received "
                + ("both." if given else "neither."),
            )
        )
    n_plants = np.full(K, np.nan)
    sum_z4 = np.full(K, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        S = M / industry_total
    if herfindahl is not None:
        if approximation is not None:
            raise AggloValueError(
                _m.text(
                    "'approximation' 只用于 'firm_counts'；已直接给出 'herfindahl' 时请去掉它。",
                    "'approximation' applies to 'firm_counts'; with 'herfindahl' given directly "
                    "leave it out.",
                )
            )
        if isinstance(herfindahl, Mapping):
            herfindahl = pd.Series(herfindahl)
        h_in = _align_block(herfindahl, data, "herfindahl", "columns")
        H = as_vector(h_in, "herfindahl")
        if len(H) != K:
            raise AggloValueError(
                _m.text(
                    f"'herfindahl' 须为 'data' 每个产业（列）一个值（{K} 个）；收到 {len(H)} 个。",
                    f"'herfindahl' must have one value per industry (column) of 'data' ({K}); "
                    f"received {len(H)}.",
                )
            )
        with np.errstate(invalid="ignore"):
            out = (H <= 0) | (H > 1)
        if out.any():
            raise AggloValueError(
                _m.text(
                    f"'herfindahl' 必须在 (0, 1] 内；发现 {H[out][0]:g}。企业赫芬达尔指数是企业份额平方和（不是 0–10000 的百分制）。",
                    f"'herfindahl' must lie in (0, 1]; found {H[out][0]:g}. A plant Herfindahl "
                    "is Σ z_j² of plant shares (not the percent 0–10000 scale).",
                )
            )
        approx = "given"
        h_text = "H given per industry (Σz⁴ unknown, so z and Var(G) are NaN)"
    else:
        if isinstance(firm_counts, Mapping):
            firm_counts = pd.Series(firm_counts)
        if isinstance(firm_counts, pd.Series):  # one count per industry, by label
            C = as_vector(
                _align_block(firm_counts, data, "firm_counts", "columns"),
                "firm_counts",
                non_negative=True,
            )[None, :]
        else:
            C = as_matrix(
                _align_block(firm_counts, data, "firm_counts", "block"),
                "firm_counts",
                ndim=(1, 2),
                non_negative=True,
            )
            if C.ndim == 1:
                C = C[None, :]
        default = "1/N" if C.shape[0] == 1 and C.shape != E.shape else "equal_within_region"
        approx = as_option(
            default if approximation is None else approximation,
            "approximation",
            _APPROXIMATIONS,
        )
        if C.shape == E.shape:
            N = C.sum(axis=0)
        elif C.shape == (1, K):
            if approx == "equal_within_region":
                raise AggloValueError(
                    _m.text(
                        f"approximation='equal_within_region' 需要与 'data' 同形 {E.shape} 的地区 × 产业 'firm_counts'；收到每个产业一个数。请改用 '1/N' 或给出区域。",
                        "approximation='equal_within_region' needs 'firm_counts' as a regions × "
                        f"industries block of the same shape as 'data' {E.shape}; received one "
                        "count per industry. Use approximation='1/N' or give the block.",
                    )
                )
            N = C[0]
        else:
            raise AggloValueError(
                _m.text(
                    f"'firm_counts' 必须与 'data' 同形 {E.shape}，或每个产业一个数（{K} 个）；收到 {C.shape}。",
                    f"'firm_counts' must be a block of the same shape as 'data' {E.shape} or one "
                    f"count per industry ({K}); received shape {C.shape}.",
                )
            )
        n_plants = N.astype(float)
        if approx == "equal_within_region":
            if indexer is None:
                Cm = C
            else:  # rows placed like the block (regions missing from it have no firms)
                Cm = np.zeros_like(M)
                Cm[indexer] = C
            active = M > 0
            short = active & (Cm < 1)
            if short.any():
                r, k = np.argwhere(short)[0]
                pz, pe = cell_position("firm_counts", (r, k), Cm.shape)
                raise AggloValueError(
                    _m.text(
                        f"'data' 为正处 'firm_counts' 必须 >= 1；{pz}企业数为 {Cm[r, k]:g}（规模 {M[r, k]:g}）。请检查两个区域是否对齐。",
                        f"'firm_counts' must be >= 1 wherever 'data' is positive; found "
                        f"{Cm[r, k]:g} firms for a size of {M[r, k]:g} at {pe}. "
                        "Check that the two blocks are aligned.",
                    )
                )
            with np.errstate(invalid="ignore", divide="ignore"):
                Sa = np.where(active, S, 0.0)
                Na = np.where(active, Cm, 1.0)
                H = np.sum(Sa**2 / Na, axis=0)
                sum_z4 = np.sum(Sa**4 / Na**3, axis=0)
            h_text = (
                "H ≈ Σ_r s_r² / N_r (equal-size firms within each region, N_r from firm_counts)"
            )
        else:
            short = (industry_total > 0) & (N < 1)
            if short.any():
                k = int(np.flatnonzero(short)[0])
                raise AggloValueError(
                    _m.text(
                        f"有活动的产业企业数合计必须 >= 1；第{k + 1}个产业为 {N[k]:g}。请检查 'firm_counts'。",
                        f"'firm_counts' must total >= 1 firm for every industry with activity; "
                        f"industry {k + 1} has {N[k]:g}.",
                    )
                )
            with np.errstate(divide="ignore"):
                H = 1.0 / N
                sum_z4 = H**3
            h_text = "H ≈ 1/N (all N firms of the industry of equal size)"
    H = np.asarray(H, dtype=float).copy()
    H[industry_total == 0] = np.nan
    for arr in (G, sum_s2, H, sum_z4, industry_total):
        arr[bad] = np.nan
    industries = None
    if col_labels is not None:
        industries = pd.Index(col_labels)
        if industries.name is None:
            industries = industries.rename("industry")
    elif isinstance(data, pd.Series):
        industries = pd.Index([data.name])
    return _Prepared(
        industries=industries,
        sum_x2=float(x @ x),
        sum_x3=float(np.sum(x**3)),
        G=G,
        sum_s2=sum_s2,
        H=H,
        sum_z4=sum_z4,
        n_plants=n_plants,
        industry_total=industry_total,
        mode="aggregate",
        approximation=approx,
        convention=f"aggregate block; {h_text}; {x_source}",
    )


def _prepare(
    data: Any,
    plant_sizes: Any,
    plant_regions: Any,
    plant_industries: Any,
    region_totals: Any,
    regions: Any,
    herfindahl: Any,
    firm_counts: Any,
    approximation: Any,
    total_rows: str,
    columns: tuple[Any, Any, Any, Any] = (None, None, None, None),
) -> _Prepared:
    total_rows = as_option(total_rows, "total_rows", ("raise", "warn", "ignore"))
    if any(c is not None for c in columns) or _is_summary(data):
        return _prepare_frame(
            data,
            columns,
            (plant_sizes, plant_regions, plant_industries),
            region_totals,
            regions,
            (herfindahl, firm_counts, approximation),
            total_rows,
        )
    plant_args = [
        n
        for n, v in (
            ("plant_sizes", plant_sizes),
            ("plant_regions", plant_regions),
            ("plant_industries", plant_industries),
        )
        if v is not None
    ]
    if data is not None and plant_args:
        raise AggloValueError(
            _m.text(
                f"'data'（汇总模式）与企业记录（企业模式）只能给一种；同时收到 'data' 和 {', '.join(map(repr, plant_args))}。",
                "Give either 'data' (aggregate mode: a regions × industries block) or the plant "
                f"records (plant mode); received both 'data' and {', '.join(map(repr, plant_args))}.",
            )
        )
    if data is None:
        if not plant_args:
            raise AggloValueError(
                _m.text(
                    "请给出 'data'（汇总模式：地区 × 产业区域，加 'herfindahl' 或 'firm_counts'），或 'plant_sizes'、'plant_regions' 和 'plant_industries'（企业模式）。",
                    "Give either 'data' (aggregate mode: a regions × industries block with "
                    "'herfindahl' or 'firm_counts') or 'plant_sizes' with 'plant_regions' and "
                    "'plant_industries' (plant mode).",
                )
            )
        if plant_sizes is None or plant_regions is None:
            raise AggloValueError(
                _m.text(
                    f"企业模式需要 'plant_sizes' 和 'plant_regions'（多产业时还需 'plant_industries'）；只收到 {', '.join(map(repr, plant_args))}。",
                    "Plant mode needs 'plant_sizes' and 'plant_regions' (and 'plant_industries' "
                    f"for several industries); received only {', '.join(map(repr, plant_args))}.",
                )
            )
        extra = [
            n
            for n, v in (
                ("herfindahl", herfindahl),
                ("firm_counts", firm_counts),
                ("approximation", approximation),
            )
            if v is not None
        ]
        if extra:
            raise AggloValueError(
                _m.text(
                    f"企业模式下 H 由企业规模精确计算；{', '.join(map(repr, extra))} 属于汇总模式，请去掉。",
                    "In plant mode H is computed exactly from the plant sizes; "
                    f"{', '.join(map(repr, extra))} belong(s) to aggregate mode. Leave it out.",
                )
            )
        return _prepare_plants(
            plant_sizes, plant_regions, plant_industries, region_totals, regions, total_rows
        )
    return _prepare_block(
        data, region_totals, regions, herfindahl, firm_counts, approximation, total_rows
    )


def _is_summary(data: Any) -> bool:
    return type(data).__name__ == "PlantSummary" and hasattr(data, "cells")


def _prepare_frame(
    data: Any,
    columns: tuple[Any, Any, Any, Any],
    plant_arrays: tuple[Any, Any, Any],
    region_totals: Any,
    regions: Any,
    block_args: tuple[Any, Any, Any],
    total_rows: str,
) -> _Prepared:
    """Plant mode from a data frame of plant records (any engine) or a plant summary."""
    from .microdata import _summarise

    region, industry, size, region_level = columns
    if any(v is not None for v in plant_arrays) or any(v is not None for v in block_args):
        raise AggloValueError(
            _m.text(
                "按列名读取企业数据框时，不要同时给 plant_sizes/plant_regions/plant_industries 或 "
                "herfindahl/firm_counts/approximation。",
                "With a frame of plant records (region=, "
                "industry=, size=) leave out plant_sizes/plant_regions/plant_industries and "
                "herfindahl/firm_counts/approximation.",
            )
        )
    if data is None:
        raise AggloValueError(
            _m.text(
                "给出了列名，但没有企业数据框。",
                "Column names were given but no frame of plant "
                "records: pass it as the first argument.",
            )
        )
    if _is_summary(data):
        region = data.region if region is None else region
        industry = data.industry if industry is None else industry
        size = data.size if size is None else size
    elif region is None or industry is None or size is None:
        missing = [
            n for n, v in (("region", region), ("industry", industry), ("size", size)) if v is None
        ]
        raise AggloValueError(
            _m.text(
                f"企业数据框需要列名 {', '.join(missing)}（地区、行业、规模）。",
                "A frame of plant "
                "records needs the column names region=, industry= and size=; missing: "
                f"{', '.join(missing)}.",
            )
        )
    summary = _summarise(data, region, industry, size, region_level)
    return _prepare_summary(summary, region_totals, regions, total_rows)


def _wrap(values: np.ndarray, industries: pd.Index | None, name: str) -> Any:
    if industries is None:
        return values
    return pd.Series(values, index=industries, name=name)


# --------------------------------------------------------------------------- public API


def ellison_glaeser(
    data: Any = None,
    *,
    plant_sizes: Any = None,
    plant_regions: Any = None,
    plant_industries: Any = None,
    region_totals: Any = None,
    regions: Any = None,
    herfindahl: Any = None,
    firm_counts: Any = None,
    approximation: str | None = None,
    total_rows: str = "raise",
    region: str | None = None,
    industry: str | None = None,
    size: str | None = None,
    region_level: str | None = None,
) -> EllisonGlaeserResult:
    r"""Ellison–Glaeser agglomeration index γ (EG 指数) per industry.

    Two input modes, chosen by the arguments given:

    * **plant mode** — ``plant_sizes``, ``plant_regions`` and ``plant_industries`` (one
      entry per plant) plus ``region_totals``; H is computed exactly from the plants.
      The plants may instead be a data frame of any engine (pandas, Polars, PyArrow,
      DuckDB, Dask) passed as ``data`` with the column names ``region``, ``industry``
      and ``size``: the sums are then computed inside that engine (see
      :func:`agglo.plant_summary`) and the result is the same;
    * **aggregate mode** — ``data``, a regions × industries block of sizes, plus either
      ``herfindahl`` (H per industry) or ``firm_counts`` (enterprise counts, from which
      H is approximated as chosen by ``approximation``).

    Parameters
    ----------
    data : array_like of shape (n_regions, k_industries), DataFrame or PlantSummary, optional
        Aggregate mode: the size (employment, output ...) of each industry in each region.
        With ``region``/``industry``/``size``: a data frame of plant records (one row per
        plant), or a :class:`agglo.PlantSummary`.
        Blank cells make that industry's results NaN (they raise when x_r is taken from
        the block).
    plant_sizes : array_like of shape (n_plants,), optional
        Plant mode: the size of each plant (non-negative; NaN raises).  Zero-size plants
        are allowed and change nothing.
    plant_regions : array_like of shape (n_plants,), optional
        Plant mode: the region label of each plant.
    plant_industries : array_like of shape (n_plants,), optional
        Plant mode: the industry label of each plant.  Omitted: all plants form one
        industry (labelled 0).
    region_totals : mapping, Series or array_like of shape (n_regions,), optional
        Size of all activity (all industries) in each region; x_r = T_r / Σ T.  Matched to
        the plants' regions **by label**, never by order: give a mapping or Series keyed by
        region label, or a plain list/array together with ``regions``.  Every region of a
        plant must have a total (else AggloValueError naming the missing labels); regions
        with a total but no plant of an industry count with s_r = 0 (they add x_r² to G).
        In aggregate mode a plain list is matched to the block's rows by position, a Series
        by the DataFrame's row labels.  Omitted: x_r comes from the data themselves — the
        block's row sums, or the plants of all industries summed per region (REAT
        ``ellison.a2``).
    regions : array_like of shape (n_regions,), optional
        Plant mode only: the region labels of a plain list/array ``region_totals``.
    herfindahl : array_like of shape (k_industries,), optional
        Aggregate mode: the plant Herfindahl H of each industry, in (0, 1] (a Series is
        matched to the block's columns by label).  Σz⁴ is then unknown, so z and Var(G)
        are NaN.
    firm_counts : array_like of shape (n_regions, k_industries) or (k_industries,), optional
        Aggregate mode: number of enterprises (企业数) per cell, or per industry.
    approximation : {'equal_within_region', '1/N'}, optional
        Aggregate mode with ``firm_counts``: how H is approximated.
        ``'equal_within_region'`` (default for a block of counts): the N_rk firms of a cell
        are equal-sized, H = Σ_r s_r² / N_rk.  ``'1/N'`` (default, and the only choice, for
        one count per industry): all N_k firms are equal-sized, H = 1/N_k.
    total_rows : {'raise', 'warn', 'ignore'}, default 'raise'
        What to do when ``region_totals`` or the block contains a 全国/合计 total.
    region, industry, size : str, optional
        Plant mode from a data frame: ``data`` is a frame of plant records (pandas,
        Polars eager or lazy, PyArrow, DuckDB or Dask, also on a cluster) and these are
        its column names (all three required).  The sums per region × industry, the plant
        Herfindahl and the industry totals are computed as one group-by inside that
        engine (:func:`agglo.plant_summary`); only the cell sums come back, and the result
        equals the one from the arrays to rounding (≤ 1e-12 relative).  Records with a
        missing label or size, or a negative size, raise (naming the column and the
        count).  ``data`` may also be a :class:`agglo.PlantSummary` (of chunks or files,
        with its dropped records recorded); then the names may be left out.
    region_level : {'province', 'prefecture', 'county'}, optional
        Plant mode from a frame: the region column holds 6-digit 行政区划代码; regions
        are the units of this level (see :func:`agglo.region_names`).

    Returns
    -------
    EllisonGlaeserResult
        ``gamma``, ``G`` (raw), ``H``, ``z``, ``var_G``, ``n_plants``, ``industry_total``
        per industry (Series indexed by industry label in plant mode or for a pandas
        block, else arrays), plus ``sum_x2``, ``mode``, ``approximation`` and
        ``convention``; ``to_frame()`` gives one row per industry.  In plant mode the
        industries are in sorted label order (category order for a Categorical).

    Raises
    ------
    AggloValueError
        Modes mixed or incomplete; negative or missing plant sizes; plant regions without
        a total; plain-array totals without ``regions``; duplicate region labels; a total
        row; H outside (0, 1]; firm counts < 1 where the block is positive.

    Warns
    -----
    AggloWarning
        When the sizes placed in a region exceed its ``region_totals`` entry (the totals
        should cover all industries).

    Notes
    -----
    For industry k with regional shares s_r = E_rk / E_k, plant shares z_j and regional
    shares of all activity x_r (Ellison & Glaeser 1997):

    .. math::

        G = \sum_r (s_r - x_r)^2, \qquad H = \sum_j z_j^2, \qquad
        \gamma = \frac{G - (1 - \sum_r x_r^2) H}{(1 - \sum_r x_r^2)(1 - H)}

    and, under the dartboard null γ = 0 (as computed by REAT ``ellison.a``),

    .. math::

        \operatorname{Var}(G) = 2\Big\{H^2\big[\textstyle\sum x^2 - 2\sum x^3
            + (\sum x^2)^2\big] - \sum_j z_j^4\big[\sum x^2 - 4\sum x^3
            + 3(\sum x^2)^2\big]\Big\}, \qquad
        z = \frac{G - (1 - \sum x^2) H}{\sqrt{\operatorname{Var}(G)}} .

    ``G`` is reported raw (Σ(s − x)², as REAT does); the normalised G / (1 − Σx²) follows
    from ``sum_x2``.  Undefined values are NaN: γ when H = 1 (a single plant) or
    Σx² = 1 (a single region); z when Var(G) ≤ 0 or Σz⁴ is unknown; everything for an
    industry of total size 0.

    With equal-size firms within each region Σz⁴ = Σ_r s_r⁴ / N_r³, and with 1/N,
    Σz⁴ = 1/N³, so z is available for both approximations.  H approximations change γ a
    lot (Chen et al. 2016, in References); the result records which one was used.

    Peers: REAT ``ellison.a`` gives the same γ, G, z and H but matches the regional totals
    to regions in order of first appearance among the plants, and needs every region to
    have a plant — here they are matched by label.  The Stata module ``egi`` computes
    (G − H)/(1 − H), without the (1 − Σx²) term; to compare, use ``G / (1 − sum_x2)``.
    Regions are never silently dropped: a region present in ``region_totals`` but without
    plants still counts in Σx² and in G.

    References
    ----------
    Ellison, G., & Glaeser, E. L. (1997). Geographic concentration in U.S. manufacturing
    industries: a dartboard approach. *Journal of Political Economy*, 105(5), 889–927.

    有色金属产业集聚程度及其与竞争力之间的关系 (Guizhou and the nine western
    provinces, 2013 yearbooks; the text names no author or journal):
    EG 指数 among the 产业集聚度 measures (G from s_i and x_i, H from plant employment
    shares Z_j).

    Wieland, T. REAT: Regional Economic Analysis Toolbox (R package, v3.0.3), ``ellison.a``.

    陈长石 等 (2016). 财经问题研究 — EG results depend on the choice of the Herfindahl
    index and of the spatial Gini (comparison of H approximations on one firm database).

    See [ellison_glaeser_1997], [nonferrous], [reat], [chen_2016] in docs/references.md.

    Examples
    --------
    Six plants in three regions (one industry):

    >>> res = ellison_glaeser(
    ...     plant_sizes=[50, 30, 20, 10, 5, 5],
    ...     plant_regions=["A", "A", "B", "B", "C", "C"],
    ...     region_totals={"A": 1000, "B": 600, "C": 400},
    ... )
    >>> res.to_frame()[["gamma", "G", "H", "z"]].round(4)
               gamma       G       H       z
    industry
    0        -0.2804  0.0439  0.2743 -0.9232

    The same plants as a data frame (any engine; here pandas), by column name:

    >>> plants = pd.DataFrame({"emp": [50, 30, 20, 10, 5, 5], "reg": list("AABBCC"),
    ...                        "ind": ["纺织"] * 6})
    >>> res = ellison_glaeser(plants, region="reg", industry="ind", size="emp",
    ...                       region_totals={"A": 1000, "B": 600, "C": 400})
    >>> round(float(res.gamma["纺织"]), 4)
    -0.2804

    Aggregate mode from a yearbook block with enterprise counts:

    >>> block = pd.DataFrame({"纺织": [80, 20, 0], "电子": [10, 30, 60]}, index=["甲", "乙", "丙"])
    >>> firms = pd.DataFrame({"纺织": [4, 2, 0], "电子": [1, 3, 6]}, index=block.index)
    >>> res = ellison_glaeser(block, firm_counts=firms)
    >>> res.approximation
    'equal_within_region'
    >>> res.gamma.round(4).to_dict()
    {'纺织': 0.187, '电子': 0.2593}
    """
    prep = _prepare(
        data,
        plant_sizes,
        plant_regions,
        plant_industries,
        region_totals,
        regions,
        herfindahl,
        firm_counts,
        approximation,
        total_rows,
        (region, industry, size, region_level),
    )
    a, b, H = prep.sum_x2, prep.sum_x3, prep.H
    with np.errstate(invalid="ignore", divide="ignore"):
        excess = prep.G - (1.0 - a) * H
        denom = (1.0 - a) * (1.0 - H)
        gamma = np.where(denom != 0, excess / np.where(denom != 0, denom, 1.0), np.nan)
        var = 2.0 * (H**2 * (a - 2.0 * b + a * a) - prep.sum_z4 * (a - 4.0 * b + 3.0 * a * a))
        z = np.where(var > 0, excess / np.sqrt(np.where(var > 0, var, 1.0)), np.nan)
    var = np.where(np.isnan(prep.sum_z4), np.nan, var)
    ind = prep.industries
    return EllisonGlaeserResult(
        gamma=_wrap(gamma, ind, "gamma"),
        G=_wrap(prep.G, ind, "G"),
        H=_wrap(H, ind, "H"),
        z=_wrap(z, ind, "z"),
        var_G=_wrap(var, ind, "var_G"),
        n_plants=_wrap(prep.n_plants, ind, "n_plants"),
        industry_total=_wrap(prep.industry_total, ind, "industry_total"),
        sum_x2=a,
        mode=prep.mode,
        approximation=prep.approximation,
        convention=(
            "Ellison–Glaeser 1997 with the (1 − Σx²) term; G raw = Σ(s − x)²; z and Var(G) "
            f"as REAT ellison.a; {prep.convention}"
        ),
    )


def maurel_sedillot(
    data: Any = None,
    *,
    plant_sizes: Any = None,
    plant_regions: Any = None,
    plant_industries: Any = None,
    region_totals: Any = None,
    regions: Any = None,
    herfindahl: Any = None,
    firm_counts: Any = None,
    approximation: str | None = None,
    total_rows: str = "raise",
    region: str | None = None,
    industry: str | None = None,
    size: str | None = None,
    region_level: str | None = None,
) -> MaurelSedillotResult:
    r"""Maurel–Sédillot agglomeration index γ_MS (MS 指数) per industry.

    Takes exactly the inputs of :func:`ellison_glaeser` (plant mode or aggregate mode;
    see there for every argument, the alignment of ``region_totals`` by label and the
    H approximations).

    Parameters
    ----------
    data, plant_sizes, plant_regions, plant_industries, region_totals, regions, herfindahl, firm_counts, approximation, total_rows, region, industry, size, region_level
        As in :func:`ellison_glaeser`.

    Returns
    -------
    MaurelSedillotResult
        ``gamma``, ``G`` (= G_MS), ``H``, ``n_plants``, ``industry_total`` per industry,
        plus ``sum_x2``, ``mode``, ``approximation``, ``convention``; ``to_frame()``.

    Raises
    ------
    AggloValueError
        As :func:`ellison_glaeser`.

    Notes
    -----
    Maurel & Sédillot (1999) estimate the same spillover parameter as EG with a different
    estimator of the raw concentration:

    .. math::

        G_{MS} = \frac{\sum_r s_r^2 - \sum_r x_r^2}{1 - \sum_r x_r^2}, \qquad
        \gamma_{MS} = \frac{G_{MS} - H}{1 - H} .

    Relation to EG: with G_EG = Σ(s − x)²,

    .. math::

        \gamma_{EG} - \gamma_{MS} = \frac{2\,(\sum_r x_r^2 - \sum_r s_r x_r)}
            {(1 - \sum_r x_r^2)(1 - H)},

    so the two coincide when Σ s_r x_r = Σ x_r² (e.g. s = x), and both have expectation 0
    under the dartboard null.  NaN when H = 1, Σx² = 1 or the industry is empty.  No peer
    tool implements this index (REAT, EconGeo and Stata ``egi`` do not).

    References
    ----------
    Maurel, F., & Sédillot, B. (1999). A measure of the geographic concentration in French
    manufacturing industries. *Regional Science and Urban Economics*, 29(5), 575–604.

    Ellison, G., & Glaeser, E. L. (1997). *Journal of Political Economy*, 105(5), 889–927.

    See [maurel_sedillot_1999], [ellison_glaeser_1997] in docs/references.md.

    Examples
    --------
    >>> res = maurel_sedillot(
    ...     plant_sizes=[50, 30, 20, 10, 5, 5],
    ...     plant_regions=["A", "A", "B", "B", "C", "C"],
    ...     region_totals={"A": 1000, "B": 600, "C": 400},
    ... )
    >>> float(round(res.G.iloc[0], 6)), float(round(res.gamma.iloc[0], 6))
    (0.21595, -0.080414)
    """
    prep = _prepare(
        data,
        plant_sizes,
        plant_regions,
        plant_industries,
        region_totals,
        regions,
        herfindahl,
        firm_counts,
        approximation,
        total_rows,
        (region, industry, size, region_level),
    )
    a, H = prep.sum_x2, prep.H
    with np.errstate(invalid="ignore", divide="ignore"):
        G_ms = (prep.sum_s2 - a) / (1.0 - a) if a != 1.0 else np.full_like(H, np.nan)
        denom = 1.0 - H
        gamma = np.where(denom != 0, (G_ms - H) / np.where(denom != 0, denom, 1.0), np.nan)
    ind = prep.industries
    return MaurelSedillotResult(
        gamma=_wrap(gamma, ind, "gamma"),
        G=_wrap(G_ms, ind, "G"),
        H=_wrap(H, ind, "H"),
        n_plants=_wrap(prep.n_plants, ind, "n_plants"),
        industry_total=_wrap(prep.industry_total, ind, "industry_total"),
        sum_x2=a,
        mode=prep.mode,
        approximation=prep.approximation,
        convention=(
            "Maurel–Sédillot 1999: G_MS = (Σs² − Σx²)/(1 − Σx²), γ = (G_MS − H)/(1 − H); "
            f"{prep.convention}"
        ),
    )
