"""Headless evaluation of workbooks that use Agglo worksheet functions (see :mod:`.fast`)."""

from .fast import *  # noqa: F403
from .fast import (  # noqa: F401 - the tests reach these
    _ELEMENTWISE,
    _NOT_EVALUABLE,
    _ROW_AGGREGATES,
    __all__,  # noqa: F401
    _arg_to_xlwings,
    _Fallback,
    _fast_references,
    _FastBook,
    _Omitted,
    _references,
    _template_key,
    _template_key_slow,
    _text_of,
)
