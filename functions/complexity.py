r"""Economic complexity, proximity and relatedness density (经济复杂度, 产业邻近度, 关联密度).

All three start from the binary presence matrix of regions (rows) × industries or
products (columns): :math:`M_{rp} = 1` when the region's revealed comparative advantage
(Balassa RCA = the location quotient, :func:`agglo.location_quotient`) reaches the
threshold (default 1).

* :func:`economic_complexity` — ECI of regions and PCI of industries by the method of
  reflections or the eigenvector method (Hidalgo and Hausmann 2009), or the fitness and
  complexity of Tacchella et al. (2012); with diversity and ubiquity.
* :func:`proximity` — the co-occurrence proximity of industries (Hidalgo et al. 2007).
* :func:`relatedness_density` — the density of each region around each industry.

Peers disagree on signs, scales and diagonals, so each is an explicit argument:
``ecomplexity`` (Harvard Growth Lab, Python and Stata) standardises the PCI with the
ECI's mean and standard deviation and keeps a proximity of 1 on the diagonal; the
``economic-complexity`` Python package (OEC/Datawheel) standardises each by itself with
the sample standard deviation, does not fix the sign and sets the diagonal to 0.  No
peer is a runtime dependency (ecomplexity needs scikit-learn); the tests use both as
oracles.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._results import Result
from ._validation import AggloValueError, as_matrix, as_option, as_positive_int, labels_of

__all__ = [
    "ComplexityResult",
    "economic_complexity",
    "proximity",
    "relatedness_density",
]

_KINDS = ("values", "rca", "binary")


def _presence(matrix: Any, kind: str, threshold: float) -> tuple[np.ndarray, np.ndarray | None]:
    """The binary matrix M (and the RCA it came from, if any)."""
    kind = as_option(kind, "kind", _KINDS)
    if kind == "values":
        from .location import location_quotient

        data = as_matrix(matrix, "matrix", non_negative=True)
        rca = np.asarray(location_quotient(data, threshold=threshold, total_rows="warn"))
    elif kind == "rca":
        rca = as_matrix(matrix, "matrix", non_negative=True)
    else:
        m = as_matrix(matrix, "matrix", allow_nan=False)
        if not np.isin(m, (0.0, 1.0)).all():
            bad = np.argwhere(~np.isin(m, (0.0, 1.0)))[0]
            raise AggloValueError(
                _m.text(
                    f"kind='binary' 时 'matrix' 只能含 0 和 1；第 {bad[0] + 1} 行第 {bad[1] + 1} 列为 "
                    f"{m[tuple(bad)]:g}。",
                    "With kind='binary', 'matrix' must hold only 0 and 1; "
                    f"row {bad[0] + 1}, column {bad[1] + 1} holds {m[tuple(bad)]:g}.",
                )
            )
        return m, None
    with np.errstate(invalid="ignore"):
        # cells within a relative 1e-12 below the threshold count as reaching it, as
        # location_quotient(form='binary'); NaN (0/0) is absent, as ecomplexity's Mcp
        m = (rca >= threshold * (1 - 1e-12)).astype(float)
    return m, rca


def _labels(matrix: Any) -> tuple[Any, Any]:
    labs = labels_of(matrix)
    if labs is None:
        return None, None
    return list(labs[0]), (list(labs[1]) if labs[1] is not None else None)


@dataclasses.dataclass(frozen=True, repr=False)
class ComplexityResult(Result):
    """Economic complexity of regions and industries (see :func:`economic_complexity`).

    Attributes
    ----------
    eci, pci : ndarray or None
        Economic complexity index of each region and product (industry) complexity
        index of each industry (reflections and eigenvector methods); NaN where the
        region has no industry with RCA ≥ threshold or the industry no region.
    fitness, complexity : ndarray or None
        Fitness of each region and complexity of each industry (fitness method), each
        normalised to mean 1.
    diversity : ndarray
        :math:`k_{r,0} = \\sum_p M_{rp}`, number of industries with RCA ≥ threshold.
    ubiquity : ndarray
        :math:`k_{p,0} = \\sum_r M_{rp}`, number of regions with RCA ≥ threshold.
    presence : ndarray
        The binary matrix M.
    rca : ndarray or None
        The RCA (location quotients) M came from.
    method : str
    region_labels, industry_labels : list or None
    convention : str
    """

    eci: np.ndarray | None
    pci: np.ndarray | None
    fitness: np.ndarray | None
    complexity: np.ndarray | None
    diversity: np.ndarray
    ubiquity: np.ndarray
    presence: np.ndarray
    rca: np.ndarray | None
    method: str
    region_labels: list[Any] | None
    industry_labels: list[Any] | None
    convention: str

    def regions(self) -> pd.DataFrame:
        """One row per region: diversity and ECI (or fitness)."""
        col, val = ("ECI", self.eci) if self.eci is not None else ("fitness", self.fitness)
        return pd.DataFrame({"diversity": self.diversity, col: val}, index=self.region_labels)

    def industries(self) -> pd.DataFrame:
        """One row per industry: ubiquity and PCI (or complexity)."""
        col, val = ("PCI", self.pci) if self.pci is not None else ("complexity", self.complexity)
        return pd.DataFrame({"ubiquity": self.ubiquity, col: val}, index=self.industry_labels)

    def to_frame(self) -> pd.DataFrame:
        """The per-region table (:meth:`regions`)."""
        return self.regions()


_METHODS = ("reflections", "eigenvector", "fitness")
_CONVENTIONS = ("hidalgo", "ecomplexity")


def _second_eigenvector(m: np.ndarray, kr: np.ndarray, kp: np.ndarray) -> np.ndarray:
    """Unit eigenvector of M̃_pp = D_p⁻¹ Mᵀ D_r⁻¹ M for its second largest eigenvalue.

    Computed from the symmetric similar matrix D_p^-½ Mᵀ D_r⁻¹ M D_p^-½ (scipy ``eigh``:
    real, sorted eigenvalues), then mapped back and scaled to unit length as
    ``numpy.linalg.eig`` returns it (ecomplexity's normalisation).
    """
    from scipy.linalg import eigh

    a = m / np.sqrt(kp)[None, :]
    s = a.T @ (a / kr[:, None])
    vals, vecs = eigh(s)
    if vals.size < 2 or vals[-1] - vals[-2] < 1e-10:
        raise AggloValueError(
            _m.text(
                "'matrix' 的地区–产业网络不连通（有两组地区与产业互不重叠），第二特征值等于 1，ECI 无定义。请分组计算。",
                "The region–industry network of 'matrix' is disconnected (two groups of regions and "
                "industries share nothing), so the second eigenvalue is 1 and the ECI is not "
                "identified. Compute each group separately.",
            )
        )
    v = vecs[:, -2] / np.sqrt(kp)
    return v / np.linalg.norm(v)


def economic_complexity(
    matrix: Any,
    method: str = "reflections",
    kind: str = "values",
    threshold: float = 1.0,
    iterations: int | None = None,
    convention: str = "hidalgo",
) -> ComplexityResult:
    r"""Economic complexity (经济复杂度): ECI and PCI, or fitness and complexity.

    Parameters
    ----------
    matrix : array-like (n regions, k industries)
        Exports, employment, value added … (``kind='values'``), an RCA matrix
        (``'rca'``) or the binary matrix M (``'binary'``).
    method : {'reflections', 'eigenvector', 'fitness'}
        Method of reflections (Hidalgo and Hausmann 2009), its eigenvector limit, or the
        fitness–complexity algorithm (Tacchella et al. 2012).
    kind : {'values', 'rca', 'binary'}
        What ``matrix`` holds; values are turned into RCA = LQ with the block's totals
        (:func:`agglo.location_quotient`, which warns about a 全国/合计 row; leave such a
        row out).
    threshold : float
        RCA at or above which a region counts as producing an industry (default 1).
    iterations : int, optional
        Reflections: N (default 18, even); ECI from :math:`k_{r,N}`, PCI from
        :math:`k_{p,N+1}`.  Fitness: iterations (default 200).  Ignored by the
        eigenvector method.
    convention : {'hidalgo', 'ecomplexity'}
        Sign and scale of ECI/PCI.  Both choose the sign that makes the ECI correlate
        positively with diversity.  ``'hidalgo'`` standardises ECI and PCI each by its
        own mean and population standard deviation (Hidalgo and Hausmann 2009, the
        Atlas); ``'ecomplexity'`` standardises the PCI with the ECI's mean and standard
        deviation (Growth Lab ``ecomplexity``, Python and Stata), which keeps the ECI
        equal to the mean PCI of a region's industries (eigenvector method).

    Returns
    -------
    ComplexityResult

    Notes
    -----
    With :math:`k_{r,0}=\sum_p M_{rp}` (diversity), :math:`k_{p,0}=\sum_r M_{rp}`
    (ubiquity):

    .. math::

        k_{r,N} = \frac{1}{k_{r,0}}\sum_p M_{rp}\,k_{p,N-1},\qquad
        k_{p,N} = \frac{1}{k_{p,0}}\sum_r M_{rp}\,k_{r,N-1},

    ECI = standardised :math:`k_{r,N}`; the eigenvector method takes the eigenvector
    of :math:`\tilde M_{pp'}=\sum_r M_{rp}M_{rp'}/(k_{r,0}k_{p,0})` for the second
    largest eigenvalue as PCI and :math:`\tilde k_r = \sum_p M_{rp}\tilde k_p/k_{r,0}`
    as ECI (the limit of the reflections).  Fitness–complexity:

    .. math::

        \tilde F_r^{(n)} = \sum_p M_{rp} Q_p^{(n-1)},\qquad
        \tilde Q_p^{(n)} = \Big(\sum_r M_{rp}/F_r^{(n-1)}\Big)^{-1},

    each divided by its mean at every step.  Regions without any industry and
    industries without any region are left out of the computation and get NaN.  A
    disconnected network (two blocks sharing nothing) has no ECI and is refused.  The
    peer ``economic-complexity`` (OEC/Datawheel) uses 20 loop passes (ECI from
    :math:`k_{r,18}`, PCI from :math:`k_{p,19}`, as the default here), the sample
    standard deviation and no sign rule.  EconGeo (R) ``kci`` takes the same eigenvector
    (of M̃ rounded to 4 decimals), scales it to sum 1 (:math:`v/\sum v`) instead of
    standardising it and signs it to correlate with its method of reflections
    (``morc``, 20 steps); standardised, it is this ECI to about 1e-3 (the rounding).
    ``tci`` does the same for industries but is signed to fall with ubiquity, whereas
    the PCI here takes its sign from the ECI, so the two can differ in sign (they do on
    the 2023 provincial employment matrix).  EconGeo's ``morc``/``mort`` rescale each
    step to 0–100: min–max rescaled, this ECI and PCI equal them (tests, EconGeo 2.1).
    The reflections approach the eigenvector ECI only as :math:`(\lambda_3/\lambda_2)^N`
    vanishes: on weakly structured matrices (eigenvalues close together) 18 reflections
    can be far from the limit, so the eigenvector method is the safer choice there.

    References
    ----------
    Hidalgo, C. A. and Hausmann, R. (2009), "The building blocks of economic
    complexity", *Proceedings of the National Academy of Sciences* 106(26): 10570–10575.
    Hausmann, R., Hidalgo, C. A. et al. (2014), *The Atlas of Economic Complexity*,
    Cambridge, MA: MIT Press.  Tacchella, A., Cristelli, M., Caldarelli, G., Gabrielli,
    A. and Pietronero, L. (2012), "A new metrics for countries' fitness and products'
    complexity", *Scientific Reports* 2: 723.  Balassa, B. (1965), "Trade liberalisation
    and 'revealed' comparative advantage", *The Manchester School* 33(2): 99–123.

    See [hidalgo_hausmann_2009], [hausmann_2014], [tacchella_2012], [balassa_1965] in

    docs/references.md.

    Examples
    --------
    >>> m = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]
    >>> r = economic_complexity(m, method="eigenvector", kind="binary")
    >>> r.diversity.tolist(), r.eci.round(3).tolist()
    ([4.0, 3.0, 2.0, 1.0], [1.342, 0.447, -0.447, -1.342])
    >>> economic_complexity(m, method="fitness", kind="binary", iterations=1).fitness.tolist()
    [1.6, 1.2, 0.8, 0.4]
    """
    method = as_option(method, "method", _METHODS)
    convention = as_option(convention, "convention", _CONVENTIONS)
    m_all, rca = _presence(matrix, kind, float(threshold))
    rlab, plab = _labels(matrix)
    n, k = m_all.shape
    kr_all, kp_all = m_all.sum(axis=1), m_all.sum(axis=0)
    keep_r, keep_p = kr_all > 0, kp_all > 0
    if keep_r.sum() < 2 or keep_p.sum() < 2:
        raise AggloValueError(
            _m.text(
                "'matrix' 至少需要 2 个有比较优势产业的地区和 2 个有地区具备比较优势的产业。",
                "'matrix' "
                "needs at least 2 regions with an industry at RCA ≥ threshold, and 2 such industries.",
            )
        )
    m = m_all[keep_r][:, keep_p]
    kr, kp = kr_all[keep_r], kp_all[keep_p]
    eci = pci = fit = cplx = None
    if method == "fitness":
        steps = 200 if iterations is None else as_positive_int(iterations, "iterations")
        f, q = np.ones(m.shape[0]), np.ones(m.shape[1])
        for _ in range(steps):  # iterations, not a loop over regions or industries
            f_new = m @ q
            q_new = 1.0 / (m.T @ (1.0 / f))
            f, q = f_new / f_new.mean(), q_new / q_new.mean()
        fit, cplx = _expand(f, keep_r), _expand(q, keep_p)
        how = f"fitness–complexity (Tacchella et al. 2012), {steps} iterations, mean 1"
    else:
        if method == "eigenvector":
            kp_vec = _second_eigenvector(m, kr, kp)
            kr_vec = (m @ kp_vec) / kr
            how = "eigenvector of M̃ (second largest eigenvalue)"
        else:
            steps = 18 if iterations is None else as_positive_int(iterations, "iterations")
            a, b = kr.copy(), kp.copy()
            for _ in range(steps):  # iterations, not a loop over regions or industries
                a, b = (m @ b) / kr, (m.T @ a) / kp
            kr_vec, kp_vec = a, (m.T @ a) / kp
            how = f"method of reflections, ECI from k_r,{steps}, PCI from k_p,{steps + 1}"
        if np.std(kr_vec) == 0:
            raise AggloValueError(
                _m.text(
                    "'matrix' 中所有地区的复杂度相同（例如每个地区拥有同样的产业组合），ECI 无定义。",
                    "Every region of 'matrix' has the same complexity (e.g. the same industry mix), so the ECI is "
                    "undefined.",
                )
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            sign = -1.0 if np.corrcoef(kr, kr_vec)[0, 1] < 0 else 1.0
        kr_vec, kp_vec = sign * kr_vec, sign * kp_vec
        mu, sd = kr_vec.mean(), kr_vec.std()
        e = (kr_vec - mu) / sd
        if convention == "ecomplexity":
            p = (kp_vec - mu) / sd
        else:
            p = (kp_vec - kp_vec.mean()) / kp_vec.std()
        eci, pci = _expand(e, keep_r), _expand(p, keep_p)
        how += "; sign: ECI correlates positively with diversity; " + (
            "ECI and PCI standardised by the ECI's mean and sd (ecomplexity)"
            if convention == "ecomplexity"
            else "ECI and PCI each standardised (population sd; Hidalgo–Hausmann)"
        )
    return ComplexityResult(
        eci,
        pci,
        fit,
        cplx,
        kr_all,
        kp_all,
        m_all,
        rca,
        method,
        rlab,
        plab,
        f"{how}; M = 1 where RCA >= {float(threshold):g}"
        + ("" if kind != "values" else " (RCA = LQ with the block's totals)"),
    )


def _expand(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    out = np.full(keep.size, np.nan)
    out[keep] = values
    return out


def proximity(
    matrix: Any, kind: str = "values", threshold: float = 1.0, include_self: bool = True
) -> Any:
    r"""Proximity (产业邻近度) of every pair of industries from their co-occurrence.

    Parameters
    ----------
    matrix : array-like (n regions, k industries)
        As in :func:`economic_complexity`.
    kind : {'values', 'rca', 'binary'}
        What ``matrix`` holds.
    threshold : float
        RCA threshold of presence (default 1).
    include_self : bool
        Diagonal 1 (True, ecomplexity) or 0 (False, the ``economic-complexity``
        package, whose densities then leave the industry itself out).

    Returns
    -------
    ndarray or DataFrame (k, k)
        Symmetric, labelled by the industries when ``matrix`` is a DataFrame.  An
        industry present nowhere has NaN proximities.

    Notes
    -----
    .. math::

        \varphi_{pp'} = \frac{\sum_r M_{rp}M_{rp'}}{\max(k_{p,0}, k_{p',0})}

    the minimum of the two conditional probabilities of having RCA ≥ 1 in one industry
    given the other (Hidalgo et al. 2007).

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L. and Hausmann, R. (2007), "The product
    space conditions the development of nations", *Science* 317(5837): 482–487.

    See [hidalgo_2007] in docs/references.md.

    Examples
    --------
    >>> m = [[1, 1, 0], [1, 0, 1], [1, 1, 0]]
    >>> proximity(m, kind="binary").round(3).tolist()
    [[1.0, 0.667, 0.333], [0.667, 1.0, 0.0], [0.333, 0.0, 1.0]]
    """
    m, _ = _presence(matrix, kind, float(threshold))
    phi = _phi(m, bool(include_self))
    _, plab = _labels(matrix)
    return pd.DataFrame(phi, index=plab, columns=plab) if plab is not None else phi


def _phi(m: np.ndarray, include_self: bool) -> np.ndarray:
    kp = m.sum(axis=0)
    co = m.T @ m
    denom = np.maximum(kp[:, None], kp[None, :])
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = np.where(denom > 0, co / np.where(denom > 0, denom, 1.0), np.nan)
    present = kp > 0
    idx = np.flatnonzero(present)
    phi[idx, idx] = 1.0 if include_self else 0.0
    return phi


def relatedness_density(
    matrix: Any, kind: str = "values", threshold: float = 1.0, include_self: bool = True
) -> Any:
    r"""Relatedness density (关联密度) of each region around each industry.

    Parameters
    ----------
    matrix : array-like (n regions, k industries)
        As in :func:`economic_complexity`.
    kind : {'values', 'rca', 'binary'}
        What ``matrix`` holds.
    threshold : float
        RCA threshold of presence (default 1).
    include_self : bool
        Count the industry's own presence (proximity 1 to itself; ecomplexity) or not
        (``economic-complexity``; the usual "related variety" reading in Boschma-style
        studies, where entry into an industry is predicted by the *other* industries).

    Returns
    -------
    ndarray or DataFrame (n, k)
        Densities in [0, 1], labelled like ``matrix``; NaN for an industry with no
        proximity to any other.

    Notes
    -----
    .. math::

        \omega_{rp} = \frac{\sum_{p'} M_{rp'}\,\varphi_{pp'}}{\sum_{p'} \varphi_{pp'}}

    with :math:`\varphi` from :func:`proximity`.  EconGeo's
    ``relatedness_density(mat, relatedness)`` computes the same ratio for the relatedness
    matrix it is given, times 100 and rounded to 2 decimals; given this proximity
    (diagonal 1 or 0) it reproduces both ``include_self`` readings (tests, EconGeo 2.1).

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L. and Hausmann, R. (2007), "The product
    space conditions the development of nations", *Science* 317(5837): 482–487.
    Hidalgo, C. A. et al. (2018), "The principle of relatedness", in *Unifying Themes in
    Complex Systems IX*, Cham: Springer, 451–457.

    See [hidalgo_2007], [hidalgo_2018] in docs/references.md.

    Examples
    --------
    >>> m = [[1, 1, 0], [1, 0, 1], [1, 1, 0]]
    >>> relatedness_density(m, kind="binary").round(3)[1].tolist()
    [0.667, 0.4, 1.0]
    """
    m, _ = _presence(matrix, kind, float(threshold))
    phi = _phi(m, bool(include_self))
    den = np.nansum(phi, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        dens = np.where(den > 0, (m @ np.nan_to_num(phi)) / np.where(den > 0, den, 1.0), np.nan)
    rlab, plab = _labels(matrix)
    if rlab is not None:
        return pd.DataFrame(dens, index=rlab, columns=plab)
    return dens
