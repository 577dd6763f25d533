"""agglo — regional-economics measures for yearbook-shaped data.

Regions are rows, industries (or indicators) are columns.  Every public function
accepts lists, NumPy arrays and pandas objects; pandas in gives pandas out with the
same labels.  Invalid input raises :class:`AggloValueError`; undefined values are NaN.

Families (one module each): :mod:`agglo.location` (区位熵, specialisation),
:mod:`agglo.concentration` (HHI, CR_n, Gini family, EG, MS), :mod:`agglo.growth`
(增长率, CAGR, 首位度), :mod:`agglo.statistics` (correlation, OLS),
:mod:`agglo.normalization` (无量纲化), :mod:`agglo.weights` (熵值法, CRITIC),
:mod:`agglo.judgement` (层次分析法 AHP, 规则随机赋权), :mod:`agglo.evaluation` (综合指数, TOPSIS, 灰色关联, 障碍度),
:mod:`agglo.coupling` (耦合协调度).
"""

from . import (
    concentration,
    coupling,
    datasets,
    evaluation,
    growth,
    judgement,
    location,
    normalization,
    statistics,
    weights,
)
from ._results import Result
from ._validation import AggloValueError, AggloWarning, TotalRowWarning
from .concentration import *  # noqa: F403
from .coupling import *  # noqa: F403
from .datasets import *  # noqa: F403
from .evaluation import *  # noqa: F403
from .growth import *  # noqa: F403
from .judgement import *  # noqa: F403
from .location import *  # noqa: F403
from .normalization import *  # noqa: F403
from .statistics import *  # noqa: F403
from .weights import *  # noqa: F403

__version__ = "0.1.0"

__all__ = [
    "AggloValueError",
    "AggloWarning",
    "Result",
    "TotalRowWarning",
    *concentration.__all__,
    *coupling.__all__,
    *datasets.__all__,
    *evaluation.__all__,
    *growth.__all__,
    *judgement.__all__,
    *location.__all__,
    *normalization.__all__,
    *statistics.__all__,
    *weights.__all__,
]
