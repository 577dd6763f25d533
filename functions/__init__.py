"""agglo — regional-economics measures for yearbook-shaped data.

Regions are rows, industries (or indicators) are columns.  Every public function
accepts lists, NumPy arrays and pandas objects; pandas in gives pandas out with the
same labels.  Invalid input raises :class:`AggloValueError`; undefined values are NaN.

Families (one module each): :mod:`agglo.location` (区位熵, specialisation),
:mod:`agglo.concentration` (HHI, CR_n, Gini family),
:mod:`agglo.dartboard` (Ellison–Glaeser and Maurel–Sédillot γ), :mod:`agglo.growth`
(增长率, CAGR, 首位度), :mod:`agglo.statistics` (correlation, OLS),
:mod:`agglo.normalization` (无量纲化), :mod:`agglo.weights` (熵值法, CRITIC),
:mod:`agglo.analytic_hierarchy` (层次分析法 AHP, 规则随机赋权), :mod:`agglo.evaluation` (综合指数, TOPSIS, 灰色关联, 障碍度),
:mod:`agglo.coupling` (耦合协调度), :mod:`agglo.tables` (reading yearbook tables: :func:`read_table`),
:mod:`agglo.disparity` (泰尔指数, Dagum 基尼系数, 变异系数),
:mod:`agglo.convergence` (σ/β 收敛, 核密度), :mod:`agglo.shiftshare` (偏离-份额),
:mod:`agglo.grey` (GM(1,1)), :mod:`agglo.decoupling` (Tapio 脱钩), :mod:`agglo.spatial`
(空间权重, Moran, Geary, LISA), :mod:`agglo.markov_chains` (马尔可夫链),
:mod:`agglo.complexity` (经济复杂度),
:mod:`agglo.microdata` (plant records → block, in
pandas/Polars/DuckDB/Dask), :mod:`agglo.regions` (行政区划代码).

Settings for a block of code: :func:`config_context` (``validate_once``: check an array
once instead of in every function called on it) and :func:`get_config`.

The family modules are imported on first use (``agglo.hhi``, ``agglo.location``,
``from agglo import *``), so ``import agglo`` stays cheap: SciPy and statsmodels load
only when a function that needs them is called for the first time.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._config import config_context, get_config
from ._results import Result
from ._validation import AggloValueError, AggloWarning, TotalRowWarning

if TYPE_CHECKING:  # static tools see every name; at run time they load on first use
    from . import (  # noqa: F401
        analytic_hierarchy,
        complexity,
        concentration,
        convergence,
        coupling,
        dartboard,
        datasets,
        decoupling,
        disparity,
        evaluation,
        grey,
        growth,
        location,
        markov_chains,
        microdata,
        normalization,
        regions,
        shiftshare,
        spatial,
        statistics,
        tables,
        weights,
    )
    from .analytic_hierarchy import *  # noqa: F403
    from .complexity import *  # noqa: F403
    from .concentration import *  # noqa: F403
    from .convergence import *  # noqa: F403
    from .coupling import *  # noqa: F403
    from .dartboard import *  # noqa: F403
    from .datasets import *  # noqa: F403
    from .decoupling import *  # noqa: F403
    from .disparity import *  # noqa: F403
    from .evaluation import *  # noqa: F403
    from .grey import *  # noqa: F403
    from .growth import *  # noqa: F403
    from .location import *  # noqa: F403
    from .markov_chains import *  # noqa: F403
    from .microdata import *  # noqa: F403
    from .normalization import *  # noqa: F403
    from .regions import *  # noqa: F403
    from .shiftshare import *  # noqa: F403
    from .spatial import *  # noqa: F403
    from .statistics import *  # noqa: F403
    from .tables import *  # noqa: F403
    from .weights import *  # noqa: F403

__version__ = "0.1.0"

#: The family modules, importable as ``agglo.<name>``.
_SUBMODULES = (
    "analytic_hierarchy",
    "complexity",
    "concentration",
    "convergence",
    "coupling",
    "dartboard",
    "datasets",
    "decoupling",
    "disparity",
    "evaluation",
    "grey",
    "growth",
    "location",
    "markov_chains",
    "microdata",
    "normalization",
    "regions",
    "shiftshare",
    "spatial",
    "statistics",
    "tables",
    "weights",
)

#: Every public name of a family module → the module that defines it (its ``__all__``).
#: Listed statically so that ``import agglo`` imports none of them; a test checks that
#: this map equals what the modules export.
_EXPORTS: dict[str, str] = {
    # analytic_hierarchy
    "AHP_PRESETS": "analytic_hierarchy",
    "RI_TABLES": "analytic_hierarchy",
    "AHPHierarchyResult": "analytic_hierarchy",
    "AHPResult": "analytic_hierarchy",
    "RandomWeightsResult": "analytic_hierarchy",
    "ahp": "analytic_hierarchy",
    "ahp_group": "analytic_hierarchy",
    "ahp_hierarchy": "analytic_hierarchy",
    "ahp_matrix_from_upper": "analytic_hierarchy",
    "random_index": "analytic_hierarchy",
    "random_weights": "analytic_hierarchy",
    # complexity
    "ComplexityResult": "complexity",
    "economic_complexity": "complexity",
    "proximity": "complexity",
    "relatedness_density": "complexity",
    # concentration
    "hhi": "concentration",
    "concentration_ratio": "concentration",
    "gini": "concentration",
    "spatial_gini": "concentration",
    "locational_gini": "concentration",
    "lq_gini": "concentration",
    # convergence
    "SigmaResult": "convergence",
    "BetaResult": "convergence",
    "KernelDensityResult": "convergence",
    "sigma_convergence": "convergence",
    "beta_convergence": "convergence",
    "kernel_density": "convergence",
    # coupling
    "CouplingResult": "coupling",
    "coupling_degree": "coupling",
    "coordination_index": "coupling",
    "coupling_coordination": "coupling",
    "rescale": "coupling",
    "coordination_level": "coupling",
    "coupling_stage": "coupling",
    "lead_lag": "coupling",
    "LEVEL_SCHEMES": "coupling",
    # dartboard
    "EllisonGlaeserResult": "dartboard",
    "MaurelSedillotResult": "dartboard",
    "ellison_glaeser": "dartboard",
    "maurel_sedillot": "dartboard",
    # datasets
    "NBS_PROVINCES": "datasets",
    "list_datasets": "datasets",
    "load_dataset": "datasets",
    "gdp_by_sector": "datasets",
    "employment_by_industry": "datasets",
    "china_provinces": "datasets",
    # decoupling
    "TapioResult": "decoupling",
    "tapio": "decoupling",
    "TAPIO_STATES": "decoupling",
    # disparity
    "TheilResult": "disparity",
    "DagumResult": "disparity",
    "LorenzResult": "disparity",
    "theil": "disparity",
    "dagum_gini": "disparity",
    "coefficient_of_variation": "disparity",
    "atkinson": "disparity",
    "lorenz_curve": "disparity",
    # evaluation
    "CompositeResult": "evaluation",
    "TopsisResult": "evaluation",
    "GreyResult": "evaluation",
    "ObstacleResult": "evaluation",
    "composite_index": "evaluation",
    "topsis": "evaluation",
    "grey_relational": "evaluation",
    "obstacle_degree": "evaluation",
    # grey
    "GM11Result": "grey",
    "gm11": "grey",
    "GM11_GRADES": "grey",
    # growth
    "growth_rate": "growth",
    "cagr": "growth",
    "cagr_cumulative": "growth",
    "primacy_index": "growth",
    "share": "growth",
    "profit_margin": "growth",
    # location
    "location_quotient": "location",
    "lq_score": "location",
    "krugman_specialisation": "location",
    "hoover_coefficient": "location",
    # markov_chains
    "MarkovResult": "markov_chains",
    "SpatialMarkovResult": "markov_chains",
    "markov": "markov_chains",
    "spatial_markov": "markov_chains",
    # microdata
    "PlantSummary": "microdata",
    "plant_summary": "microdata",
    "aggregate": "microdata",
    # normalization
    "normalize": "normalization",
    "parse_directions": "normalization",
    # regions
    "REGION_CODES_VINTAGE": "regions",
    "region_codes": "regions",
    "region_names": "regions",
    # shiftshare
    "ShiftShareResult": "shiftshare",
    "shift_share": "shiftshare",
    # spatial
    "SpatialWeights": "spatial",
    "MoranResult": "spatial",
    "GearyResult": "spatial",
    "LocalMoranResult": "spatial",
    "spatial_weights": "spatial",
    "knn_weights": "spatial",
    "distance_band_weights": "spatial",
    "inverse_distance_weights": "spatial",
    "china_province_weights": "spatial",
    "moran": "spatial",
    "geary": "spatial",
    "local_moran": "spatial",
    "WEIGHT_STYLES": "spatial",
    "EARTH_RADIUS_KM": "spatial",
    # statistics
    "CorrelationResult": "statistics",
    "OLSResult": "statistics",
    "correlation": "statistics",
    "ols": "statistics",
    # tables
    "Table": "tables",
    "read_table": "tables",
    # weights
    "EntropyResult": "weights",
    "CriticResult": "weights",
    "entropy_weights": "weights",
    "critic_weights": "weights",
    "ENTROPY_PRESETS": "weights",
}

__all__ = [
    "AggloValueError",
    "AggloWarning",
    "Result",
    "TotalRowWarning",
    "config_context",
    "get_config",
    *_EXPORTS,
]


def __getattr__(name: str) -> Any:
    """Import a family module, or the module defining a public name, on first use."""
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))
