r"""Spatial weights and spatial autocorrelation (空间权重矩阵, Moran's I, Geary's C, LISA).

Spatial weights
    :func:`spatial_weights` (from a matrix, an Excel block or a neighbour list),
    :func:`knn_weights` (k nearest neighbours), :func:`distance_band_weights` and
    :func:`inverse_distance_weights` (from coordinates; Euclidean or great-circle),
    :func:`china_province_weights` (contiguity of China's 31 mainland provinces, with the
    Hainan convention as an argument) and :func:`china_provinces` (codes, names and the
    provincial capitals' coordinates).  All return a :class:`SpatialWeights` holding a
    ``scipy.sparse`` CSR matrix, so 3,000 units cost a few hundred kilobytes.

Spatial autocorrelation
    :func:`moran` (global Moran's I), :func:`geary` (Geary's C) and :func:`local_moran`
    (LISA: local Moran's I with quadrants HH/LH/LL/HL).

Styles follow R ``spdep`` (``W`` row-standardised, ``B`` binary, ``C`` globally
standardised, ``U`` summing to 1, ``S`` variance-stabilising, ``O`` as given); PySAL
calls them ``R``, ``B``, —, ``D``, ``V``, ``O`` and both spellings are accepted.  The
statistics follow PySAL ``esda`` (Cliff and Ord's moments), which the tests use as the
oracle.  PySAL is not a runtime dependency: it brings geopandas, numba and shapely, which
do not install in xlwings Lite; the formulas are short and are written out here.
"""

from __future__ import annotations

import dataclasses
from importlib import resources
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import AggloValueError, as_option, as_positive_int, as_rng, as_vector
from .datasets import china_provinces

__all__ = [
    "SpatialWeights",
    "MoranResult",
    "GearyResult",
    "LocalMoranResult",
    "spatial_weights",
    "knn_weights",
    "distance_band_weights",
    "inverse_distance_weights",
    "china_province_weights",
    "moran",
    "geary",
    "local_moran",
    "WEIGHT_STYLES",
    "EARTH_RADIUS_KM",
]

#: Style codes → what they mean.  PySAL's letters are accepted as aliases (R→W, D→U, V→S).
WEIGHT_STYLES: dict[str, str] = {
    "W": "row-standardised 行标准化: w_ij / Σ_j w_ij (each row sums to 1)",
    "B": "binary 二值: 1 where w_ij ≠ 0",
    "C": "globally standardised 全局标准化: n · w_ij / Σ_ij w_ij (all weights sum to n)",
    "U": "all weights sum to 1: w_ij / Σ_ij w_ij",
    "S": "variance-stabilising 方差稳定 (Tiefelsdorf et al. 1999): rows scaled by "
    "1/√Σ_j w_ij², then all by n / Σ",
    "O": "original 原始: as given",
}
_STYLE_ALIASES = {"R": "W", "D": "U", "V": "S"}

#: Mean Earth radius (IUGG) used for great-circle distances, in kilometres.
EARTH_RADIUS_KM = 6371.0088


def _sparse() -> Any:
    import scipy.sparse as sp

    return sp


def _style(style: Any) -> str:
    if isinstance(style, str):
        key = style.strip().upper()
        key = _STYLE_ALIASES.get(key, key)
        if key in WEIGHT_STYLES:
            return key
    raise AggloValueError(
        _m.text(
            f"'style' 权重标准化方式必须是 W（行标准化）、B（二值）、C、U、S 或 O 之一；收到 {style!r}。",
            "'style' must be one of W (row-standardised), B (binary), C, U, S, O "
            f"(PySAL's R, D, V are accepted); received {style!r}.",
        )
    )


def _transform(original: Any, style: str) -> Any:
    """The weights ``original`` (CSR, zero diagonal) in ``style`` (PySAL/spdep formulas)."""
    sp = _sparse()
    w = sp.csr_array(original, dtype=float, copy=True)
    n = w.shape[0]
    if style == "O":
        return w
    if style == "B":
        w.data = np.ones_like(w.data)
        return w
    if style == "W":
        rows = np.asarray(w.sum(axis=1)).ravel()
        scale = np.divide(1.0, rows, out=np.zeros(n), where=rows != 0)  # islands stay 0
        return sp.csr_array(sp.diags_array(scale) @ w)
    total = w.data.sum()
    if style == "C":
        w.data *= n / total
        return w
    if style == "U":
        w.data /= total
        return w
    # S: variance-stabilising
    q = np.sqrt(np.asarray(w.multiply(w).sum(axis=1)).ravel())
    scale = np.divide(1.0, q, out=np.zeros(n), where=q != 0)
    v = sp.csr_array(sp.diags_array(scale) @ w)
    v.data *= n / v.data.sum()
    return v


