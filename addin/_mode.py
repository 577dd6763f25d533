"""How the worksheet functions are being imported (set by the headless engine).

``headless_import`` is True only while :func:`agglo_addin.engine.default_registry`
imports :mod:`agglo_addin.udfs` in a process that has not imported xlwings: the engine
calls the same functions, and skips the xlwings decorators that only attach Excel's
metadata (and cost an import of xlwings and pandas).  Everywhere else — Excel, xlwings
Lite, the tests, Python sessions — the functions are decorated as usual.
"""

headless_import: bool = False
