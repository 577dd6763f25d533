r"""Settings of :mod:`agglo` for one block of code: :func:`config_context` and :func:`get_config`.

The one setting today is ``validate_once``: an array that a program has just built and
checked (the Excel add-in reads a worksheet range into a fresh float array) is checked once
more, cheaply, on entering the block, and the functions called inside the block then skip
their own scans of that very array.  See :func:`config_context`.

The design follows scikit-learn's ``sklearn.config_context`` and ``sklearn.get_config``
(Buitinck, L., Louppe, G., Blondel, M., et al., 2013, "API design for machine learning
software: experiences from the scikit-learn project", *ECML PKDD Workshop: Languages for
Data Mining and Machine Learning*, 108–122): a ``with`` block changes a setting, blocks
nest, and the previous setting comes back on exit, after an exception too.  scikit-learn
keeps its settings per thread (``threading.local``); here they live in a
:class:`contextvars.ContextVar`, so a setting is also local to an asyncio task.  Unlike
scikit-learn's ``assume_finite``, nothing is taken on trust: agglo computes the facts it
relies on itself, for one array (recognised by identity, not equality), and only inside the
block.  There is deliberately no ``set_config``: a registration without an end would outlive
the facts it rests on.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from types import TracebackType
from typing import Any

import numpy as np

__all__ = ["config_context", "get_config"]


#: The registration in force in this thread / asyncio task, or None:
#: ``[ARRAY, LOW, COPY]``, a list (cheaper to make than an object on every worksheet call).
VALIDATED: contextvars.ContextVar[list[Any] | None] = contextvars.ContextVar(
    "agglo_validate_once", default=None
)
ARRAY = 0  # the registered object (compared by identity)
LOW = 1  # its minimum; with its maximum, finite
COPY = 2  # the copy as_array last returned for it, or None


class config_context:  # noqa: N801 (used as a function, like numpy.errstate)
    r"""Settings of :mod:`agglo` for the duration of a ``with`` block (配置：只在代码块内生效).

    ``validate_once`` 只检查一次：进入代码块时核对该数组（有限的 float64），块内各函数对同一数组不再重复扫描；
    结果与报错与不用此设置时完全相同。

    ``with agglo.config_context(validate_once=arr):`` checks ``arr`` once, on entering:
    it is registered when it is a non-empty float64 ndarray whose minimum :math:`m` and
    maximum :math:`M` are both finite (so no value is NaN or :math:`\pm\infty`).  Inside
    the block every :mod:`agglo` function called with that very object (identity, not
    equality: an equal copy is checked as usual) skips its own scans for missing values,
    :math:`\pm\infty` and sign whenever :math:`m` and :math:`M` prove that they pass
    (``non-negative`` when :math:`m \ge 0`, ``positive`` when :math:`m > 0`), and skips
    the NaN handling of its computation.  The results and every message are exactly those
    of the call without the block; whenever the facts do not prove a check passes, or
    the input is refused, the full checks run and word the message.  An array that does
    not qualify (NaN, ±inf, integers, a list) is not registered and the block changes
    nothing.

    While registered, the array is made read-only (when it was writeable; it is writeable
    again on exit), so a write through it inside the block raises instead of making the
    facts stale.  Do not write to it through another view either.

    Blocks nest; the innermost registration is the one in force, and the previous
    setting comes back on exit, also when the block raises.  The setting is local to the
    current thread and asyncio task (a :class:`contextvars.ContextVar`).

    Parameters
    ----------
    validate_once : ndarray, optional
        The array to check here, once, instead of in every function called on it inside
        the block.  ``None`` (the default) leaves the setting as it is.

    Notes
    -----
    Unlike scikit-learn's ``assume_finite=True``, which trusts the caller for every
    array, agglo computes the facts itself (:math:`m`, :math:`M`) for one array.  The
    Excel add-in calls every worksheet function on the block it has just read inside
    such a block.

    References
    ----------
    Buitinck, L., Louppe, G., Blondel, M., et al. (2013). API design for machine learning
    software: experiences from the scikit-learn project. *ECML PKDD Workshop: Languages
    for Data Mining and Machine Learning*, 108–122 (``sklearn.config_context``).
    See [buitinck_2013] in docs/references.md.

    See Also
    --------
    get_config : The settings in force.

    Examples
    --------
    >>> import agglo, numpy as np
    >>> block = np.array([[10.0, 30.0], [40.0, 20.0]])
    >>> with agglo.config_context(validate_once=block):
    ...     agglo.location_quotient(block).round(4)
    array([[0.5   , 1.5   ],
           [1.3333, 0.6667]])
    >>> agglo.get_config()["validate_once"] is None   # restored on exit
    True
    >>> with agglo.config_context(validate_once=block):
    ...     block[0, 0] = np.nan
    Traceback (most recent call last):
    ...
    ValueError: assignment destination is read-only
    >>> block[0, 0] = 5.0                               # writeable again after the block
    """

    __slots__ = ("_array", "_token", "_locked")

    def __init__(self, *, validate_once: np.ndarray | None = None) -> None:
        self._array = validate_once
        self._token: contextvars.Token[list[Any] | None] | None = None
        self._locked = False

    def __enter__(self) -> config_context:
        arr = self._array
        if type(arr) is np.ndarray and arr.dtype == np.float64 and arr.size:
            low, high = float(arr.min()), float(arr.max())
            if math.isfinite(low) and math.isfinite(high):
                if arr.flags.writeable:
                    arr.setflags(write=False)
                    self._locked = True
                self._token = VALIDATED.set([arr, low, None])
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is not None:
            VALIDATED.reset(self._token)
            self._token = None
        if self._locked:
            self._locked = False
            # ValueError: its base was made read-only meanwhile; leave it so
            with contextlib.suppress(ValueError):
                self._array.setflags(write=True)  # type: ignore[union-attr]


def get_config() -> dict[str, Any]:
    """The settings of :mod:`agglo` in force here (当前生效的配置; see :func:`config_context`).

    Returns
    -------
    dict
        ``{"validate_once": array or None}``: the array registered by the innermost
        :func:`config_context` block in force in this thread / asyncio task that
        registered one (an array that did not qualify registers nothing), else ``None``.
        A new dict on every call.

    References
    ----------
    Buitinck, L., Louppe, G., Blondel, M., et al. (2013). API design for machine learning
    software: experiences from the scikit-learn project. *ECML PKDD Workshop: Languages
    for Data Mining and Machine Learning*, 108–122 (``sklearn.get_config``).
    See [buitinck_2013] in docs/references.md.

    Examples
    --------
    >>> import agglo, numpy as np
    >>> agglo.get_config()
    {'validate_once': None}
    >>> block = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> with agglo.config_context(validate_once=block):
    ...     agglo.get_config()["validate_once"] is block
    True
    >>> with agglo.config_context(validate_once=np.array([1.0, np.nan])):
    ...     agglo.get_config()       # a NaN: not registered, every check runs
    {'validate_once': None}
    """
    checked = VALIDATED.get()
    return {"validate_once": None if checked is None else checked[ARRAY]}
