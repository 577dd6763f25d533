r"""Input validation for every public function of :mod:`agglo`.

All checks live here so that every measure speaks the same language:

* A *block* is an array of shape ``(n_regions, k_industries)``: regions in rows,
  industries in columns.
* Invalid input raises :class:`AggloValueError` (a :class:`ValueError`) whose
  message names the argument, says what was expected, what was received and
  what to do.
* Mathematically undefined values (0/0 and friends) are returned as NaN; each
  measure documents where that happens.
* pandas in gives pandas out with the same labels (:func:`wrap_like`).

Nothing here knows about Excel; the add-in converts worksheet values before it
calls :mod:`agglo`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from . import _messages as _m
from ._config import ARRAY, COPY, LOW
from ._config import VALIDATED as _VALIDATED
from ._pandas import pd

__all__ = [
    "AggloValueError",
    "AggloWarning",
    "TotalRowWarning",
    "align_labels",
    "as_array",
    "as_matrix",
    "as_vector",
    "as_option",
    "as_positive_int",
    "as_weights",
    "as_rng",
    "check_same_length",
    "labels_of",
    "wrap_like",
]


class AggloValueError(ValueError):
    """Invalid input to an :mod:`agglo` function.

    The message names the argument, what was expected, what was received and
    what to do about it.  It is a :class:`ValueError`, so ``except ValueError``
    catches it.
    """

    __module__ = "agglo"


class AggloWarning(UserWarning):
    """Base class of the warnings issued by :mod:`agglo`."""

    __module__ = "agglo"


class TotalRowWarning(AggloWarning):
    """A row (or column) of a block looks like a total (全国/合计/总计) of the others."""

    __module__ = "agglo"


def _describe(x: Any) -> str:
    """Short description of a received value for error messages."""
    if isinstance(x, pd.DataFrame):
        return f"a DataFrame of shape {x.shape}"
    if isinstance(x, pd.Series):
        return f"a Series of length {len(x)}"
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    if isinstance(x, str):
        return f"the text {x!r}"
    if isinstance(x, (list, tuple)):
        return f"a {type(x).__name__} of length {len(x)}"
    return f"{x!r} ({type(x).__name__})"


def _position(
    index: tuple[int, ...],
    labels: tuple[Any, Any] | None,
    name: str | None = None,
    shape: tuple[int, ...] | None = None,
) -> str:
    """Describe a position counted from 1: 'row 3 ('北京'), column 2 ('制造业')' — or the
    worksheet cell (``Data!B7``) or the selection's row and column when the host recorded
    where argument ``name``'s array of this ``shape`` was read from
    (:func:`agglo._messages.position_of`)."""
    if shape is not None:
        found = _m.position_of(name, index, shape)
        if found is not None:
            return found[1]
    parts = []
    names = ("row", "column")
    for axis, i in enumerate(index):
        lab = None
        if labels is not None and axis < len(labels) and labels[axis] is not None:
            lab = labels[axis][i]
        text = f"{names[axis] if len(index) > 1 else 'position'} {i + 1}"
        if lab is not None:
            text += f" ({lab!r})"
        parts.append(text)
    return ", ".join(parts)


def _position_zh(
    index: tuple[int, ...], name: str | None = None, shape: tuple[int, ...] | None = None
) -> str:
    """The same position in Chinese: 第3行第2列 (or 第2个), or the worksheet cell."""
    if shape is not None:
        found = _m.position_of(name, index, shape)
        if found is not None:
            return found[0]
    if len(index) == 1:
        return f"第{index[0] + 1}个"
    return "".join(f"第{i + 1}{w}" for i, w in zip(index, "行列", strict=False))


def cell_position(
    name: str, index: tuple[int, ...], shape: tuple[int, ...], labels: Any = None
) -> tuple[str, str]:
    """Where element ``index`` of argument ``name``'s array of ``shape`` is, ``(Chinese,
    English)``: its worksheet cell or its row and column in the selection when the host
    recorded the argument's layout (:func:`agglo._messages.position_of`), else its row and
    column in the array, counted from 1.

    Examples
    --------
    >>> cell_position("matrix", (1, 2), (3, 3))
    ('第2行第3列', 'row 2, column 3')
    """
    index = tuple(int(i) for i in index)
    found = _m.position_of(name, index, shape)
    if found is not None:
        return found
    return _position_zh(index), _position(index, labels)


def labels_of(x: Any) -> tuple[Any, Any] | None:
    """Return ``(index, columns)`` of a pandas object (``columns`` None for a Series), else None."""
    if isinstance(x, pd.DataFrame):
        return (x.index, x.columns)
    if isinstance(x, pd.Series):
        return (x.index, None)
    return None


# --------------------------------------------------------------------------------------
# validate once (agglo.config_context(validate_once=arr), in ._config)
# --------------------------------------------------------------------------------------
# The Excel add-in reads a worksheet range into a fresh float array and then calls an
# agglo function on it, which would scan the same cells again (NaN, ±inf, sign).  To
# validate once, the add-in registers that one array for the duration of the call with
# ``config_context(validate_once=arr)``: the facts are computed there (two reductions, min
# and max), not taken on trust, and only that very object (identity, not equality) is
# recognised, only inside the block, and only in the current thread/task (a ContextVar).
# ``as_array`` then skips its scans for it when the facts prove every check passes and
# returns exactly what the full path returns (a float64 copy); in every other case,
# including every error, it takes the full path, so messages and results never change.
# Nothing changes for any other caller or any other object: no signature has a hidden
# argument, and the cost outside such a block is one ContextVar lookup.


def _known_finite(a: np.ndarray) -> bool:
    """Whether ``a`` is (a view of) the copy :func:`as_array` made of the array registered
    by :func:`agglo.config_context` here: all of it finite, so a caller may skip its
    NaN handling.  The caller must not have written NaN into it since."""
    checked = _VALIDATED.get()
    if checked is None or checked[COPY] is None:
        return False
    return a is checked[COPY] or a.base is checked[COPY]


def _from_validated(
    x: np.ndarray,
    low: float,
    ndim: int | tuple[int, ...] | None,
    non_negative: bool,
    positive: bool,
    min_size: int,
) -> np.ndarray | None:
    """The result of :func:`as_array` for the registered array when its facts prove every
    check passes (finite values, the sign asked for, the shape and size), else None."""
    if ndim is not None and x.ndim not in ((ndim,) if isinstance(ndim, int) else ndim):
        return None
    if x.size < min_size or (positive and not low > 0) or (non_negative and not low >= 0):
        return None
    return np.array(x, dtype=float, copy=True)


def as_array(
    x: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    non_negative: bool = False,
    positive: bool = False,
    allow_nan: bool = True,
    allow_inf: bool = False,
    min_size: int = 1,
) -> np.ndarray:
    """Convert ``x`` to a float ndarray and check it.

    Parameters
    ----------
    x : scalar, list, tuple, ndarray, Series or DataFrame
        The value to convert.  ``None`` entries become NaN.
    name : str
        Name of the argument, used in error messages.
    ndim : int or tuple of int, optional
        Accepted numbers of dimensions; a scalar has ``ndim`` 0.
    non_negative, positive : bool
        Require values ``>= 0`` or ``> 0`` (NaN is not checked here).
    allow_nan : bool
        If False, NaN (or ``None``) raises.
    allow_inf : bool
        If False, ``±inf`` raises.
    min_size : int
        Minimum number of elements.

    Returns
    -------
    ndarray of float64
        A new array (the caller's object is never modified).

    Raises
    ------
    AggloValueError
        With the argument's name, what was expected and what was received.

    Examples
    --------
    >>> as_array([[1, 2], [3, None]], "data", ndim=2)
    array([[ 1.,  2.],
           [ 3., nan]])
    >>> as_array([1, "x"], "values")
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'values' 只能是数值，第2个是 'x'。... / 'values' must contain numbers only; found the text 'x' at position 2. Remove text or convert it to a number (blank cells may be left empty).
    """
    checked = _VALIDATED.get()
    if checked is not None and x is checked[ARRAY]:
        fast = _from_validated(x, checked[LOW], ndim, non_negative, positive, min_size)
        if fast is not None:
            checked[COPY] = fast
            return fast
    labels = labels_of(x)
    if isinstance(x, str):
        raise AggloValueError(
            _m.text(
                f"{name!r} 必须是数值或数值区域；收到文字 {x!r}。请改为数值。",
                f"{name!r} must be a number or an array of numbers; received the text {x!r}.",
            )
        )
    if isinstance(x, (pd.DataFrame, pd.Series)):
        dtypes = x.dtypes if isinstance(x, pd.DataFrame) else [x.dtype]
        numeric = all(
            pd.api.types.is_numeric_dtype(d) and not pd.api.types.is_bool_dtype(d) for d in dtypes
        )
        if numeric:
            raw = x.to_numpy(dtype=float, na_value=np.nan)
        else:
            raw = x.to_numpy(dtype=object, na_value=np.nan)
    elif isinstance(x, np.ndarray):
        raw = x
    else:
        try:
            # Fast path: plain numbers become a numeric array at C speed; anything
            # else (None, text, mixed) is inspected element by element below.
            raw = np.asarray(x)
            if raw.dtype.kind not in "iufb":
                raw = np.asarray(x, dtype=object)
        except ValueError as exc:  # ragged nested lists
            raise AggloValueError(
                _m.text(
                    f"{name!r} 必须是矩形数值区域；收到的各行长度不同。请选择整齐的矩形区域。",
                    f"{name!r} must be a rectangular array of numbers; received {_describe(x)} "
                    f"whose rows have different lengths ({exc}).",
                )
            ) from None
    if raw.dtype == object or raw.dtype.kind in "USb":
        if raw.dtype.kind == "b":
            raise AggloValueError(
                _m.text(
                    f"{name!r} 必须是数值；收到逻辑值（TRUE/FALSE）。请改为数值。",
                    f"{name!r} must contain numbers; received booleans ({_describe(x)}).",
                )
            )
        flat = raw.ravel()
        out = np.empty(flat.shape, dtype=float)
        for i, v in enumerate(flat):  # object arrays only: conversion, not a hot path
            if v is None:
                out[i] = np.nan
            elif isinstance(v, (bool, np.bool_)):
                raise AggloValueError(
                    _m.text(
                        f"{name!r} 只能是数值；{_position_zh(np.unravel_index(i, raw.shape), name, raw.shape)}是逻辑值 {v!r}。请改为数值。",
                        f"{name!r} must contain numbers only; found the boolean {v!r} at "
                        f"{_position(np.unravel_index(i, raw.shape), labels, name, raw.shape)}.",
                    )
                )
            elif isinstance(v, numbers.Real):
                out[i] = float(v)
            else:
                if isinstance(v, (list, tuple, np.ndarray)):
                    raise AggloValueError(
                        _m.text(
                            f"{name!r} 必须是矩形数值区域；收到的嵌套行长度或层数不同。请选择整齐的矩形区域。",
                            f"{name!r} must be a rectangular array of numbers; received nested "
                            f"rows of different lengths or depths ({_describe(x)}).",
                        )
                    )
                pos = np.unravel_index(i, raw.shape)
                raise AggloValueError(
                    _m.text(
                        f"{name!r} 只能是数值，{_position_zh(pos, name, raw.shape)}是 {str(v)[:30]!r}。"
                        "请删去文字或改为数值（空格可留空）。",
                        f"{name!r} must contain numbers only; found {_describe(v)[:60] if not isinstance(v, str) else 'the text ' + repr(v)} at "
                        f"{_position(pos, labels, name, raw.shape)}. "
                        "Remove text or convert it to a number (blank cells may be left empty).",
                    )
                )
        arr = out.reshape(raw.shape)
    elif raw.dtype.kind in "iuf":
        arr = np.array(raw, dtype=float, copy=True)
    else:
        raise AggloValueError(
            _m.text(
                f"{name!r} 必须是数值；收到 {_describe(x)}。请选择数值区域。",
                f"{name!r} must contain numbers; received {_describe(x)}.",
            )
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            shape_word = {
                0: "a single number",
                1: "a 1-D list of numbers",
                2: "a 2-D block (rows × columns)",
            }
            expected = " or ".join(shape_word.get(d, f"{d}-D array") for d in allowed)
            raise AggloValueError(
                _m.text(
                    f"{name!r} 的维数不对（收到 {arr.ndim} 维）。请按要求选择单个数值、一行/一列或行×列区域。",
                    f"{name!r} must be {expected}; received {_describe(x)} with {arr.ndim} dimension(s).",
                )
            )
    if arr.size < min_size:
        raise AggloValueError(
            _m.text(
                f"{name!r} 至少需要 {min_size} 个数值；收到 {arr.size} 个。请选择非空区域。",
                f"{name!r} must have at least {min_size} value(s); received {_describe(x)} "
                f"with {arr.size}. Select a non-empty range.",
            )
        )
    # One reduction proves the common case (no NaN, no ±inf: a finite sum) and one more
    # the sign (the minimum), without full-size masks; anything else — or a sum that
    # overflows — takes the exact checks below, which word the message.
    clean = arr.size > 0 and math.isfinite(float(np.add.reduce(arr, axis=None)))
    if clean and (positive or non_negative):
        low = float(np.minimum.reduce(arr, axis=None))
        clean = low > 0 if positive else low >= 0
    if not clean:
        _check_values(arr, name, labels, allow_nan, allow_inf, positive, non_negative)
    return arr


def _check_values(
    arr: np.ndarray,
    name: str,
    labels: Any,
    allow_nan: bool,
    allow_inf: bool,
    positive: bool,
    non_negative: bool,
) -> None:
    """The exact checks of :func:`as_array` (NaN, ±inf, sign), naming the first bad value."""
    nan_mask = np.isnan(arr)
    if not allow_nan and nan_mask.any():
        pos = np.unravel_index(int(np.flatnonzero(nan_mask.ravel())[0]), arr.shape)
        raise AggloValueError(
            _m.text(
                f"{name!r} 不能有缺失值，{_position_zh(pos, name, arr.shape)}为空。请补上或去掉该行。",
                f"{name!r} must not contain missing values (NaN/blank); found one at "
                f"{_position(pos, labels, name, arr.shape)}. Fill it in or remove that row.",
            )
        )
    inf_mask = np.isinf(arr)
    if not allow_inf and inf_mask.any():
        pos = np.unravel_index(int(np.flatnonzero(inf_mask.ravel())[0]), arr.shape)
        raise AggloValueError(
            _m.text(
                f"{name!r} 须是有限数值，{_position_zh(pos, name, arr.shape)}是 {arr[pos]}。请检查该单元格。",
                f"{name!r} must be finite; found {arr[pos]} at {_position(pos, labels, name, arr.shape)}.",
            )
        )
    if positive or non_negative:
        with np.errstate(invalid="ignore"):
            bad = arr <= 0 if positive else arr < 0
        if bad.any():
            pos = np.unravel_index(int(np.flatnonzero(bad.ravel())[0]), arr.shape)
            word = "positive (> 0)" if positive else "non-negative (>= 0)"
            zh = "正数（> 0）" if positive else "非负数（≥ 0）"
            raise AggloValueError(
                _m.text(
                    f"{name!r} 须是{zh}，{_position_zh(pos, name, arr.shape)}是 {arr[pos]:g}。"
                    "请检查该值的符号或单位（增长率等可正可负的量不能计算份额）。",
                    f"{name!r} must be {word}; found {arr[pos]:g} at {_position(pos, labels, name, arr.shape)}. "
                    "Check the sign or the unit of that value.",
                )
            )


def as_matrix(x: Any, name: str, **kwargs: Any) -> np.ndarray:
    """:func:`as_array` for a 2-D block ``(n_regions, k_industries)``; a Series is one column.

    Examples
    --------
    >>> as_matrix([[1, 2], [3, 4]], "data").shape
    (2, 2)
    """
    if isinstance(x, pd.Series):
        x = x.to_frame()
    kwargs.setdefault("ndim", 2)
    return as_array(x, name, **kwargs)


def as_vector(x: Any, name: str, **kwargs: Any) -> np.ndarray:
    """:func:`as_array` for a 1-D vector; a single row or column of a 2-D range is flattened.

    Examples
    --------
    >>> as_vector([[1], [2], [3]], "values")
    array([1., 2., 3.])
    """
    arr = as_array(x, name, ndim=(0, 1, 2), **kwargs)
    if arr.ndim == 2:
        if 1 not in arr.shape:
            raise AggloValueError(
                _m.text(
                    f"{name!r} 必须是单行或单列数值；收到 {arr.shape} 的区域。请只选一行或一列。",
                    f"{name!r} must be a single row or column of numbers; received a block of "
                    f"shape {arr.shape}.",
                )
            )
        arr = arr.ravel()
    return np.atleast_1d(arr)


def as_option(value: Any, name: str, options: Iterable[Any]) -> Any:
    """Check that ``value`` is one of ``options`` (strings compared case-insensitively).

    Examples
    --------
    >>> as_option("Eigen", "method", ("eigen", "sum"))
    'eigen'
    >>> as_option("mean", "method", ("eigen", "sum"))
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'method' 必须是 'eigen', 'sum' 之一；收到 'mean'。 / 'method' must be one of 'eigen', 'sum'; received 'mean'.
    """
    options = tuple(options)
    if isinstance(value, str):
        key = value.strip().lower()
        for opt in options:
            if isinstance(opt, str) and opt.lower() == key:
                return opt
    elif value in options:
        return value
    listed = ", ".join(repr(o) for o in options)
    raise AggloValueError(
        _m.text(
            f"{name!r} 必须是 {listed} 之一；收到 {value!r}。",
            f"{name!r} must be one of {listed}; received {value!r}.",
        )
    )


def as_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Check that ``value`` is a whole number ``>= minimum`` (floats like 4.0 are accepted).

    Examples
    --------
    >>> as_positive_int(4.0, "n")
    4
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise AggloValueError(
            _m.text(
                f"{name!r} 必须是不小于 {minimum} 的整数；收到 {value!r}。",
                f"{name!r} must be a whole number >= {minimum}; received {value!r}.",
            )
        )
    if not float(value).is_integer() or value < minimum:
        raise AggloValueError(
            _m.text(
                f"{name!r} 必须是不小于 {minimum} 的整数；收到 {value!r}。",
                f"{name!r} must be a whole number >= {minimum}; received {value!r}.",
            )
        )
    return int(value)


def as_weights(w: Any, name: str, n: int, *, normalize: bool = True) -> np.ndarray:
    """Check a weight vector of length ``n`` (non-negative, finite, not all zero).

    With ``normalize`` the weights are divided by their sum.

    Examples
    --------
    >>> as_weights([1, 1, 2], "weights", 3)
    array([0.25, 0.25, 0.5 ])
    """
    arr = as_vector(w, name, allow_nan=False, non_negative=True)
    if arr.size != n:
        raise AggloValueError(
            _m.text(
                f"{name!r} 的权重个数须等于指标数 {n}；收到 {arr.size} 个。请每个指标给一个权重。",
                f"{name!r} must have one weight per indicator ({n}); received {arr.size}.",
            )
        )
    total = arr.sum()
    if total <= 0:
        raise AggloValueError(
            _m.text(
                f"{name!r} 的权重不能全为 0。请至少给一个正权重。",
                f"{name!r} must not be all zero; received {arr.tolist()}.",
            )
        )
    return arr / total if normalize else arr


def as_rng(rng: Any) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from ``None``, a seed or a Generator.

    Global random state is never used.

    Examples
    --------
    >>> bool(as_rng(1).integers(10) == as_rng(1).integers(10))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    raise AggloValueError(
        _m.text(
            f"'rng' 必须是 None、整数种子或 numpy Generator；收到 {_describe(rng)}。",
            f"'rng' must be None, an integer seed or a numpy Generator; received {_describe(rng)}.",
        )
    )


def check_same_length(**arrays: np.ndarray) -> int:
    """Raise unless all 1-D arrays have the same length; return that length.

    Examples
    --------
    >>> check_same_length(x=np.ones(3), y=np.ones(3))
    3
    """
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k!r} has {n}" for k, n in lengths.items())
        desc_zh = "，".join(f"{k!r} 有 {n} 个" for k, n in lengths.items())
        raise AggloValueError(
            _m.text(
                f"各参数的长度必须相同；{desc_zh}。请选择大小相同的区域。",
                f"The arguments must have the same length; {desc}. Select ranges of equal size.",
            )
        )
    return next(iter(lengths.values()))


def align_labels(value: Any, labels: Any, name: str, *, what: str = "rows of 'data'") -> Any:
    """Match a labelled 1-D argument (a Series) to the labels of the block's axis.

    A Series whose index equals ``labels`` is returned as is; one whose labels are the
    same set in another order is reordered to ``labels`` (matched by label, never by
    position); a Series with a default 0..n−1 index, or any non-Series value, is
    positional and returned unchanged.  Other labels raise, so totals or weights are
    never silently paired with the wrong region or industry.

    Examples
    --------
    >>> align_labels(pd.Series([2, 1], index=["b", "a"]), pd.Index(["a", "b"]), "w").tolist()
    [1, 2]
    >>> align_labels(pd.Series([2, 1], index=["b", "x"]), pd.Index(["a", "b"]), "w")
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'w' 的标签与区域的标签不一致... / 'w' is labelled but its labels do not match the rows of 'data' (...
    """
    if labels is None or not isinstance(value, pd.Series):
        return value
    idx = value.index
    labels = pd.Index(labels)
    if idx.equals(labels):
        return value
    if isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1:
        return value
    if len(idx) == len(labels) and idx.is_unique and labels.is_unique and set(idx) == set(labels):
        return value.reindex(labels)
    extra = [lab for lab in idx if lab not in set(labels)][:3]
    missing = [lab for lab in labels if lab not in set(idx)][:3]
    raise AggloValueError(
        _m.text(
            f"{name!r} 的标签与区域的标签不一致（多出：{extra}；缺少：{missing}）。请使用相同的标签，或传入无标签的列表按位置对应。",
            f"{name!r} is labelled but its labels do not match the {what} (not in the block: "
            f"{extra}; missing: {missing}). Give it the same labels, e.g. "
            f"{name}.reindex(data.index), or pass a plain list to match by position.",
        )
    )


def wrap_like(
    result: Any,
    template: Any,
    *,
    index: Any = None,
    columns: Any = None,
    name: str | None = None,
) -> Any:
    """Return ``result`` as pandas with the labels of ``template`` when ``template`` is pandas.

    ``index``/``columns`` override the labels taken from the template (use them when
    the result's axes are, say, the template's columns).  A NumPy template (or list)
    leaves ``result`` untouched.

    Examples
    --------
    >>> df = pd.DataFrame([[1, 2]], index=["A"], columns=["x", "y"])
    >>> wrap_like(np.array([[0.5, 0.5]]), df)
         x    y
    A  0.5  0.5
    """
    if not isinstance(template, (pd.DataFrame, pd.Series)):
        return result
    arr = np.asarray(result)
    if isinstance(template, pd.DataFrame):
        idx = template.index if index is None else index
        cols = template.columns if columns is None else columns
    else:
        idx = template.index if index is None else index
        cols = columns
    if arr.ndim == 2:
        return pd.DataFrame(arr, index=idx, columns=cols)
    if arr.ndim == 1:
        lab = idx if len(idx) == len(arr) else cols
        return pd.Series(arr, index=lab, name=name)
    return result
