"""Shared test fixtures.

Reference outputs of peer tools are copied into ``tests/reference/`` (see its
SOURCES.md); the real-world workbook corpus is read from ``../shared/corpus`` which
CI provides beside the clone.
"""

from __future__ import annotations

from pathlib import Path

import agglo_addin.udfs  # noqa: F401 - decorated with xlwings' metadata, as Excel imports it
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).resolve().parent / "reference"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
#: The real yearbook tables of ``tests/data/yearbook/cases.toml``, committed beside it
#: (sources and licences: its SOURCES.md).
YEARBOOK_TABLES = Path(__file__).resolve().parent / "data" / "yearbook"


@pytest.fixture(autouse=True)
def _no_global_rng():
    """Fail any test whose code touches NumPy's global random state."""
    state = np.random.get_state()[1].copy()  # noqa: NPY002 (checks that nobody uses it)
    yield
    after = np.random.get_state()[1]  # noqa: NPY002
    if not np.array_equal(state, after):
        pytest.fail("the global NumPy random state was used; pass rng= instead")


@pytest.fixture
def reference_dir() -> Path:
    return REFERENCE
