r"""Normalisation (无量纲化) of indicator blocks with indicator directions.

A block has regions (or region-years) in rows and indicators in columns.  Every
indicator has a *direction*:

=============  ==========================================  ==============================
direction      meaning                                     accepted spellings
=============  ==========================================  ==============================
positive       larger is better (效益型, 正向)              ``'+'``, ``'positive'``, ``'benefit'``, ``'max'``, ``'正向'``, ``'正'``, ``'效益型'``
negative       smaller is better (成本型, 负向, 逆向)        ``'-'``, ``'−'`` (U+2212), ``'–'``, ``'negative'``, ``'cost'``, ``'min'``, ``'负向'``, ``'负'``, ``'逆向'``, ``'成本型'``
moderate       best at a value x* (适度型, 中间型)           ``'moderate'``, ``'middle'``, ``'适度'``, ``'中间型'`` …, with x* as ``'moderate:7'`` or ``best=``
interval       best inside [a, b] (区间型)                  ``'interval'``, ``'range'``, ``'区间'``, ``'区间型'``, with [a, b] as ``'interval:10:20'`` or ``interval=``
=============  ==========================================  ==============================

The compact spellings ``'moderate:7'`` and ``'interval:10:20'`` (also ``'interval:10,20'``
and the full-width colon ``'：'``) let a worksheet pass one row of direction strings.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import _messages as _m
from ._pandas import pd
from ._validation import AggloValueError, as_array, as_option, as_positive_int, labels_of

__all__ = ["normalize", "parse_directions"]

POSITIVE, NEGATIVE, MODERATE, INTERVAL = 0, 1, 2, 3
_KIND_NAMES = ("positive", "negative", "moderate", "interval")

_WORDS = {
    POSITIVE: {
        "+",
        "positive",
        "benefit",
        "max",
        "larger",
        "正向",
        "正",
        "正向指标",
        "效益型",
        "效益",
        "极大型",
    },
    NEGATIVE: {
        "-",
        "\u2212",
        "\u2013",
        "negative",
        "cost",
        "min",
        "smaller",
        "负向",
        "负",
        "负向指标",
        "逆向",
        "逆向指标",
        "成本型",
        "成本",
        "极小型",
    },
    MODERATE: {"moderate", "middle", "mid", "target", "适度", "适度型", "中间型", "中性", "适中"},
    INTERVAL: {"interval", "range", "区间", "区间型"},
}
_LOOKUP = {word: kind for kind, words in _WORDS.items() for word in words}

METHODS = ("minmax", "zscore", "vector", "mean", "initial")
# value given to a column whose divisor is zero (max = min, s = 0, ‖x‖ = 0, mean = 0, x_1 = 0)
_NATURAL_CONSTANT = {"minmax": 1.0, "zscore": 0.0, "vector": 0.0, "mean": 1.0, "initial": 1.0}


@dataclasses.dataclass(frozen=True)
class Directions:
    """Parsed directions: one kind code per column plus x* and [a, b] (NaN where unused)."""

    kind: np.ndarray
    best: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @property
    def all_positive(self) -> bool:
        return bool((self.kind == POSITIVE).all())

    def describe(self) -> list[str]:
        """Compact strings ('+', '-', 'moderate:7', 'interval:10:20'), one per column."""
        out = []
        for k, b, lo, hi in zip(self.kind, self.best, self.low, self.high, strict=True):
            if k == POSITIVE:
                out.append("+")
            elif k == NEGATIVE:
                out.append("-")
            elif k == MODERATE:
                out.append(f"moderate:{b:g}")
            else:
                out.append(f"interval:{lo:g}:{hi:g}")
        return out


def _number(text: str, what: str, raw: Any) -> float:
    try:
        return float(text)
    except ValueError:
        raise AggloValueError(
            _m.text(
                f"'directions' 中 {raw!r} 的参数 {text!r} 不是数值。请写成如 'moderate:7' 或 'interval:10:20'。",
                f"'directions' has {raw!r}, whose {what} {text!r} is not a number. "
                "Write e.g. 'moderate:7' or 'interval:10:20'.",
            )
        ) from None


def _parse_one(raw: Any) -> tuple[int, float, float, float]:
    """Parse one direction entry into (kind, x*, a, b)."""
    nan = float("nan")
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        # 1 / -1 as in some spreadsheets
        if raw == 1:
            return POSITIVE, nan, nan, nan
        if raw == -1:
            return NEGATIVE, nan, nan, nan
    if not isinstance(raw, str):
        raise AggloValueError(
            _m.text(
                f"'directions' 指标方向须为 '+'、'-'、'moderate:7' 或 'interval:10:20' 这样的文字（或 1 / -1）；收到 {raw!r}。",
                f"'directions' entries must be text such as '+', '-', 'moderate:7' or "
                f"'interval:10:20' (or 1 / -1); received {raw!r}.",
            )
        )
    text = raw.strip().replace("：", ":").replace("，", ",").lower()
    head, _, rest = text.partition(":")
    head = head.strip()
    if not text:
        raise AggloValueError(
            _m.text(
                "'directions' 有空项；请写 '+' 或 '-'。",
                "'directions' has an empty entry; write '+' or '-'.",
            )
        )
    kind = _LOOKUP.get(head)
    if kind is None:
        raise AggloValueError(
            _m.text(
                f"'directions' 中的 {raw!r} 不是已知的指标方向。请用 '+'（正向）、'-'（负向）、"
                "'moderate:x*'（适度型）或 'interval:a:b'（区间型）。",
                f"'directions' has {raw!r}, which is not a known direction. Use '+' (positive, "
                "正向), '-' (negative, 负向), 'moderate:x*' (适度型) or 'interval:a:b' (区间型).",
            )
        )
    params = [p for p in re.split(r"[:,;]", rest) if p.strip()] if rest else []
    if kind in (POSITIVE, NEGATIVE):
        if params:
            raise AggloValueError(
                _m.text(
                    f"'directions' 中 {raw!r} 有误：'+' 和 '-' 不带参数。",
                    f"'directions' has {raw!r}; '+' and '-' take no parameter.",
                )
            )
        return kind, nan, nan, nan
    if kind == MODERATE:
        if len(params) > 1:
            raise AggloValueError(
                _m.text(
                    f"'directions' 中 {raw!r} 有误：适度指标只带一个最佳值，如 'moderate:7'。",
                    f"'directions' has {raw!r}; a moderate direction takes one best value, "
                    "e.g. 'moderate:7'.",
                )
            )
        best = _number(params[0].strip(), "best value", raw) if params else nan
        return kind, best, nan, nan
    if len(params) not in (0, 2):
        raise AggloValueError(
            _m.text(
                f"'directions' 中 {raw!r} 有误：区间指标带两个界值，如 'interval:10:20'。",
                f"'directions' has {raw!r}; an interval direction takes two bounds, "
                "e.g. 'interval:10:20'.",
            )
        )
    if params:
        a = _number(params[0].strip(), "lower bound", raw)
        b = _number(params[1].strip(), "upper bound", raw)
        return kind, nan, a, b
    return kind, nan, nan, nan


def _per_column(value: Any, name: str, n: int, columns: Any, pair: bool) -> list[Any]:
    """Spread ``best``/``interval`` over columns: a scalar (or pair) for all, a list, or a dict."""
    if value is None:
        return [None] * n
    if isinstance(value, Mapping):
        out: list[Any] = [None] * n
        cols = list(columns) if columns is not None else list(range(n))
        for key, v in value.items():
            if key in cols:
                out[cols.index(key)] = v
            elif isinstance(key, (int, np.integer)) and 0 <= key < n:
                out[int(key)] = v
            else:
                raise AggloValueError(
                    _m.text(
                        f"{name!r} 指定的列 {key!r} 不在区域中（列：{cols[:10]}{(' …' if len(cols) > 10 else '')}）。",
                        f"{name!r} names the column {key!r}, which is not in the block "
                        f"(columns: {cols[:10]}{' …' if len(cols) > 10 else ''}).",
                    )
                )
        return out
    if pair:
        if (
            isinstance(value, (tuple, list, np.ndarray))
            and len(value) == 2
            and all(isinstance(v, (int, float, np.integer, np.floating)) for v in value)
        ):
            return [tuple(value)] * n
    elif isinstance(value, (int, float, np.integer, np.floating)):
        return [value] * n
    seq = list(value)
    if len(seq) != n:
        raise AggloValueError(
            _m.text(
                f"{name!r} 必须是对所有列的一个值、每列一个值（{n} 个）或 {{列: 值}} 字典；收到 {len(seq)} 个。",
                f"{name!r} must be one value for all columns, one per column ({n}), or a dict "
                f"{{column: value}}; received {len(seq)} values.",
            )
        )
    return seq


def parse_directions(
    directions: Any,
    n: int,
    *,
    columns: Any = None,
    best: Any = None,
    interval: Any = None,
) -> Directions:
    r"""Parse indicator directions (指标方向: 正向, 负向, 居中型, 区间型) for a block with ``n`` columns.

    Parameters
    ----------
    directions : None, str, sequence of str, or dict
        ``None`` means every indicator is positive.  A single string applies to every
        column.  A sequence gives one entry per column: ``'+'``, ``'-'`` (also ``'−'``,
        ``'positive'``, ``'negative'``, ``'benefit'``, ``'cost'``, ``'正向'``, ``'负向'``, 1,
        -1), ``'moderate'``/``'moderate:x*'`` or ``'interval'``/``'interval:a:b'``.  A dict
        ``{column label: direction}`` sets the named columns; the others are positive.
    n : int
        Number of columns.
    columns : sequence, optional
        Column labels (for dict input and messages).
    best : float, sequence or dict, optional
        The best value x* of moderate columns (one number for all of them, one entry per
        column, or ``{column: x*}``).  Overrides nothing: a column may get x* either here or
        in its direction string, not both.
    interval : pair, sequence of pairs or dict, optional
        The best range [a, b] of interval columns, given the same ways.

    Returns
    -------
    Directions
        ``kind`` (0 positive, 1 negative, 2 moderate, 3 interval), ``best``, ``low``,
        ``high`` arrays of length ``n``; ``describe()`` gives the compact strings.

    Raises
    ------
    AggloValueError
        Unknown direction, wrong number of entries, a moderate column without x*, an
        interval column without [a, b] or with a > b.

    Notes
    -----
    Each kind selects the min–max transform of :func:`normalize` (larger is better after
    it), with x* and [a, b] taken from the parsed parameters:

    .. math::

        z^+ = \frac{x - \min}{\max - \min},\quad z^- = \frac{\max - x}{\max - \min},\quad
        z^{mod} = 1 - \frac{|x - x^*|}{\max|x - x^*|},\quad
        z^{int} = 1 - \frac{\max(a - x,\, x - b,\, 0)}{M}.

    References
    ----------
    The indicator types (极大型, 极小型, 居中型, 区间型) and their conversion formulas are
    those of :func:`normalize`; see its References: [ceramics], [hwang_yoon_1981] and
    [yang_sun_2015] in docs/references.md.

    Examples
    --------
    >>> parse_directions(["+", "−", "moderate:7", "interval:10:20"], 4).describe()
    ['+', '-', 'moderate:7', 'interval:10:20']
    >>> parse_directions("负向", 2).describe()
    ['-', '-']
    >>> parse_directions(["+", "moderate"], 2)
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 适度指标第2列缺少最佳值 'best'... / 'best' is missing for the moderate column 2: give it as 'moderate:x*' in 'directions' or through best=.
    """
    n = as_positive_int(n, "n")
    cols = list(columns) if columns is not None else None
    if directions is None:
        entries: list[Any] = ["+"] * n
    elif isinstance(directions, str) or not hasattr(directions, "__iter__"):
        entries = [directions] * n
    elif isinstance(directions, Mapping):
        entries = ["+"] * n
        labels = cols if cols is not None else list(range(n))
        for key, v in directions.items():
            if key in labels:
                entries[labels.index(key)] = v
            elif isinstance(key, (int, np.integer)) and 0 <= key < n:
                entries[int(key)] = v
            else:
                raise AggloValueError(
                    _m.text(
                        f"'directions' 指定的列 {key!r} 不在区域中。",
                        f"'directions' names the column {key!r}, which is not in the block.",
                    )
                )
    else:
        entries = list(np.asarray(directions, dtype=object).ravel())
        if len(entries) != n:
            raise AggloValueError(
                _m.text(
                    f"'directions' 须为每个指标列给一项（{n} 项）或用一个字符串表示全部；收到 {len(entries)} 项。",
                    f"'directions' must have one entry per indicator column ({n}) or be a single "
                    f"string for all; received {len(entries)} entries.",
                )
            )
    parsed = [_parse_one(e) for e in entries]
    kind = np.array([p[0] for p in parsed], dtype=np.int8)
    bst = np.array([p[1] for p in parsed], dtype=float)
    low = np.array([p[2] for p in parsed], dtype=float)
    high = np.array([p[3] for p in parsed], dtype=float)
    best_list = _per_column(best, "best", n, cols, pair=False)
    int_list = _per_column(interval, "interval", n, cols, pair=True)

    def where(j: int) -> str:
        return f"column {j + 1}" + (f" ({cols[j]!r})" if cols is not None else "")

    for j in range(n):
        b = best_list[j]
        if b is not None and not (isinstance(b, float) and np.isnan(b)) and kind[j] == MODERATE:
            if not np.isnan(bst[j]):
                raise AggloValueError(
                    _m.text(
                        f"'best' 和 'directions' 都给出了第{j + 1}列的最佳值 x*；请只给一次。",
                        f"'best' and 'directions' both give x* for {where(j)}; give it once.",
                    )
                )
            bst[j] = float(b)
        if kind[j] == MODERATE and np.isnan(bst[j]):
            raise AggloValueError(
                _m.text(
                    f"适度指标第{j + 1}列缺少最佳值 'best'：请在 'directions' 中写 'moderate:x*' 或用 best= 给出。",
                    f"'best' is missing for the moderate {where(j)}: give it as 'moderate:x*' in "
                    "'directions' or through best=.",
                )
            )
        iv = int_list[j]
        if iv is not None and kind[j] == INTERVAL:
            if not np.isnan(low[j]):
                raise AggloValueError(
                    _m.text(
                        f"'interval' 和 'directions' 都给出了第{j + 1}列的区间 [a, b]；请只给一次。",
                        f"'interval' and 'directions' both give [a, b] for {where(j)}; give it once.",
                    )
                )
            try:
                a, bb = (float(v) for v in iv)
            except (TypeError, ValueError):
                raise AggloValueError(
                    _m.text(
                        f"第{j + 1}列的 'interval' 必须是一对数 (a, b)；收到 {iv!r}。",
                        f"'interval' for {where(j)} must be a pair (a, b); received {iv!r}.",
                    )
                ) from None
            low[j], high[j] = a, bb
        if kind[j] == INTERVAL:
            if np.isnan(low[j]) or np.isnan(high[j]):
                raise AggloValueError(
                    _m.text(
                        f"区间指标第{j + 1}列缺少 'interval'：请在 'directions' 中写 'interval:a:b' 或用 interval=(a, b) 给出。",
                        f"'interval' is missing for the interval {where(j)}: give it as "
                        "'interval:a:b' in 'directions' or through interval=(a, b).",
                    )
                )
            if low[j] > high[j]:
                raise AggloValueError(
                    _m.text(
                        f"第{j + 1}列的 'interval' 必须 a <= b；收到 [{low[j]:g}, {high[j]:g}]。",
                        f"'interval' for {where(j)} must have a <= b; received [{low[j]:g}, {high[j]:g}].",
                    )
                )
    return Directions(kind, bst, low, high)


def _fill_degenerate(
    Z: np.ndarray, bad: np.ndarray, constant: Any, method: str, cols: Any
) -> np.ndarray:
    """Apply the constant-column policy to the columns flagged in ``bad``."""
    if not bad.any():
        return Z
    if constant == "raise":
        j = int(np.flatnonzero(bad)[0])
        lab = f" ({list(cols)[j]!r})" if cols is not None else ""
        raise AggloValueError(
            _m.text(
                f"'matrix' 第{j + 1}列{lab}无法用 method={method!r} 标准化：除数为 0（常数列、全 0 列，或均值/首值为 0）。请删去该列或用 constant= 指定取值。",
                f"'matrix' column {j + 1}{lab} cannot be normalised with method={method!r}: its "
                "divisor is 0 (a constant or all-zero column, or a mean or first value of 0). "
                "Remove the column or set "
                "constant= to the value it should take.",
            )
        )
    value = (
        _NATURAL_CONSTANT[method]
        if constant is None
        else (np.nan if constant == "nan" else float(constant))
    )
    Z[:, bad] = value
    return Z


def _shaped(X: np.ndarray, d: Directions, nan: bool) -> np.ndarray:
    """The moderate and interval columns of ``X`` mapped onto [0, 1] (larger = better)."""
    shaped = d.kind >= MODERATE
    out = np.empty((X.shape[0], int(shaped.sum())))
    sub_kind = d.kind[shaped]
    mod = sub_kind == MODERATE
    itv = sub_kind == INTERVAL
    x_all = X[:, shaped]
    if mod.any():
        dist = np.abs(x_all[:, mod] - d.best[shaped][mod])
        dmax = (np.nanmax if nan else np.max)(dist, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            # every value at x* (dmax = 0): all are at the best, so 1
            out[:, mod] = np.where(dmax > 0, 1.0 - dist / np.where(dmax > 0, dmax, 1.0), 1.0)
    if itv.any():
        x = x_all[:, itv]
        a, b = d.low[shaped][itv], d.high[shaped][itv]
        xmin = (np.nanmin if nan else np.min)(x, axis=0)
        xmax = (np.nanmax if nan else np.max)(x, axis=0)
        M = np.maximum(a - xmin, xmax - b)
        Msafe = np.where(M > 0, M, 1.0)
        val = np.ones_like(x)
        val = np.where(x < a, 1.0 - (a - x) / Msafe, val)
        val = np.where(x > b, 1.0 - (x - b) / Msafe, val)
        val[np.isnan(x)] = np.nan
        out[:, itv] = val
    return out


def _positivise(X: np.ndarray, d: Directions, nan: bool) -> np.ndarray:
    """A copy of ``X`` whose moderate and interval columns are mapped onto [0, 1]."""
    P = X.copy()
    shaped = d.kind >= MODERATE
    if shaped.any():
        P[:, shaped] = _shaped(X, d, nan)
    return P


def _column_norms(X: np.ndarray, nan: bool = False) -> np.ndarray:
    """Euclidean norm of each column, safe against under- and overflow of x²."""
    if nan:
        norm = np.sqrt(np.nansum(X * X, axis=0))
    else:
        norm = np.sqrt(np.einsum("ij,ij->j", X, X))
    risky = ~((norm > 1e-150) & (norm < 1e150))
    if risky.any():  # rescale only the few columns with extreme magnitudes
        sub = X[:, risky]
        scale = np.nanmax(np.abs(sub), axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        norm[risky] = scale * np.sqrt(np.nansum((sub / scale) ** 2, axis=0))
    return norm


def _normalize_2d(
    X: np.ndarray,
    d: Directions,
    method: str,
    feature_range: tuple[float, float] | None,
    constant: Any,
    ddof: int = 1,
    cols: Any = None,
    *,
    has_nan: bool | None = None,
) -> np.ndarray:
    """Normalise a float block (rows pooled) column by column; returns a new array.

    ``has_nan=False`` skips the scan for blanks (callers that validated with allow_nan=False).
    """
    if has_nan is False:
        return _normalize_core(X, d, method, feature_range, constant, ddof, cols, False)
    nan_mask = np.isnan(X)
    nan = bool(nan_mask.any())
    Z = _normalize_core(X, d, method, feature_range, constant, ddof, cols, nan)
    if nan:  # blank cells stay blank (a constant-column fill must not overwrite them)
        Z[nan_mask] = np.nan
    return Z


def _normalize_core(
    X: np.ndarray,
    d: Directions,
    method: str,
    feature_range: tuple[float, float] | None,
    constant: Any,
    ddof: int,
    cols: Any,
    nan: bool,
) -> np.ndarray:
    mn = np.nanmin if nan else np.min
    mx = np.nanmax if nan else np.max
    shaped = d.kind >= MODERATE
    neg = d.kind == NEGATIVE
    plain = ~shaped
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            lo = mn(X, axis=0)
            hi = mx(X, axis=0)
            rng = hi - lo
            bad = plain & ~(rng > 0)
            rsafe = np.where(bad, 1.0, rng)
            # one pass: (x − min)/r for positive, (x − max)/(−r) = (max − x)/r for negative
            Z = X - np.where(neg, hi, lo)
            Z /= np.where(neg, -rsafe, rsafe)
            if neg.any():
                Z += 0.0  # turn the −0.0 of (max − max)/(−r) into 0.0
            if shaped.any():
                Z[:, shaped] = _shaped(X, d, nan)
            Z = _fill_degenerate(Z, bad, constant, method, cols)
            if feature_range is not None:
                a, b = feature_range
                Z *= b - a
                Z += a
            return Z
        if feature_range is not None:
            raise AggloValueError(
                _m.text(
                    f"'feature_range' 只用于 method='minmax'；收到 method={method!r}。",
                    f"'feature_range' applies to method='minmax' only; received method={method!r}.",
                )
            )
        if shaped.any():
            X = _positivise(X, d, nan)
        if method == "vector":
            norm = _column_norms(X, nan)
            bad = ~(norm > 0)
            Z = X / np.where(bad, 1.0, norm)
            Z = _fill_degenerate(Z, bad, constant, method, cols)
            # cost columns: 1 − x/‖x‖ (keeps TOPSIS distances identical to a min ideal)
            Z[:, neg] = 1.0 - Z[:, neg]
            return Z
        if method == "zscore":
            mu = (np.nanmean if nan else np.mean)(X, axis=0)
            sd = (np.nanstd if nan else np.std)(X, axis=0, ddof=ddof)
            bad = ~(sd > 0)
            Z = (X - mu) / np.where(bad, 1.0, sd)
            Z[:, neg] = -Z[:, neg]
            return _fill_degenerate(Z, bad, constant, method, cols)
        # mean (均值化) and initial (初值化) have no direction handling
        if (d.kind != POSITIVE).any():
            j = int(np.flatnonzero(d.kind != POSITIVE)[0])
            raise AggloValueError(
                _m.text(
                    f"method={method!r} 时 'directions' 必须为正向 ('+')（第{j + 1}列不是）；处理指标方向请用 method='minmax'。",
                    f"'directions' must be positive ('+') for method={method!r} (column {j + 1} is "
                    f"{_KIND_NAMES[d.kind[j]]}); use method='minmax' to handle directions.",
                )
            )
        if method == "mean":
            div = (np.nanmean if nan else np.mean)(X, axis=0)
        else:
            div = X[0].copy()
        bad = ~(div != 0) & ~np.isnan(div)
        Z = X / np.where(bad, 1.0, div)
        # An all-zero column is the degenerate case of the constant policy; a zero divisor
        # in a column with other non-zero values (a series starting at 0) makes x/0
        # undefined: NaN unless the caller chose a fill value or 'raise'.
        undefined = bad & (np.abs(X) > 0).any(axis=0)
        Z = _fill_degenerate(Z, bad & ~undefined, constant, method, cols)
        if undefined.any():
            if constant is None:
                Z[:, undefined] = np.nan
            else:
                Z = _fill_degenerate(Z, undefined, constant, method, cols)
        return Z


def _check_range(feature_range: Any) -> tuple[float, float] | None:
    if feature_range is None:
        return None
    vals = as_array(feature_range, "feature_range", ndim=1, allow_nan=False)
    if vals.size != 2 or not vals[0] < vals[1]:
        raise AggloValueError(
            _m.text(
                f"'feature_range' 必须是两个数 (low, high) 且 low < high，如 (0.01, 0.99)；收到 {np.asarray(feature_range).tolist()}。",
                f"'feature_range' must be two numbers (low, high) with low < high, e.g. "
                f"(0.01, 0.99); received {np.asarray(feature_range).tolist()}.",
            )
        )
    return float(vals[0]), float(vals[1])


def _check_constant(constant: Any) -> Any:
    if constant is None or constant in ("nan", "raise"):
        return constant
    if isinstance(constant, str):
        return as_option(constant, "constant", ("nan", "raise"))
    if isinstance(constant, (int, float, np.integer, np.floating)) and not isinstance(
        constant, bool
    ):
        return float(constant)
    raise AggloValueError(
        _m.text(
            f"'constant' 必须是 None、一个数、'nan' 或 'raise'；收到 {constant!r}。",
            f"'constant' must be None, a number, 'nan' or 'raise'; received {constant!r}.",
        )
    )


def _split_panel(matrix: Any, period: Any) -> tuple[Any, np.ndarray | None]:
    """Separate the period key from a 2-D block; returns (block without the key, keys)."""
    if period is None:
        return matrix, None
    if isinstance(matrix, pd.DataFrame) and (isinstance(period, str) or np.isscalar(period)):
        if period in matrix.columns:
            return matrix.drop(columns=period), matrix[period].to_numpy()
        if period in (matrix.index.names or []):
            return matrix, matrix.index.get_level_values(period).to_numpy()
        raise AggloValueError(
            _m.text(
                f"'period' 指定的 {period!r} 既不是 'matrix' 的列也不是索引层（列：{list(matrix.columns)[:10]}）。",
                f"'period' names {period!r}, which is neither a column nor an index level of "
                f"'matrix' (columns: {list(matrix.columns)[:10]}, index levels: "
                f"{list(matrix.index.names)}).",
            )
        )
    keys = np.asarray(period, dtype=object).ravel()
    n = len(matrix) if hasattr(matrix, "__len__") else -1
    if keys.size != n:
        raise AggloValueError(
            _m.text(
                f"'period' 须指定一列或一个索引层，或每行给一个时期（{n} 个）；收到 {keys.size} 个。",
                f"'period' must name a column or index level, or give one period per row ({n}); "
                f"received {keys.size} values.",
            )
        )
    return matrix, keys


def _prepare(
    matrix: Any,
    directions: Any,
    *,
    best: Any = None,
    interval: Any = None,
    allow_nan: bool = True,
    name: str = "matrix",
) -> tuple[np.ndarray, Directions, tuple[Any, Any] | None, tuple[int, ...]]:
    """Validate a 2-D or 3-D block and parse its directions.

    Returns the block as a float 2-D array (a 3-D (T, R, K) panel is stacked to
    (T·R, K)), the directions, the pandas labels and the original shape.
    """
    if isinstance(matrix, pd.Series):
        matrix = matrix.to_frame()
    X = as_array(matrix, name, ndim=(2, 3), allow_nan=allow_nan)
    shape = X.shape
    if X.ndim == 3:
        X = X.reshape(-1, shape[2])
    labels = labels_of(matrix)
    cols = labels[1] if labels is not None else None
    d = parse_directions(directions, X.shape[1], columns=cols, best=best, interval=interval)
    return X, d, labels, shape


def normalize(
    matrix: Any,
    directions: Any = None,
    method: str = "minmax",
    *,
    feature_range: Any = None,
    best: Any = None,
    interval: Any = None,
    constant: Any = None,
    panel: str = "pooled",
    period: Any = None,
    ddof: int = 1,
) -> Any:
    r"""Normalise a block of indicators (无量纲化), taking each indicator's direction into account.

    Parameters
    ----------
    matrix : array_like of shape (n_rows, k_indicators), or (T, n_regions, k) for a panel
        Rows are regions (or region-years of a long panel table), columns are indicators.
        Blank cells (NaN) are skipped when column statistics are computed and stay NaN.
        A 3-D array is read as T periods × regions × indicators.
    directions : None, str, sequence or dict, optional
        Direction of each indicator (see :func:`parse_directions`): ``'+'``, ``'-'``,
        ``'moderate:x*'``, ``'interval:a:b'`` and their synonyms (``'positive'``,
        ``'negative'``, ``'benefit'``, ``'cost'``, ``'−'``, ``'正向'``, ``'负向'`` …).  One string
        applies to every column; default: all positive.
    method : {'minmax', 'zscore', 'vector', 'mean', 'initial'}
        ``'minmax'`` (极差标准化), ``'zscore'`` (Z 标准化), ``'vector'`` (向量/平方和归一化,
        L2), ``'mean'`` (均值化 x/x̄), ``'initial'`` (初值化 x/x₁, divide by the first row).
    feature_range : (low, high), optional
        Min–max into a shifted range, e.g. ``(0.01, 0.99)`` (SPSSAU 数据区间化) or
        ``(0.002, 0.998)``: z' = low + (high − low)·z.  Only with ``method='minmax'``.
    best : float, sequence or dict, optional
        x* of moderate indicators (alternative to ``'moderate:x*'``).
    interval : (a, b), sequence of pairs or dict, optional
        [a, b] of interval indicators (alternative to ``'interval:a:b'``).
    constant : None, float, 'nan' or 'raise'
        Value for a column whose divisor is zero (max = min for min–max, s = 0 for z-score,
        ‖x‖ = 0 for vector, x̄ = 0 for mean, x₁ = 0 for initial).  ``None`` (default) gives
        the method's natural value: 1 for min–max (every region ties at the best observed
        value; this is also what pymcdm returns, and the entropy method then gives the
        column e = 1 and weight 0), 0 for z-score (every value at the mean), 0 for an
        all-zero column under vector normalisation, 1 for an all-zero column under mean and
        initial value.  A column whose x̄ or x₁ is 0 while other values are not (a series
        starting at 0) is NaN under the default, x/0 being undefined.  With a
        ``feature_range`` the min–max value is mapped too (1 → high).
    panel : {'pooled', 'by_period'}
        For panel data.  ``'pooled'`` (default) computes min, max, … over all region-years
        together, so scores are comparable across years; ``'by_period'`` normalises each
        period on its own (not comparable across years).  A long table (one row per
        region-year) is pooled simply by passing it whole; a 3-D array is pooled over its
        first two axes.
    period : label or array, optional
        With ``panel='by_period'`` on a 2-D block: the column or index level holding the
        period (e.g. ``'年份'``), or one period key per row.  A column named here is
        dropped from the indicators in either mode.
    ddof : int
        Delta degrees of freedom of the z-score standard deviation (1 = sample standard
        deviation, as SPSS/SPSSAU and R ``scale``; 0 as scikit-learn).

    Returns
    -------
    ndarray or DataFrame
        Same shape and labels as the indicator block (a 3-D input gives a 3-D output).
        Larger is better in every column after direction handling (except ``'mean'`` and
        ``'initial'``, which accept positive indicators only).

    Raises
    ------
    AggloValueError
        Text in the block, wrong number of directions, unknown method or direction, a
        moderate/interval indicator without its parameters, a direction other than
        positive with ``'mean'``/``'initial'``, ``constant='raise'`` with a constant column.

    Notes
    -----
    Min–max with direction (B6 of the methods reference):

    .. math::

        z^+_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}},\qquad
        z^-_{ij} = \frac{\max_i x_{ij} - x_{ij}}{\max_i x_{ij} - \min_i x_{ij}},

        z^{mod}_{ij} = 1 - \frac{|x_{ij} - x^*_j|}{\max_i |x_{ij} - x^*_j|},\qquad
        z^{int}_{ij} = \begin{cases} 1 - (a - x_{ij})/M & x_{ij} < a\\ 1 & a \le x_{ij} \le b\\
        1 - (x_{ij} - b)/M & x_{ij} > b \end{cases},\quad M = \max(a - \min_i x_{ij},
        \max_i x_{ij} - b).

    Moderate and interval indicators are first mapped by these formulas; with the other
    methods the mapped values are then z-scored or L2-normalised.  Under ``'vector'``
    (:math:`r_{ij} = x_{ij}/\sqrt{\sum_i x_{ij}^2}`) a negative indicator becomes
    :math:`1 - r_{ij}` (the pymcdm convention, which leaves TOPSIS distances identical to
    the classic cost ideal); under ``'zscore'`` it becomes :math:`-z_{ij}`.  Mean:
    :math:`x_{ij}/\bar x_j`; initial value: :math:`x_{ij}/x_{1j}` (grey relational analysis).

    Peers: pymcdm ``minmax_normalization`` returns ones for a constant column, other
    tools divide by zero; SPSSAU offers these transforms in 生成变量 and its coupling module
    maps onto [0.01, 0.99] by default.

    References
    ----------
    .. [1] 章立东, 李奥 (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例.
       江西社会科学, 2021(3):
       极差标准化 of the indicators of the development index.
    .. [2] Hwang, C.-L. and Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer
       (vector normalisation).
    .. [3] 杨丽, 孙之淳 (2015). 基于熵值法的西部新型城镇化发展水平测评. 经济问题 (pooled
       panel normalisation).

    See [ceramics], [hwang_yoon_1981], [yang_sun_2015] in docs/references.md.

    Examples
    --------
    >>> normalize([[1, 10], [2, 30], [3, 20]], ["+", "-"]).round(4).tolist()
    [[0.0, 1.0], [0.5, 0.0], [1.0, 0.5]]
    >>> normalize([[6.0], [7.0], [9.0]], "moderate:7").round(4).ravel().tolist()
    [0.5, 1.0, 0.0]
    >>> normalize([[5.0], [12.0], [25.0]], "interval:10:20").round(4).ravel().tolist()
    [0.0, 1.0, 0.0]
    >>> normalize([[1, 5], [3, 5]], feature_range=(0.01, 0.99)).round(4).tolist()
    [[0.01, 0.99], [0.99, 0.99]]
    >>> normalize([[3, 4], [4, 3]], method="vector").round(4).tolist()
    [[0.6, 0.8], [0.8, 0.6]]
    >>> normalize([[1, 2]], ["+", "sideways"])
    Traceback (most recent call last):
    ...
    agglo.AggloValueError: 'directions' 中的 'sideways' 不是已知的指标方向。请用 '+'（正向）、'-'（负向）、'moderate:x*'（适度型）或 'interval:a:b'（区间型）。 / 'directions' has 'sideways', which is not a known direction. Use '+' (positive, 正向), '-' (negative, 负向), 'moderate:x*' (适度型) or 'interval:a:b' (区间型).
    """
    method = as_option(method, "method", METHODS)
    panel = as_option(panel, "panel", ("pooled", "by_period"))
    rng = _check_range(feature_range)
    constant = _check_constant(constant)
    ddof = int(ddof)
    block, keys = _split_panel(matrix, period)
    X, d, labels, shape = _prepare(block, directions, best=best, interval=interval)
    cols = labels[1] if labels is not None else None
    if panel == "pooled" or (keys is None and len(shape) == 2):
        if panel == "by_period" and keys is None:
            raise AggloValueError(
                _m.text(
                    "二维数据使用 panel='by_period' 时需要 'period'：请给出年份列或索引层的名称"
                    "（如 period='年份'），或传入三维数组。",
                    "'period' is needed with panel='by_period' on a 2-D block: name the year "
                    "column or index level (e.g. period='年份'), or pass a 3-D array.",
                )
            )
        Z = _normalize_2d(X, d, method, rng, constant, ddof, cols)
    else:
        Z = np.empty_like(X)
        if len(shape) == 3:
            keys = np.repeat(np.arange(shape[0]), shape[1])
        # one pass per period (a handful of years), each fully vectorised
        for key in pd.unique(pd.Series(keys)):
            rows = np.flatnonzero(keys == key)
            Z[rows] = _normalize_2d(X[rows], d, method, rng, constant, ddof, cols)
    if len(shape) == 3:
        return Z.reshape(shape)
    if isinstance(block, pd.DataFrame):
        return pd.DataFrame(Z, index=block.index, columns=block.columns)
    if isinstance(block, pd.Series):
        return pd.DataFrame(Z, index=block.index, columns=[block.name])
    return Z
