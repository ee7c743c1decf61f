"""The reference embedding against ``torch.nn.functional.embedding`` and autograd."""

from __future__ import annotations

import numpy as np
import pytest
from torch_helpers import assert_matches_torch, tensor
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.embedding import embedding_backward, embedding_forward

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _assert_embedding_matches_torch(idx: np.ndarray, W: np.ndarray, dout: np.ndarray | None = None) -> None:
    """Forward output and dW agree with torch within 1e-10, and are float64; idx and W stay unchanged."""
    before = idx.copy(), W.copy()
    out, cache = embedding_forward(idx, W)
    dout = np.random.default_rng(1).normal(size=out.shape) if dout is None else dout
    dW = embedding_backward(dout, cache)

    weight = tensor(W)
    expected = F.embedding(torch.from_numpy(idx.astype(np.int64)), weight)
    expected.backward(tensor(dout, requires_grad=False))

    label = f"idx {idx.shape} of dtype {idx.dtype}, W {W.shape}:"
    assert_matches_torch(out, expected, f"{label} out")
    assert_matches_torch(dW, weight.grad, f"{label} dW")
    assert out.dtype == dW.dtype == np.float64, f"{label} dtypes {out.dtype}, {dW.dtype}"
    np.testing.assert_array_equal(idx, before[0], err_msg="idx was modified in place")
    np.testing.assert_array_equal(W, before[1], err_msg="W was modified in place")


@pytest.mark.parametrize("shape", [(7,), (2, 5), (2, 3, 4), (1, 1)], ids=["1-D", "N-T", "3-D", "single-id"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.uint8, np.uint16, np.uint64])
def test_embedding_matches_torch_for_ids_of_any_shape_and_integer_dtype(rng, shape, dtype) -> None:
    _assert_embedding_matches_torch(rng.integers(0, 6, size=shape).astype(dtype), rng.normal(size=(6, 3)))


def test_embedding_gradient_of_a_repeated_id_is_the_sum_of_its_gradients_as_in_torch(rng) -> None:
    idx = np.array([[3, 1, 3], [3, 0, 1]])
    W, dout = rng.normal(size=(5, 4)), rng.normal(size=(2, 3, 4))
    _assert_embedding_matches_torch(idx, W, dout)
    _, cache = embedding_forward(idx, W)
    dW = embedding_backward(dout, cache)
    np.testing.assert_allclose(dW[3], dout[0, 0] + dout[0, 2] + dout[1, 0])  # id 3 is used three times
    np.testing.assert_array_equal(dW[[2, 4]], 0.0)  # ids 2 and 4 are not used


def test_embedding_matches_torch_when_every_id_is_the_same(rng) -> None:
    _assert_embedding_matches_torch(np.zeros((4, 6), dtype=np.int64), rng.normal(size=(1, 5)))


@st.composite
def embedding_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Random id arrays (1 to 3 dimensions, small vocabularies so that ids repeat) and tables."""
    V, D = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    dtype = draw(st.sampled_from([np.int64, np.int32, np.uint8, np.uint32]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.integers(0, V, size=shape).astype(dtype), rng.normal(size=(V, D))


@settings(max_examples=40, deadline=None)
@given(case=embedding_cases())
def test_embedding_forward_and_backward_match_torch_on_random_shapes(case) -> None:
    _assert_embedding_matches_torch(*case)


def test_embedding_backward_leaves_dout_and_the_cache_unchanged(rng) -> None:
    idx, W, dout = rng.integers(0, 4, size=(3, 5)), rng.normal(size=(4, 2)), rng.normal(size=(3, 5, 2))
    _, cache = embedding_forward(idx, W)
    kept = dout.copy()
    first, second = embedding_backward(dout, cache), embedding_backward(dout, cache)
    np.testing.assert_array_equal(dout, kept, err_msg="dout was modified in place")
    np.testing.assert_array_equal(first, second, err_msg="a second backward on the same cache gives another result")


@pytest.mark.parametrize(
    "idx, W_shape, message",
    [
        (np.array([[0.0, 1.0]]), (4, 3), "idx must be an integer array"),
        (np.array([True, False]), (4, 3), "idx must be an integer array"),
        (np.array([1, 2], dtype=np.float32), (4, 3), "got dtype float32"),
        (np.array([0, 4]), (4, 3), r"token ids in \[0, V\) = \[0, 4\)"),
        (np.array([[0, -1], [2, 3]]), (4, 3), "found 1 outside, e.g. -1"),
        (np.array([9, 10, 1], dtype=np.uint8), (4, 3), "found 2 outside"),
        (np.array([0, 1]), (4, 3, 1), "W must be 2-D"),
        (np.array([0, 1]), (4,), "W must be 2-D"),
    ],
    ids=["float", "bool", "float32", "id-V", "negative", "uint8-too-large", "W-3-D", "W-1-D"],
)
def test_embedding_forward_rejects_invalid_ids_and_tables_with_a_message(idx, W_shape, message) -> None:
    with pytest.raises(ValueError, match=message):
        embedding_forward(idx, np.zeros(W_shape))


@pytest.mark.parametrize("dout_shape", [(2, 3), (2, 3, 5), (3, 2, 4), (6, 4)])
def test_embedding_backward_rejects_dout_of_another_shape_than_the_output(dout_shape) -> None:
    _, cache = embedding_forward(np.zeros((2, 3), dtype=np.int64), np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape .*\(2, 3, 4\)"):
        embedding_backward(np.zeros(dout_shape), cache)
