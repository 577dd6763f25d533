"""Ways for the tests to steer the headless engine from outside (it has no switches for them).

* :func:`use_full_model`: every workbook goes through ``formulas.ExcelModel``, as when
  the fast evaluator declines one;
* :func:`evaluate_cell_by_cell`: the fast evaluator computes the cells of a pattern one
  by one instead of in one call on columns of values;
* :data:`PAUSED_CLI`: ``python -c PAUSED_CLI SECONDS ARGS...`` runs the command line
  with a pause after the first bytes of every file written by the package writer, so
  that a test can kill it in the middle of writing.
"""

from __future__ import annotations

from agglo_addin import engine


def use_full_model(monkeypatch) -> None:
    """Make the fast evaluator decline every workbook (what it does for ``ROW()`` ...)."""

    def decline(*args, **kwargs):
        raise engine.bridge._Fallback("the full model is asked for")

    monkeypatch.setattr(engine.fast, "_evaluate_fast", decline)


def evaluate_cell_by_cell(monkeypatch) -> None:
    """Make the fast evaluator compute each cell of a batched pattern on its own."""

    def one_by_one(self, members, call):
        for m in members:
            self._evaluate_cell(m, call)

    monkeypatch.setattr(engine.fast._FastBook, "_evaluate_group", one_by_one)


PAUSED_CLI = """
import builtins, sys, time
from agglo_addin import xlsx
from agglo_addin.cli import main


class _Paused:
    # a file being written: after its first write, a pause (the test kills the process)
    def __init__(self, fh, seconds):
        self._fh, self._seconds, self._paused = fh, seconds, False

    def write(self, data):
        n = self._fh.write(data)
        if not self._paused:
            self._paused = True
            self._fh.flush()
            time.sleep(self._seconds)
        return n

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._fh.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self._fh, name)


def _open(path, mode="r", *args, **kwargs):
    fh = builtins.open(path, mode, *args, **kwargs)
    return _Paused(fh, float(sys.argv[1])) if "w" in mode else fh


xlsx.open = _open  # the package writer's files only
sys.exit(main(sys.argv[2:]))
"""
