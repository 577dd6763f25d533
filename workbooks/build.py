"""Build the Agglo template workbooks (``workbooks/*.xlsx``) from the bundled data.

Usage::

    python workbooks/build.py                 # writes workbooks/0*.xlsx
    python workbooks/build.py --out DIR       # writes into DIR instead
    python workbooks/build.py --refresh       # then fills cached values with `agglo refresh`

The builder itself is the package ``workbooks/builder/`` (one module per template and
the layout they share); this script runs it and hands out its names (``FILES``,
``build_all``, ``fill_cached_values``, ``main``) to code that loads this file.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # appended: never shadows an installed package
    sys.path.append(str(HERE))

from builder import (  # noqa: E402
    BUILDERS,
    FILES,
    TITLES,
    WORKBOOKS,
    build_all,
    fill_cached_values,
    main,
)

__all__ = ["BUILDERS", "FILES", "TITLES", "WORKBOOKS", "build_all", "fill_cached_values", "main"]

if __name__ == "__main__":
    sys.exit(main())
