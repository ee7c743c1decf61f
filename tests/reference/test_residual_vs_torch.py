"""The reference residual block against the same block built from torch ops, with autograd."""

from __future__ import annotations

import numpy as np
import pytest
from torch_helpers import assert_matches_torch, tensor

import reference.conv
import reference.residual
from reference.residual import residual_block_backward, residual_block_forward

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _params(rng: np.random.Generator, c: int, f: int, projection: bool) -> dict[str, np.ndarray]:
    params = {
        "W1": rng.normal(size=(f, c, 3, 3)) * 0.5,
        "b1": rng.normal(size=f) * 0.1,
        "W2": rng.normal(size=(f, f, 3, 3)) * 0.5,
        "b2": rng.normal(size=f) * 0.1,
    }
    if projection:
        params["Ws"] = rng.normal(size=(f, c, 1, 1))
        params["bs"] = rng.normal(size=f) * 0.1
    return params


def _torch_block(x: torch.Tensor, p: dict[str, torch.Tensor], stride: int) -> torch.Tensor:
    h = F.relu(F.conv2d(x, p["W1"], p["b1"], stride=stride, padding=1))
    z = F.conv2d(h, p["W2"], p["b2"], stride=1, padding=1)
    s = F.conv2d(x, p["Ws"], p["bs"], stride=stride) if "Ws" in p else x
    return F.relu(z + s)