@dataclasses.dataclass(frozen=True, repr=False)
class SpatialWeights(Result):
    """Spatial weights: a sparse ``n × n`` matrix and the style that produced it.

    Attributes
    ----------
    matrix : scipy.sparse.csr_array
        The weights in ``style`` (zero diagonal).
    original : scipy.sparse.csr_array
        The weights as built (binary contiguity, inverse distances ...), before the style.
    style : str
        One of :data:`WEIGHT_STYLES`.
    labels : tuple or None
        Names of the units (rows and columns), if known.
    convention : str
        How the weights were built and standardised.
    """

    matrix: Any
    original: Any
    style: str
    labels: tuple[Any, ...] | None
    convention: str

    @property
    def n(self) -> int:
        """Number of units."""
        return int(self.matrix.shape[0])

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of neighbours of each unit."""
        return np.diff(self.original.indptr)

    @property
    def islands(self) -> list[int]:
        """Positions (from 0) of units without neighbours."""
        return np.flatnonzero(self.cardinalities == 0).tolist()

    @property
    def s0(self) -> float:
        """S0 = Σ_i Σ_j w_ij."""
        return float(self.matrix.data.sum())

    @property
    def s1(self) -> float:
        """S1 = ½ Σ_i Σ_j (w_ij + w_ji)²."""
        t = self.matrix + self.matrix.T
        return float(0.5 * (t.data**2).sum())

    @property
    def s2(self) -> float:
        """S2 = Σ_i (Σ_j w_ij + Σ_j w_ji)²."""
        w = self.matrix
        return float(
            ((np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()) ** 2).sum()
        )

    def to_dense(self) -> np.ndarray:
        """The weights as a dense ``n × n`` array."""
        return self.matrix.toarray()

    def to_frame(self) -> pd.DataFrame:
        """The weights as a labelled ``n × n`` DataFrame."""
        labels = list(self.labels) if self.labels is not None else None
        return pd.DataFrame(self.to_dense(), index=labels, columns=labels)

    def restyle(self, style: str) -> SpatialWeights:
        """The same weights in another style (always from :attr:`original`).

        Examples
        --------
        >>> w = spatial_weights([[0, 1, 1], [1, 0, 0], [1, 0, 0]])
        >>> w.restyle("B").to_dense()[0].tolist()
        [0.0, 1.0, 1.0]
        """
        key = _style(style)
        base = self.convention.split("; style ")[0]
        return SpatialWeights(
            _transform(self.original, key),
            self.original,
            key,
            self.labels,
            f"{base}; style {key}: {WEIGHT_STYLES[key]}",
        )


def _make(original: Any, style: Any, labels: Any, how: str) -> SpatialWeights:
    key = _style(style)
    sp = _sparse()
    original = sp.csr_array(original, dtype=float)
    original.eliminate_zeros()
    original.sort_indices()
    labs = tuple(labels) if labels is not None else None
    return SpatialWeights(
        _transform(original, key), original, key, labs, f"{how}; style {key}: {WEIGHT_STYLES[key]}"
    )


def _from_neighbours(nb: dict[Any, Any]) -> tuple[Any, list[Any]]:
    labels = list(nb)
    pos = {lab: i for i, lab in enumerate(labels)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for lab, neigh in nb.items():  # building the input, not a hot path
        items = neigh.items() if isinstance(neigh, dict) else ((m, 1.0) for m in neigh)
        for m, v in items:
            if m not in pos:
                raise AggloValueError(
                    _m.text(
                        f"邻居列表中 {lab!r} 的邻居 {m!r} 不是列表中的单元；请补上该单元或删去此邻居。",
                        f"The neighbour list gives {m!r} as a neighbour of {lab!r}, but {m!r} "
                        "is not a unit of the list. Add it as a unit or remove it.",
                    )
                )
            if m == lab:
                raise AggloValueError(
                    _m.text(
                        f"邻居列表中 {lab!r} 以自身为邻居；空间权重的对角线必须为 0。",
                        f"{lab!r} lists itself as a neighbour; a unit is not its own "
                        "neighbour (the diagonal of spatial weights is 0).",
                    )
                )
            rows.append(pos[lab])
            cols.append(pos[m])
            vals.append(float(v))
    sp = _sparse()
    n = len(labels)
    mat = sp.csr_array((vals, (rows, cols)), shape=(n, n))
    return mat, labels


def spatial_weights(weights: Any, style: str = "W", labels: Any = None) -> SpatialWeights:
    r"""Spatial weights (空间权重矩阵) from a matrix (an Excel block) or a neighbour list.

    Parameters
    ----------
    weights : array-like (n, n), DataFrame, scipy sparse matrix, dict or SpatialWeights
        A square matrix of non-negative weights with a zero diagonal (binary contiguity
        0/1 or any weights), or a neighbour list ``{unit: [neighbours]}`` (binary) or
        ``{unit: {neighbour: weight}}``.  A :class:`SpatialWeights` is restyled.
    style : {'W', 'B', 'C', 'U', 'S', 'O'}
        Standardisation (:data:`WEIGHT_STYLES`); PySAL's ``R``, ``D``, ``V`` are aliases.
        Default ``W``, the row-standardised weights of most papers.
    labels : sequence, optional
        Names of the units (default: the DataFrame's index or the neighbour list's keys).

    Returns
    -------
    SpatialWeights

    Notes
    -----
    Style formulas (o = the weights as given, n units):

    .. math::

        W: \frac{o_{ij}}{\sum_j o_{ij}},\quad B: 1[o_{ij}\neq 0],\quad
        C: \frac{n\,o_{ij}}{\sum_{ij} o_{ij}},\quad U: \frac{o_{ij}}{\sum_{ij} o_{ij}},\quad
        S: \frac{n\,s_{ij}}{\sum_{ij} s_{ij}},\ s_{ij} = \frac{o_{ij}}{\sqrt{\sum_j o_{ij}^2}}

    (Tiefelsdorf, Griffith and Boots 1999).  As in spdep
    and PySAL, every style is computed from the weights as given, so W of inverse
    distances row-standardises the distances' inverses, and B of them is 0/1.  A unit
    without neighbours (an island) keeps a zero row in every style.

    References
    ----------
    Tiefelsdorf, M., Griffith, D. A. and Boots, B. (1999), "A variance-stabilizing coding
    scheme for spatial link matrices", *Environment and Planning A* 31(1): 165–180.
    Bivand, R. S., Pebesma, E. and Gómez-Rubio, V. (2013), *Applied Spatial Data
    Analysis with R*, 2nd ed., New York: Springer, ch. 9 (spdep's styles W, B, C, U, S).

    See [tiefelsdorf_1999], [bivand_2013] in docs/references.md.

    Examples
    --------
    >>> w = spatial_weights([[0, 1, 1], [1, 0, 0], [1, 0, 0]])
    >>> w.to_dense().tolist()
    [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    >>> spatial_weights({"a": ["b"], "b": ["a", "c"], "c": ["b"]}, style="B").cardinalities.tolist()
    [1, 2, 1]
    """
    if isinstance(weights, SpatialWeights):
        return weights.restyle(style)
    sp = _sparse()
    if isinstance(weights, dict):
        mat, labs = _from_neighbours(weights)
        return _make(mat, style, labels if labels is not None else labs, "neighbour list")
    if isinstance(weights, pd.DataFrame) and labels is None:
        labels = list(weights.index)
    if sp.issparse(weights):
        mat = sp.csr_array(weights, dtype=float)
        data = mat.data
        if not np.all(np.isfinite(data)) or (data < 0).any():
            raise AggloValueError(
                _m.text(
                    "'weights' 空间权重必须是有限的非负数。",
                    "'weights' must be finite and non-negative.",
                )
            )
    else:
        from ._validation import as_matrix

        dense = as_matrix(weights, "weights", allow_nan=False, non_negative=True)
        mat = sp.csr_array(dense)
    n, m = mat.shape
    if n != m:
        raise AggloValueError(
            _m.text(
                f"'weights' 空间权重矩阵必须是方阵（行数 = 列数 = 单元数）；收到 {n} 行 × {m} 列。"
                "请选择 n × n 的区域（不含标签也可）。",
                "'weights' must be square (one row and one "
                f"column per unit); received {n} × {m}. Select the n × n block.",
            )
        )
    diag = mat.diagonal()
    if np.any(diag != 0):
        i = int(np.flatnonzero(diag)[0])
        raise AggloValueError(
            _m.text(
                f"'weights' 对角线必须为 0（单元不是自身的邻居）；第 {i + 1} 行第 {i + 1} 列为 "
                f"{diag[i]:g}。",
                "The diagonal of 'weights' must be 0 (a unit is not its own "
                f"neighbour); row {i + 1}, column {i + 1} holds {diag[i]:g}. Set it to 0.",
            )
        )
    if labels is not None and len(labels) != n:
        raise AggloValueError(
            _m.text(
                f"'labels' 的个数 ({len(labels)}) 与权重矩阵的单元数 ({n}) 不同。",
                f"'labels' has {len(labels)} names for {n} units.",
            )
        )
    return _make(mat, style, labels, "matrix as given")


# --------------------------------------------------------------------------------------
# weights from coordinates
# --------------------------------------------------------------------------------------


def _coords(coords: Any, metric: str) -> tuple[np.ndarray, Any]:
    labels = list(coords.index) if isinstance(coords, pd.DataFrame) else None
    from ._validation import as_matrix

    xy = as_matrix(coords, "coords", allow_nan=False)
    if xy.shape[1] != 2:
        raise AggloValueError(
            _m.text(
                f"'coords' 坐标必须是两列（x, y 或 经度, 纬度）；收到 {xy.shape[1]} 列。",
                "'coords' "
                f"must have two columns (x, y or longitude, latitude); received {xy.shape[1]}.",
            )
        )
    if xy.shape[0] < 2:
        raise AggloValueError(
            _m.text(
                "'coords' 至少需要 2 个单元（行）。",
                "'coords' needs at least 2 units (rows).",
            )
        )
    if metric == "great_circle":
        lon, lat = xy[:, 0], xy[:, 1]
        if np.any(np.abs(lat) > 90) or np.any(np.abs(lon) > 360):
            i = int(np.flatnonzero((np.abs(lat) > 90) | (np.abs(lon) > 360))[0])
            raise AggloValueError(
                _m.text(
                    f"'coords' 第 {i + 1} 行不是有效的经纬度（经度 {lon[i]:g}，纬度 {lat[i]:g}）；"
                    "第一列应为经度，第二列为纬度。",
                    f"'coords' row {i + 1} is not a valid "
                    f"longitude/latitude ({lon[i]:g}, {lat[i]:g}); put longitude first, latitude second.",
                )
            )
    return xy, labels


def _unit_vectors(lonlat: np.ndarray) -> np.ndarray:
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _chord_to_km(chord: np.ndarray) -> np.ndarray:
    """Great-circle distance (km) from the chord length between unit vectors."""
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def _km_to_chord(km: float) -> float:
    return float(2.0 * np.sin(min(km / EARTH_RADIUS_KM, np.pi) / 2.0))


_METRICS = ("euclidean", "great_circle")


def knn_weights(
    coords: Any, k: int = 4, metric: str = "euclidean", style: str = "W"
) -> SpatialWeights:
    r"""k-nearest-neighbour weights (k 近邻权重) from coordinates.

    Parameters
    ----------
    coords : array-like (n, 2)
        x and y (projected, any unit) or longitude and latitude in degrees (with
        ``metric='great_circle'``).
    k : int
        Neighbours per unit (``1 <= k < n``).
    metric : {'euclidean', 'great_circle'}
        Straight-line distance, or the great-circle distance on a sphere of radius
        :data:`EARTH_RADIUS_KM` (for longitude/latitude).
    style : str
        See :func:`spatial_weights`; default ``W``.

    Returns
    -------
    SpatialWeights

    Notes
    -----
    .. math::

        o_{ij} = 1 \text{ if } j \in N_k(i) \text{ (the k units nearest to i), else } 0,
        \qquad d_{gc} = 2R\arcsin\frac{\lVert u_i - u_j\rVert}{2}

    (:math:`u` the unit vectors of the points, R = :data:`EARTH_RADIUS_KM`): the weights
    are not symmetric.  Ties at the k-th distance are broken by the k-d tree's order, as in
    PySAL ``KNN`` (scipy ``cKDTree``).  Great-circle neighbours are found on the chord
    between unit vectors, which orders pairs exactly as the great-circle distance does.

    References
    ----------
    Anselin, L. and Rey, S. J. (2014), *Modern Spatial Econometrics in Practice*,
    Chicago: GeoDa Press, ch. 3 (distance-based weights).  Moritz, H. (2000), "Geodetic
    Reference System 1980", *Journal of Geodesy* 74(1): 128–133 (mean Earth radius).

    See [anselin_rey_2014], [moritz_2000] in docs/references.md.

    Examples
    --------
    >>> w = knn_weights([[0, 0], [1, 0], [3, 0], [7, 0]], k=1, style="B")
    >>> w.to_dense().astype(int).tolist()
    [[0, 1, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]
    """
    from scipy.spatial import cKDTree

    metric = as_option(metric, "metric", _METRICS)
    xy, labels = _coords(coords, metric)
    n = xy.shape[0]
    k = as_positive_int(k, "k")
    if k >= n:
        raise AggloValueError(
            _m.text(
                f"'k' 必须小于单元数 {n}；收到 {k}。",
                f"'k' must be smaller than the number of units ({n}); received {k}.",
            )
        )
    pts = _unit_vectors(xy) if metric == "great_circle" else xy
    _, idx = cKDTree(pts).query(pts, k=k + 1)
    # drop each unit itself (first hit; for duplicate points drop i wherever it appears)
    own = idx == np.arange(n)[:, None]
    first_other = np.where(own.any(axis=1)[:, None], ~own, np.arange(k + 1)[None, :] < k)
    cols = idx[first_other].reshape(n, k)
    sp = _sparse()
    mat = sp.csr_array((np.ones(n * k), (np.repeat(np.arange(n), k), cols.ravel())), shape=(n, n))
    return _make(mat, style, labels, f"{k} nearest neighbours, {metric} distance")


def _pairs_within(pts: np.ndarray, radius: float) -> Any:
    from scipy.spatial import cKDTree

    tree = cKDTree(pts)
    d = tree.sparse_distance_matrix(tree, radius, output_type="coo_matrix")
    sp = _sparse()
    d = sp.csr_array(d)
    d.setdiag(0)
    d.eliminate_zeros()
    return d


def distance_band_weights(
    coords: Any,
    threshold: float,
    metric: str = "euclidean",
    binary: bool = True,
    power: float = 1.0,
    style: str = "W",
) -> SpatialWeights:
    r"""Distance-band weights (距离阈值权重): neighbours within ``threshold``.

    Parameters
    ----------
    coords : array-like (n, 2)
        As in :func:`knn_weights`.
    threshold : float
        Largest distance of a neighbour (inclusive), in the unit of the coordinates or,
        with ``metric='great_circle'``, in kilometres.
    metric : {'euclidean', 'great_circle'}
    binary : bool
        True: :math:`w_{ij}=1` for :math:`0 < d_{ij} \le d`; False: :math:`d_{ij}^{-power}`.
    power : float
        Exponent of the inverse distance when ``binary`` is False.
    style : str
        See :func:`spatial_weights`.

    Returns
    -------
    SpatialWeights

    Notes
    -----
    .. math::

        o_{ij} = \begin{cases} 1 \text{ or } d_{ij}^{-power} & 0 < d_{ij} \le d \\
        0 & \text{otherwise} \end{cases}

    PySAL ``DistanceBand(threshold, binary, alpha=-power)`` computes the same weights
    (Euclidean).  Coincident points (distance 0) are not neighbours.

    References
    ----------
    Anselin, L. and Rey, S. J. (2014), *Modern Spatial Econometrics in Practice*,
    Chicago: GeoDa Press, ch. 3.

    See [anselin_rey_2014] in docs/references.md.

    Examples
    --------
    >>> distance_band_weights([[0, 0], [1, 0], [3, 0]], 2, style="B").cardinalities.tolist()
    [1, 2, 1]
    """
    metric = as_option(metric, "metric", _METRICS)
    xy, labels = _coords(coords, metric)
    threshold = float(threshold)
    if not np.isfinite(threshold) or threshold <= 0:
        raise AggloValueError(
            _m.text(
                f"'threshold' 距离阈值必须是正数；收到 {threshold!r}。",
                f"'threshold' must be a positive distance; received {threshold!r}.",
            )
        )
    if metric == "great_circle":
        d = _pairs_within(_unit_vectors(xy), _km_to_chord(threshold))
        d.data = _chord_to_km(d.data)
        unit = "km (great circle)"
    else:
        d = _pairs_within(xy, threshold)
        unit = "Euclidean"
    if binary:
        d.data = np.ones_like(d.data)
        how = f"distance band d <= {threshold:g} {unit}, binary"
    else:
        d.data = d.data ** (-float(power))
        how = f"distance band d <= {threshold:g} {unit}, weights d^-{float(power):g}"
    return _make(d, style, labels, how)


def inverse_distance_weights(
    coords: Any,
    power: float = 1.0,
    threshold: float | None = None,
    metric: str = "euclidean",
    style: str = "W",
) -> SpatialWeights:
    r"""Inverse-distance weights (反距离权重) :math:`w_{ij} = d_{ij}^{-power}`.

    Parameters
    ----------
    coords : array-like (n, 2)
        As in :func:`knn_weights`.
    power : float
        1 (inverse distance) or 2 (inverse squared distance, the gravity form).
    threshold : float, optional
        Keep only pairs within this distance (see :func:`distance_band_weights`);
        default all pairs (a dense matrix: fine for a few thousand units).
    metric : {'euclidean', 'great_circle'}
        Great-circle distances are in kilometres.
    style : str
        See :func:`spatial_weights`; default ``W`` (row-standardised inverse distances).

    Returns
    -------
    SpatialWeights

    Notes
    -----
    .. math::

        o_{ij} = d_{ij}^{-power}\ (i \neq j), \qquad o_{ii} = 0

    Coincident points are refused (the inverse distance is infinite).

    References
    ----------
    Anselin, L. and Rey, S. J. (2014), *Modern Spatial Econometrics in Practice*,
    Chicago: GeoDa Press, ch. 3.

    See [anselin_rey_2014] in docs/references.md.

    Examples
    --------
    >>> w = inverse_distance_weights([[0, 0], [1, 0], [3, 0]], style="O")
    >>> w.to_dense()[0].round(3).tolist()
    [0.0, 1.0, 0.333]
    """
    if threshold is not None:
        return distance_band_weights(coords, threshold, metric, False, power, style)
    metric = as_option(metric, "metric", _METRICS)
    xy, labels = _coords(coords, metric)
    from scipy.spatial.distance import pdist, squareform

    if metric == "great_circle":
        d = squareform(_chord_to_km(pdist(_unit_vectors(xy))))
        unit = "km (great circle)"
    else:
        d = squareform(pdist(xy))
        unit = "Euclidean"
    off = ~np.eye(len(xy), dtype=bool)
    if np.any(d[off] == 0):
        i, j = np.argwhere((d == 0) & off)[0]
        raise AggloValueError(
            _m.text(
                f"'coords' 第 {i + 1} 行与第 {j + 1} 行坐标相同，反距离无定义。请合并或微调这两个单元。",
                f"'coords' rows {i + 1} and {j + 1} coincide, so the inverse distance is "
                "undefined. Merge the two units or use a distance band.",
            )
        )
    with np.errstate(divide="ignore"):
        w = np.where(off, d ** (-float(power)), 0.0)
    return _make(w, style, labels, f"inverse distance d^-{float(power):g}, {unit}")


# --------------------------------------------------------------------------------------
# China's provinces
# --------------------------------------------------------------------------------------

_HAINAN = ("guangdong", "guangdong_guangxi", "isolated")


def china_province_weights(hainan: str = "guangdong", style: str = "W") -> SpatialWeights:
    r"""Contiguity weights (邻接矩阵) of China's 31 mainland provinces, NBS order.

    Two provinces are neighbours when they share a land border.  Hong Kong, Macao and Taiwan are not
    included, as in NBS provincial tables.  68 land borders; 内蒙古 and 陕西 have 8
    neighbours each, 北京, 天津, 上海 and 黑龙江 2.

    Parameters
    ----------
    hainan : {'guangdong', 'guangdong_guangxi', 'isolated'}
        Hainan (海南) is an island.  ``'guangdong'`` (default, the most common choice in
        Chinese papers) links it to Guangdong across the Qiongzhou Strait;
        ``'guangdong_guangxi'`` links it to Guangdong and Guangxi (both face it across the
        sea); ``'isolated'`` leaves it without neighbours (its row of W is then 0 and its
        spatial lag 0, which PySAL and GeoDa report as an island).
    style : str
        See :func:`spatial_weights`; default ``W``.

    Returns
    -------
    SpatialWeights
        Labelled with the provinces' short names (北京, 天津, 河北 …) in NBS order.

    Notes
    -----
    .. math::

        o_{ij} = 1 \text{ if provinces i and j share a land border, else } 0

    The borders are listed in ``agglo/data/china_province_borders.csv`` (one line per
    pair); sources and checks in ``agglo/data/SOURCES.md``.

    References
    ----------
    Ministry of Civil Affairs of the PRC, *中华人民共和国行政区划简册* (administrative
    divisions, annual); Ministry of Natural Resources, standard map service 标准地图服务
    (provincial boundaries).

    See [mca_divisions] in docs/references.md.

    Examples
    --------
    >>> w = china_province_weights()
    >>> w.n, int(w.original.sum()) // 2, dict(zip(w.labels, w.cardinalities.tolist()))["内蒙古"]
    (31, 69, 8)
    >>> china_province_weights("isolated").islands
    [20]
    """
    hainan = as_option(hainan, "hainan", _HAINAN)
    prov = china_provinces()["province"].tolist()
    with resources.files("agglo.data").joinpath("china_province_borders.csv").open("rb") as fh:
        edges = pd.read_csv(fh, encoding="utf-8")
    pairs = list(zip(edges["province_a"], edges["province_b"], strict=True))
    if hainan in ("guangdong", "guangdong_guangxi"):
        pairs.append(("海南", "广东"))
    if hainan == "guangdong_guangxi":
        pairs.append(("海南", "广西"))
    pos = {p: i for i, p in enumerate(prov)}
    a = np.array([pos[p] for p, _ in pairs])
    b = np.array([pos[q] for _, q in pairs])
    sp = _sparse()
    n = len(prov)
    mat = sp.csr_array(
        (np.ones(2 * len(a)), (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n)
    )
    return _make(mat, style, prov, f"provincial land contiguity, Hainan: {hainan}")


# --------------------------------------------------------------------------------------
# Moran's I, Geary's C, LISA
# --------------------------------------------------------------------------------------


def _weights_and_values(
    values: Any, weights: Any, style: str | None
) -> tuple[np.ndarray, SpatialWeights]:
    if style is None and isinstance(weights, SpatialWeights):
        w = weights
    else:
        w = spatial_weights(weights, style="W" if style is None else style)
    if isinstance(values, pd.Series) and w.labels is not None:
        idx = values.index
        labs = pd.Index(w.labels)
        if not idx.equals(labs) and set(idx) == set(labs) and idx.is_unique and labs.is_unique:
            values = values.reindex(labs)
        elif not idx.equals(labs) and not isinstance(idx, pd.RangeIndex):
            extra = [v for v in idx if v not in set(labs)][:3]
            raise AggloValueError(
                _m.text(
                    f"'values' 的标签与空间权重的单元不一致（不在权重中：{extra}）；请使用同一组区域。",
                    "The labels of 'values' do not match the units of the weights (not in "
                    f"the weights: {extra}). Use the same regions, or pass a plain list.",
                )
            )
    y = as_vector(values, "values", allow_nan=False)
    if y.size != w.n:
        raise AggloValueError(
            _m.text(
                f"'values' 有 {y.size} 个值，但空间权重有 {w.n} 个单元；两者必须一一对应。",
                f"'values' has {y.size} values but the weights have {w.n} units; give one "
                "value per unit, in the order of the weights.",
            )
        )
    if y.size < 4:
        raise AggloValueError(
            _m.text(
                f"'values' 至少需要 4 个单元（方差公式含 n−3）；收到 {y.size}。",
                "'values' needs at "
                f"least 4 units (the variances divide by n − 3); received {y.size}.",
            )
        )
    if np.ptp(y) == 0:
        raise AggloValueError(
            _m.text(
                "'values' 所有值相同，空间自相关无定义。",
                "All 'values' are equal, so spatial autocorrelation is undefined.",
            )
        )
    if w.s0 == 0:
        raise AggloValueError(
            _m.text(
                "空间权重全为 0（没有任何邻居）。",
                "The weights are all zero (no unit has a neighbour).",
            )
        )
    return y, w


def _pseudo_p(sim: np.ndarray, observed: Any, permutations: int) -> Any:
    """esda/GeoDa folded pseudo p-value: (min(#≥obs, #<obs) + 1)/(permutations + 1)."""
    larger = (sim >= observed).sum(axis=0)
    larger = np.minimum(larger, permutations - larger)
    return (larger + 1.0) / (permutations + 1.0)


def _two_sided(z: Any) -> Any:
    from scipy import stats

    return 2.0 * stats.norm.sf(np.abs(z))


def _shuffled(y: np.ndarray, permutations: int, rng: np.random.Generator) -> np.ndarray:
    """``permutations`` random permutations of ``y`` as rows (one C-level shuffle each)."""
    return rng.permuted(np.broadcast_to(y, (permutations, y.size)), axis=1)


@dataclasses.dataclass(frozen=True, repr=False)
class MoranResult(Result):
    """Global Moran's I with its moments and p-values (see :func:`moran`)."""

    I: float  # noqa: E741 (the statistic's name)
    expected: float
    variance_normal: float
    variance_random: float
    z_normal: float
    z_random: float
    p_normal: float
    p_random: float
    permutations: int
    p_permutation: float
    z_permutation: float
    n: int
    style: str
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """The statistics as a two-column table (statistic, value)."""
        items = [(k, v) for k, v in self.to_dict().items() if k not in ("style", "convention")]
        return pd.DataFrame(items, columns=["statistic", "value"]).set_index("statistic")


@dataclasses.dataclass(frozen=True, repr=False)
class GearyResult(Result):
    """Geary's C with its moments and p-values (see :func:`geary`)."""

    C: float
    expected: float
    variance_normal: float
    variance_random: float
    z_normal: float
    z_random: float
    p_normal: float
    p_random: float
    permutations: int
    p_permutation: float
    n: int
    style: str
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """The statistics as a two-column table (statistic, value)."""
        items = [(k, v) for k, v in self.to_dict().items() if k not in ("style", "convention")]
        return pd.DataFrame(items, columns=["statistic", "value"]).set_index("statistic")


_PERM_NOTE = "pseudo p = (min(#sim >= obs, #sim < obs) + 1)/(permutations + 1) (esda/GeoDa, folded)"


def moran(
    values: Any,
    weights: Any,
    style: str | None = None,
    permutations: int = 999,
    rng: Any = None,
) -> MoranResult:
    r"""Global Moran's I (全局莫兰指数) with inference under normality, randomisation and permutation.

    Parameters
    ----------
    values : array-like (n,)
        One value per unit, in the order of the weights (a Series is matched to labelled
        weights by label).
    weights : SpatialWeights, matrix (n, n) or neighbour list
        See :func:`spatial_weights`.
    style : str, optional
        Standardisation applied to the weights (:data:`WEIGHT_STYLES`).  Default: the
        style of a :class:`SpatialWeights` as built, and ``W`` for a matrix or list.
    permutations : int
        Random permutations for the pseudo p-value (0 to skip).
    rng : None, int or numpy Generator
        Seed of the permutations (the global NumPy state is never used).

    Returns
    -------
    MoranResult
        ``I``, ``expected`` (:math:`E[I] = -1/(n-1)`), ``variance_normal``,
        ``variance_random``, ``z_normal``, ``z_random``, two-sided ``p_normal`` and
        ``p_random``, ``p_permutation`` and ``z_permutation`` (NaN without permutations).

    Notes
    -----
    With :math:`z_i = y_i - \bar y`, :math:`S_0=\sum_{ij} w_{ij}`,
    :math:`S_1=\tfrac12\sum_{ij}(w_{ij}+w_{ji})^2`, :math:`S_2=\sum_i(w_{i\cdot}+w_{\cdot i})^2`:

    .. math::

        I = \frac{n}{S_0}\frac{\sum_{ij} w_{ij} z_i z_j}{\sum_i z_i^2},\qquad
        V_N = \frac{n^2 S_1 - n S_2 + 3 S_0^2}{(n^2-1) S_0^2} - E[I]^2,

    .. math::

        V_R = \frac{n[(n^2-3n+3)S_1 - nS_2 + 3S_0^2] - b_2[(n^2-n)S_1 - 2nS_2 + 6S_0^2]}
        {(n-1)(n-2)(n-3)S_0^2} - E[I]^2,

    :math:`b_2 = n\sum z_i^4/(\sum z_i^2)^2` (kurtosis).  Conventions: as PySAL ``esda.Moran`` (two-tailed normal p-values,
    folded pseudo p), which the tests match to 1e-10; R ``spdep::moran.test`` reports
    one-sided p-values (``alternative='greater'``) and Stata ``spatgsa`` one- and
    two-sided.  The permutation p-value is one-sided towards the observed tail:
    (min(#{I_sim >= I}, #{I_sim < I}) + 1)/(permutations + 1).

    References
    ----------
    Moran, P. A. P. (1950), "Notes on continuous stochastic phenomena", *Biometrika*
    37(1/2): 17–23.  Cliff, A. D. and Ord, J. K. (1981), *Spatial Processes: Models and
    Applications*, London: Pion, ch. 1–2.  Rey, S. J. and Anselin, L. (2007), "PySAL: A
    Python library of spatial analytical methods", *The Review of Regional Studies*
    37(1): 5–27.

    See [moran_1950], [cliff_ord_1981], [rey_anselin_2007] in docs/references.md.

    Examples
    --------
    >>> w = china_province_weights()
    >>> y = np.arange(31.0) % 7
    >>> r = moran(y, w, permutations=0)
    >>> round(r.I, 4), round(r.expected, 4)
    (0.0859, -0.0333)
    """
    y, w = _weights_and_values(values, weights, style)
    style = w.style
    permutations = as_positive_int(permutations, "permutations", minimum=0)
    n = y.size
    z = y - y.mean()
    m = w.matrix
    zz = float(z @ z)
    s0, s1, s2 = w.s0, w.s1, w.s2
    value = n / s0 * float(z @ (m @ z)) / zz
    ei = -1.0 / (n - 1)
    vn = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - ei * ei
    b2 = n * float((z**4).sum()) / zz**2
    a = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0)
    b = b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    vr = (a - b) / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - ei * ei
    zn = (value - ei) / np.sqrt(vn) if vn > 0 else np.nan
    zr = (value - ei) / np.sqrt(vr) if vr > 0 else np.nan
    p_perm = z_perm = np.nan
    if permutations:
        gen = as_rng(rng)
        zs = _shuffled(z, permutations, gen)  # (perm, n)
        lag = (m @ zs.T).T
        sim = n / s0 * np.einsum("ij,ij->i", zs, lag) / zz
        p_perm = float(_pseudo_p(sim, value, permutations))
        sd = sim.std()
        z_perm = float((value - sim.mean()) / sd) if sd > 0 else np.nan
    return MoranResult(
        float(value),
        ei,
        float(vn),
        float(vr),
        float(zn),
        float(zr),
        float(_two_sided(zn)),
        float(_two_sided(zr)),
        permutations,
        p_perm,
        z_perm,
        n,
        style,
        f"Cliff–Ord moments; two-sided normal p; {_PERM_NOTE}; weights: {w.convention}",
    )


def geary(
    values: Any,
    weights: Any,
    style: str | None = None,
    permutations: int = 999,
    rng: Any = None,
) -> GearyResult:
    r"""Geary's C (吉尔里指数) with inference under normality, randomisation and permutation.

    Parameters
    ----------
    values, weights, style, permutations, rng
        As in :func:`moran`.

    Returns
    -------
    GearyResult
        ``C`` (< 1 positive, > 1 negative autocorrelation), ``expected`` = 1, the
        variances, z-scores, two-sided normal p-values and the pseudo p-value.

    Notes
    -----
    .. math::

        C = \frac{(n-1)\sum_{ij} w_{ij}(y_i-y_j)^2}{2 S_0 \sum_i z_i^2},\qquad
        V_N = \frac{(2S_1+S_2)(n-1) - 4S_0^2}{2(n+1)S_0^2},

    and :math:`V_R` of Cliff and Ord (1981, eq. 1.39), with :math:`b_2` as in
    :func:`moran`.  Convention: the moments of PySAL ``esda.Geary``; esda reports
    one-sided normal p-values, here they are two-sided (twice esda's).

    References
    ----------
    Geary, R. C. (1954), "The contiguity ratio and statistical mapping", *The
    Incorporated Statistician* 5(3): 115–145.  Cliff, A. D. and Ord, J. K. (1981),
    *Spatial Processes: Models and Applications*, London: Pion, ch. 1.

    See [geary_1954], [cliff_ord_1981] in docs/references.md.

    Examples
    --------
    >>> r = geary(np.arange(31.0) % 7, china_province_weights(), permutations=0)
    >>> round(r.C, 4)
    0.8219
    """
    y, w = _weights_and_values(values, weights, style)
    style = w.style
    permutations = as_positive_int(permutations, "permutations", minimum=0)
    n = y.size
    z = y - y.mean()
    zz = float(z @ z)
    s0, s1, s2 = w.s0, w.s1, w.s2
    m = w.matrix.tocoo()
    i, j, wij = m.row, m.col, m.data

    def calc(v: np.ndarray) -> Any:
        return (n - 1) * (wij * (v[..., i] - v[..., j]) ** 2).sum(axis=-1) / (2.0 * s0 * zz)

    value = float(calc(y))
    k = n * float((z**4).sum()) / zz**2
    n2 = n * n
    a = (n - 1) * s1 * (n2 - 3 * n + 3 - (n - 1) * k)
    b = 0.25 * ((n - 1) * s2 * (n2 + 3 * n - 6 - (n2 - n + 2) * k))
    c = s0 * s0 * (n2 - 3 - (n - 1) ** 2 * k)
    vr = (a - b + c) / (n * (n - 2) * (n - 3) * s0 * s0)
    vn = ((2 * s1 + s2) * (n - 1) - 4 * s0 * s0) / (2 * (n + 1) * s0 * s0)
    zn = (value - 1.0) / np.sqrt(vn) if vn > 0 else np.nan
    zr = (value - 1.0) / np.sqrt(vr) if vr > 0 else np.nan
    p_perm = np.nan
    if permutations:
        # Σ w_ij (y_i − y_j)² = Σ_i y_i² (w_i· + w_·i) − 2 yᵀWy: one sparse product per
        # batch of permutations instead of a pass over every pair
        mat = w.matrix
        both = np.asarray(mat.sum(axis=1)).ravel() + np.asarray(mat.sum(axis=0)).ravel()
        zs = _shuffled(z, permutations, as_rng(rng))
        quad = np.einsum("ij,ij->i", zs, (mat @ zs.T).T)
        sims = [(n - 1) * ((zs**2) @ both - 2.0 * quad) / (2.0 * s0 * zz)]
        p_perm = float(_pseudo_p(np.concatenate(sims), value, permutations))
    return GearyResult(
        value,
        1.0,
        float(vn),
        float(vr),
        float(zn),
        float(zr),
        float(_two_sided(zn)),
        float(_two_sided(zr)),
        permutations,
        p_perm,
        n,
        style,
        f"Cliff–Ord moments (as esda.Geary); two-sided normal p; {_PERM_NOTE}; "
        f"weights: {w.convention}",
    )


@dataclasses.dataclass(frozen=True, repr=False)
class LocalMoranResult(Result):
    """Local Moran's I (LISA) per unit (see :func:`local_moran`)."""

    I: np.ndarray  # noqa: E741
    expected: np.ndarray
    variance: np.ndarray
    z: np.ndarray
    p: np.ndarray
    p_permutation: np.ndarray
    quadrant: np.ndarray
    standardized: np.ndarray
    lag: np.ndarray
    labels: tuple[Any, ...] | None
    permutations: int
    style: str
    convention: str

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: I, E[I], variance, z, p, pseudo p, quadrant, z-value, lag."""
        cols = ("I", "expected", "variance", "z", "p", "p_permutation", "quadrant")
        df = pd.DataFrame({c: getattr(self, c) for c in cols})
        df["standardized"] = self.standardized
        df["lag"] = self.lag
        if self.labels is not None:
            df.index = list(self.labels)
        return df


def local_moran(
    values: Any,
    weights: Any,
    style: str | None = None,
    permutations: int = 999,
    rng: Any = None,
) -> LocalMoranResult:
    r"""Local Moran's I (LISA, 局部莫兰指数) of every unit, with its quadrant (HH/LH/LL/HL).

    Parameters
    ----------
    values, weights, style, permutations, rng
        As in :func:`moran`.

    Returns
    -------
    LocalMoranResult
        Per unit: ``I``, ``expected``, ``variance`` (randomisation), ``z``, two-sided
        normal ``p``, conditional-permutation ``p_permutation``, ``quadrant``
        (``'HH'`` high value among high neighbours, ``'LH'``, ``'LL'``, ``'HL'``),
        ``standardized`` value :math:`z_i` and its spatial ``lag`` :math:`\sum_j w_{ij}z_j`
        (the two axes of the Moran scatter plot).

    Notes
    -----
    With :math:`z_i=(y_i-\bar y)/s` (population sd, as esda),
    :math:`I_i = (n-1)\,z_i\sum_j w_{ij}z_j/\sum_k z_k^2`,
    :math:`E[I_i] = -w_{i\cdot}/(n-1)` and

    .. math::

        V[I_i] = w_{i(2)}\frac{n-b_2}{n-1}
        + (w_{i\cdot}^2 - w_{i(2)})\frac{2b_2-n}{(n-1)(n-2)} - E[I_i]^2,

    :math:`w_{i(2)}=\sum_j w_{ij}^2`.  Convention:
    esda ``Moran_Local`` (its ``Is``, ``EI``, ``VI``; quadrants 1 HH, 2 LH, 3 LL, 4 HL,
    a value exactly at the mean counts as low).  The permutation test is conditional:
    unit i keeps its value and its neighbours' values are drawn from the other n − 1;
    one draw of positions serves all units in a permutation, as in esda.  p-values are
    not adjusted for multiple testing (esda does not adjust them; GeoDa offers Bonferroni and
    FDR bounds as options of its significance map).

    References
    ----------
    Anselin, L. (1995), "Local indicators of spatial association — LISA",
    *Geographical Analysis* 27(2): 93–115.

    See [anselin_1995] in docs/references.md.

    Examples
    --------
    >>> r = local_moran(np.arange(31.0) % 7, china_province_weights(), permutations=0)
    >>> r.quadrant[:3].tolist(), round(float(r.I[0]), 4)
    (['LL', 'LL', 'LL'], 0.8811)
    """
    y, w = _weights_and_values(values, weights, style)
    style = w.style
    permutations = as_positive_int(permutations, "permutations", minimum=0)
    n = y.size
    z = (y - y.mean()) / y.std()
    m = w.matrix
    den = float(z @ z)
    lag = m @ z
    local = (n - 1) * z * lag / den
    wi = np.asarray(m.sum(axis=1)).ravel()
    wi2 = np.asarray(m.multiply(m).sum(axis=1)).ravel()
    b2 = float((z**4).sum() / n) / (den / n) ** 2
    ei = -wi / (n - 1)
    var = wi2 * (n - b2) / (n - 1) + (wi**2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2)) - ei**2
    with np.errstate(divide="ignore", invalid="ignore"):
        zs = np.where(var > 0, (local - ei) / np.sqrt(np.where(var > 0, var, 1.0)), np.nan)
    high, lag_high = z > 0, lag > 0
    quadrant = np.where(high, np.where(lag_high, "HH", "HL"), np.where(lag_high, "LH", "LL"))
    quadrant = quadrant.astype(object)
    p_perm = np.full(n, np.nan)
    if permutations:
        p_perm = _lisa_permutations(z, m, local, den, permutations, as_rng(rng))
        p_perm[wi == 0] = np.nan  # an island has no neighbours to permute
    return LocalMoranResult(
        local,
        ei,
        var,
        zs,
        _two_sided(zs),
        p_perm,
        quadrant,
        z,
        lag,
        w.labels,
        permutations,
        style,
        f"Anselin (1995) LISA with esda's moments; two-sided normal p; conditional "
        f"permutation {_PERM_NOTE}; weights: {w.convention}",
    )


def _lisa_permutations(
    z: np.ndarray, m: Any, local: np.ndarray, den: float, permutations: int, gen: Any
) -> np.ndarray:
    """Conditional-permutation pseudo p-values of the LISA, vectorised over units."""
    n = z.size
    card = np.diff(m.indptr)
    kmax = int(card.max())
    # neighbour weights padded to kmax per unit (the order within a row does not matter:
    # the draws are exchangeable)
    slot = np.arange(m.nnz) - np.repeat(m.indptr[:-1], card)
    wpad = np.zeros((n, kmax))
    wpad[np.repeat(np.arange(n), card), slot] = m.data
    scale = (n - 1) * z / den
    larger = np.zeros(n)
    base = np.arange(n - 1)
    chunk = max(1, min(100, 4_000_000 // (n * kmax)))  # ~4 million gathered values at a time
    for start in range(0, permutations, chunk):
        size = min(chunk, permutations - start)
        ids = gen.permuted(np.broadcast_to(base, (size, n - 1)), axis=1)[:, :kmax]  # (p, k)
        # position among the n - 1 others → unit index, skipping i itself
        units = ids[:, None, :] + (ids[:, None, :] >= np.arange(n)[None, :, None])  # (p, n, k)
        lagsim = np.einsum("pik,ik->pi", z[units], wpad)
        sim = scale[None, :] * lagsim
        larger += (sim >= local[None, :]).sum(axis=0)
    larger = np.minimum(larger, permutations - larger)
    return (larger + 1.0) / (permutations + 1.0)
