"""Headless evaluation of workbooks that use Agglo worksheet functions.

The calculation engine is the ``formulas`` library: it parses and evaluates the
workbook's formulas; the Agglo functions are registered in it from the very wrappers
Excel calls (``agglo_addin.udfs.REGISTRY``), so a refreshed workbook shows what Excel
with the add-in would show.  This package decides *which* cells to evaluate and converts
between ``formulas``' values and the shapes the wrappers expect;
:mod:`agglo_addin.xlsx` reads the package safely and writes the results back.

Which cells are evaluated: ``agglo refresh`` evaluates every formula
(``all_formulas=True``); with ``all_formulas=False`` (``--agglo-only``) every formula that
calls an Agglo function, every formula it depends on and every formula that depends on
it, and a workbook without Agglo formulas is not handed to the evaluator.  Formulas the
engine cannot evaluate right (:mod:`agglo_addin.keep_cached`: external links, data
tables, volatile, unsupported or known-wrong functions) are taken out first: they keep
their cached value, are reported, and the formulas depending on them read that value.

The modules, along the way a workbook goes:

:mod:`.names`
    the registry of Agglo functions and every stored spelling of their names;
:mod:`.references`
    what a formula refers to, read from its text (areas, defined names, the relative
    key under which the cells of a pattern share one compiled formula);
:mod:`.dependencies`
    which formulas depend on the Agglo cells;
:mod:`.bridge`
    everything that touches ``formulas``' internals (values, the function table and
    the functions replaced in it, compiling, the full model), for the version it states;
:mod:`.fast`
    the fast evaluator, which takes most workbooks without ``formulas.ExcelModel``;
:mod:`.evaluate`
    :func:`evaluate_package`: what is evaluated, by which evaluator;
:mod:`.results`
    computed values compared with the cached ones: changes, problems, what to write;
:mod:`.refresh`
    :func:`refresh_workbook`: evaluate and write a file safely.

Start-up: ``agglo refresh`` is usually a new process, so imports count.  SciPy (imported
by ``formulas`` for a few statistical functions), openpyxl, xlwings and pandas are not
imported unless a workbook needs them (:func:`.bridge.defer_scipy_for_formulas`,
:mod:`agglo_addin._lazy_imports`, :mod:`agglo_addin.declare`).
"""

from ..safe_write import backup_path  # the backup naming policy lives with the write path
from .evaluate import evaluate_package
from .names import agglo_name_pattern, default_registry, find_agglo_cells, normalize_formula
from .refresh import Report, refresh_workbook
from .results import CellChange, Evaluation, Problem, values_close

__all__ = [
    "CellChange",
    "Evaluation",
    "Problem",
    "Report",
    "backup_path",
    "refresh_workbook",
    "values_close",
    "agglo_name_pattern",
    "default_registry",
    "evaluate_package",
    "find_agglo_cells",
    "normalize_formula",
]
