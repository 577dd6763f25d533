"""``agglo.config_context`` / ``agglo.get_config``: the validate-once setting.

Scope (restored on exit, after an exception too; nested blocks), locality (thread and
asyncio task), the read-only guard, and that a block can never change a number or a
message: the facts are computed by agglo, so no claim of the caller can be wrong.
"""

from __future__ import annotations

import asyncio
import threading
import warnings

import agglo
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


def _registered():
    return agglo.get_config()["validate_once"]


def test_get_config_is_a_new_dict_with_the_default():
    config = agglo.get_config()
    assert config == {"validate_once": None}
    config["validate_once"] = np.ones(2)  # changing the copy changes nothing
    assert _registered() is None


def test_blocks_nest_and_restore_the_previous_setting():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([5.0, 6.0])
    with agglo.config_context(validate_once=a):
        assert _registered() is a
        with agglo.config_context(validate_once=b):
            assert _registered() is b
        assert _registered() is a
        with agglo.config_context():  # None leaves the setting as it is
            assert _registered() is a
        with agglo.config_context(validate_once=np.array([1.0, np.nan])):
            assert _registered() is a  # registers nothing, so a stays in force
        with pytest.raises(ZeroDivisionError), agglo.config_context(validate_once=b):
            1 / 0  # noqa: B018
        assert _registered() is a
        assert not a.flags.writeable
        assert b.flags.writeable
    assert _registered() is None
    assert a.flags.writeable


def test_the_same_array_in_nested_blocks_is_writeable_only_after_the_outer_one():
    a = np.arange(4.0)
    with agglo.config_context(validate_once=a):
        with agglo.config_context(validate_once=a):
            pass
        assert not a.flags.writeable
    assert a.flags.writeable


def test_a_read_only_array_stays_read_only():
    a = np.arange(1.0, 5.0)
    a.flags.writeable = False
    with agglo.config_context(validate_once=a):
        assert _registered() is a
    assert not a.flags.writeable


def test_writing_inside_the_block_raises_instead_of_making_the_facts_stale():
    block = np.array([[10.0, 30.0], [40.0, 20.0]])
    with agglo.config_context(validate_once=block):
        with pytest.raises(ValueError, match="read-only"):
            block[0, 0] = -1.0
        lq = agglo.location_quotient(block)
    np.testing.assert_allclose(lq, [[0.5, 1.5], [4 / 3, 2 / 3]])


def test_the_setting_is_local_to_a_thread():
    a = np.arange(1.0, 5.0)
    seen = []
    with agglo.config_context(validate_once=a):
        worker = threading.Thread(target=lambda: seen.append(_registered()))
        worker.start()
        worker.join()
    assert seen == [None]

    def register_in_thread():
        with agglo.config_context(validate_once=np.arange(1.0, 3.0)):
            seen.append(_registered() is not None)

    worker = threading.Thread(target=register_in_thread)
    worker.start()
    worker.join()
    assert seen == [None, True]
    assert _registered() is None


def test_the_setting_is_local_to_an_asyncio_task():
    a, b = np.arange(1.0, 5.0), np.arange(2.0, 6.0)

    async def task(arr, out):
        with agglo.config_context(validate_once=arr):
            await asyncio.sleep(0)  # the other task runs its block here
            out.append(_registered() is arr)
            await asyncio.sleep(0)
            out.append(float(agglo.hhi(arr)))

    async def both():
        out_a, out_b = [], []
        await asyncio.gather(task(a, out_a), task(b, out_b))
        return out_a, out_b

    out_a, out_b = asyncio.run(both())
    assert out_a == [True, pytest.approx(float(np.sum((a / a.sum()) ** 2)))]
    assert out_b == [True, pytest.approx(float(np.sum((b / b.sum()) ** 2)))]
    assert _registered() is None


# Blocks a worksheet could hold: zeros, negatives, NaN, ±inf, huge and tiny values.
_CELL = st.one_of(
    st.floats(min_value=0, max_value=1e6),
    st.floats(min_value=-1e3, max_value=1e3),
    st.sampled_from([0.0, np.nan, np.inf, -np.inf, 1e300, 5e-324]),
)
_FUNCTIONS = {
    "location_quotient": lambda x: agglo.location_quotient(x),
    "hhi": lambda x: agglo.hhi(x, total_rows="ignore"),
    "spatial_gini": lambda x: agglo.spatial_gini(x, total_rows="ignore"),
    "krugman_specialisation": lambda x: agglo.krugman_specialisation(x, total_rows="ignore"),
    "entropy_weights": lambda x: agglo.entropy_weights(x).weights,
    "normalize": lambda x: agglo.normalize(x),
}


def _outcome(call):
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the same warnings on both paths
            result = call()
    except agglo.AggloValueError as exc:
        return ("error", str(exc))
    return ("ok", np.nan_to_num(np.asarray(result, dtype=float), nan=-7.5).tolist())


@pytest.mark.parametrize("name", sorted(_FUNCTIONS))
@given(arr=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 5)), elements=_CELL))
@settings(max_examples=80, deadline=None)
def test_a_block_never_changes_a_number_or_a_message(name, arr):
    """Whatever the array holds, the function returns inside the block what it returns
    outside it (the fast path where min and max prove the checks pass, the general path
    otherwise), so no array can be passed off as clean."""
    func = _FUNCTIONS[name]
    general = _outcome(lambda: func(arr.copy()))

    def validated():
        with agglo.config_context(validate_once=arr):
            return func(arr)

    assert _outcome(validated) == general
    assert arr.flags.writeable
    assert _registered() is None


def test_the_fast_path_is_taken_for_a_clean_block_only():
    from agglo import _validation

    clean = np.array([[10.0, 30.0], [40.0, 20.0]])
    dirty = np.array([[10.0, np.nan], [40.0, 20.0]])
    with agglo.config_context(validate_once=clean):
        assert _validation._known_finite(_validation.as_array(clean, "data"))
    with agglo.config_context(validate_once=dirty):
        assert not _validation._known_finite(_validation.as_array(dirty, "data"))