CASES = {
    # name: (x shape (N, C, H, W), F, projection, stride)
    "identity shortcut, stride 1": ((2, 3, 6, 5), 3, False, 1),
    "projection, stride 2, C != F": ((2, 3, 7, 6), 4, True, 2),
    "projection, stride 1, C != F": ((3, 2, 5, 5), 5, True, 1),
    "projection, stride 1, C == F": ((2, 3, 4, 4), 3, True, 1),
    "projection, stride (2, 1)": ((2, 2, 6, 5), 3, True, (2, 1)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_forward_and_every_gradient_match_torch_autograd(rng, name):
    x_shape, f, projection, stride = CASES[name]
    x = rng.normal(size=x_shape)
    params = _params(rng, x_shape[1], f, projection)

    out, cache = residual_block_forward(x, params, stride=stride)
    dout = rng.normal(size=out.shape)
    dx, grads = residual_block_backward(dout, cache)

    x_t = tensor(x)
    params_t = {key: tensor(value) for key, value in params.items()}
    out_t = _torch_block(x_t, params_t, stride)
    out_t.backward(tensor(dout, requires_grad=False))

    assert 0 < np.mean(out > 0) < 1, "the case should exercise both sides of the final relu"
    assert_matches_torch(out, out_t, f"{name}: out")
    assert_matches_torch(dx, x_t.grad, f"{name}: dx")
    assert set(grads) == set(params), f"{name}: grads keys {sorted(grads)} != params keys {sorted(params)}"
    for key in params:
        assert_matches_torch(grads[key], params_t[key].grad, f"{name}: d{key}")


def test_output_has_the_strided_spatial_size_and_float64(rng):
    x = rng.normal(size=(1, 2, 9, 8))
    out, _ = residual_block_forward(x, _params(rng, 2, 4, True), stride=2)
    assert out.shape == (1, 4, 5, 4) and out.dtype == np.float64


def test_grads_have_exactly_the_keys_and_shapes_of_params(rng):
    for projection in (False, True):
        params = _params(rng, 3, 3, projection)
        out, cache = residual_block_forward(rng.normal(size=(2, 3, 4, 4)), params)
        _, grads = residual_block_backward(np.ones_like(out), cache)
        assert set(grads) == set(params)
        for key, value in params.items():
            assert grads[key].shape == value.shape and grads[key].dtype == np.float64


def test_block_uses_the_convolution_of_its_own_package():
    assert reference.residual.conv2d_forward is reference.conv.conv2d_forward
    assert reference.residual.conv2d_backward is reference.conv.conv2d_backward


def _valid(rng, projection=False, c=3, f=3):
    return rng.normal(size=(2, c, 5, 5)), _params(rng, c, f, projection)


@pytest.mark.parametrize("stride", [2, (1, 2)])
def test_identity_shortcut_with_stride_other_than_one_raises(rng, stride):
    x, params = _valid(rng)
    with pytest.raises(ValueError, match="identity shortcut needs stride 1"):
        residual_block_forward(x, params, stride=stride)


def test_identity_shortcut_with_channel_count_change_raises(rng):
    x, params = _valid(rng, c=2, f=4)
    with pytest.raises(ValueError, match=r"C == F.*C = 2, F = 4"):
        residual_block_forward(x, params)


@pytest.mark.parametrize("key", ["W1", "b1", "W2", "b2"])
def test_missing_key_raises(rng, key):
    x, params = _valid(rng)
    del params[key]
    with pytest.raises(ValueError, match=f"missing.*{key}"):
        residual_block_forward(x, params)


@pytest.mark.parametrize("present, absent", [("Ws", "bs"), ("bs", "Ws")])
def test_half_a_projection_shortcut_raises(rng, present, absent):
    x, params = _valid(rng, projection=True, c=2, f=4)
    del params[absent]
    with pytest.raises(ValueError, match="both Ws and bs"):
        residual_block_forward(x, params, stride=2)


def test_unknown_key_raises(rng):
    x, params = _valid(rng)
    params["w3"] = np.ones(3)
    with pytest.raises(ValueError, match="unknown keys.*w3"):
        residual_block_forward(x, params)


@pytest.mark.parametrize(
    "key, shape, pattern",
    [
        ("W1", (4, 3, 5, 5), r"W1 must have shape \(4, 3, 3, 3\).*got shape \(4, 3, 5, 5\)"),
        ("W1", (4, 2, 3, 3), r"W1 must have shape \(4, 3, 3, 3\)"),
        ("W1", (4, 3, 3), r"W1 must have shape \(F, 3, 3, 3\)"),
        ("b1", (3,), r"b1 must have shape \(4,\)"),
        ("W2", (4, 3, 3, 3), r"W2 must have shape \(4, 4, 3, 3\)"),
        ("b2", (4, 1), r"b2 must have shape \(4,\)"),
        ("Ws", (4, 3, 3, 3), r"Ws must have shape \(4, 3, 1, 1\)"),
        ("bs", (5,), r"bs must have shape \(4,\)"),
    ],
)
def test_parameter_of_the_wrong_shape_raises_with_both_shapes(rng, key, shape, pattern):
    x, params = _valid(rng, projection=True, c=3, f=4)
    params[key] = np.ones(shape)
    with pytest.raises(ValueError, match=pattern):
        residual_block_forward(x, params, stride=2)


@pytest.mark.parametrize("x_shape", [(3, 5, 5), (1, 2, 3, 5, 5)])
def test_x_that_is_not_four_dimensional_raises(rng, x_shape):
    params = _params(rng, 3, 3, False)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        residual_block_forward(np.ones(x_shape), params)


@pytest.mark.parametrize("stride", [0, -1, 1.5, True, (1, 1, 1)])
def test_invalid_stride_raises(rng, stride):
    x, params = _valid(rng, projection=True)
    with pytest.raises(ValueError, match="stride"):
        residual_block_forward(x, params, stride=stride)


@pytest.mark.parametrize("projection", [False, True])
def test_no_input_is_modified_in_place(rng, projection):
    x, params = _valid(rng, projection=projection, c=3, f=3)
    x_before = x.copy()
    params_before = {key: value.copy() for key, value in params.items()}
    keys_before = list(params)
    out, cache = residual_block_forward(x, params)
    dout = rng.normal(size=out.shape)
    dout_before = dout.copy()
    dx, grads = residual_block_backward(dout, cache)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dout, dout_before)
    assert list(params) == keys_before, "the params dict gained or lost keys"
    for key, value in params.items():
        np.testing.assert_array_equal(value, params_before[key], err_msg=f"params[{key!r}] was modified")
    assert not np.shares_memory(dx, x) and not np.shares_memory(dx, dout)
