"""The reference GRU (``reference/gru.py``) against PyTorch: ``nn.GRUCell``, ``nn.GRU`` and autograd."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from torch_helpers import assert_matches_torch, tensor
from reference.gru import gru_backward, gru_forward, gru_step_backward, gru_step_forward, sigmoid

torch = pytest.importorskip("torch")

SETTINGS = settings(max_examples=25, deadline=None, database=None)
SIZES = {"N": st.integers(1, 4), "D": st.integers(1, 5), "H": st.integers(1, 5), "seed": st.integers(0, 2**32 - 1)}
SEQUENCE_SIZES = {**SIZES, "T": st.integers(1, 6)}
EDGE_SHAPES = pytest.mark.parametrize(
    "N, T, D, H",
    [(1, 1, 1, 1), (1, 1, 3, 4), (3, 1, 2, 5), (1, 6, 3, 2), (4, 5, 3, 4), (2, 9, 1, 3)],
    ids=["N1-T1-D1-H1", "N1-T1", "T1", "N1", "N4-T5", "N2-T9-D1"],
)
GRADIENTS = ("dWx", "dWh", "dbx", "dbh")


def check(actual: np.ndarray, expected, what: str) -> None:
    """``assert_matches_torch``, and the output is float64 as the contract requires."""
    assert isinstance(actual, np.ndarray) and actual.dtype == np.float64, f"{what}: not a float64 ndarray"
    assert_matches_torch(actual, expected, what)


def step_args(rng: np.random.Generator, N: int, D: int, H: int) -> dict[str, np.ndarray]:
    """Random arguments of ``gru_step_forward``, scaled so that no gate is saturated."""
    return {
        "x": rng.standard_normal((N, D)),
        "h_prev": rng.uniform(-1, 1, (N, H)),
        "Wx": rng.standard_normal((D, 3 * H)) / np.sqrt(D),
        "Wh": rng.standard_normal((H, 3 * H)) / np.sqrt(H),
        "bx": 0.5 * rng.standard_normal(3 * H),
        "bh": 0.5 * rng.standard_normal(3 * H),
    }


def sequence_args(rng: np.random.Generator, N: int, T: int, D: int, H: int) -> dict[str, np.ndarray]:
    """Random arguments of ``gru_forward``."""
    args = step_args(rng, N, D, H)
    args["x"] = rng.standard_normal((N, T, D))
    args["h0"] = args.pop("h_prev")
    return {name: args[name] for name in ("x", "h0", "Wx", "Wh", "bx", "bh")}


def _load_weights(module, suffix: str, args: dict) -> None:
    """Copy our weights into a torch GRU module: Wx = weight_ih.T, Wh = weight_hh.T, bx = bias_ih, bh = bias_hh."""
    with torch.no_grad():
        getattr(module, f"weight_ih{suffix}").copy_(torch.tensor(args["Wx"].T))
        getattr(module, f"weight_hh{suffix}").copy_(torch.tensor(args["Wh"].T))
        getattr(module, f"bias_ih{suffix}").copy_(torch.tensor(args["bx"]))
        getattr(module, f"bias_hh{suffix}").copy_(torch.tensor(args["bh"]))


def torch_gru_cell(args: dict) -> "torch.nn.GRUCell":
    cell = torch.nn.GRUCell(args["Wx"].shape[0], args["Wh"].shape[0]).double()
    _load_weights(cell, "", args)
    return cell


def torch_nn_gru(args: dict) -> "torch.nn.GRU":
    gru = torch.nn.GRU(args["Wx"].shape[0], args["Wh"].shape[0], batch_first=True).double()
    _load_weights(gru, "_l0", args)
    return gru


def _weight_grads(module, suffix: str) -> list:
    """torch's gradients in the contract's layout: dWx, dWh (transposed), dbx, dbh."""
    return [getattr(module, f"weight_ih{suffix}").grad.T, getattr(module, f"weight_hh{suffix}").grad.T,
            getattr(module, f"bias_ih{suffix}").grad, getattr(module, f"bias_hh{suffix}").grad]


# ---------------------------------------------------------------- one time step


def _check_step(rng: np.random.Generator, N: int, D: int, H: int) -> None:
    args = step_args(rng, N, D, H)
    h_next, cache = gru_step_forward(**args)
    cell = torch_gru_cell(args)
    x, h_prev = tensor(args["x"]), tensor(args["h_prev"])
    h_cell = cell(x, h_prev)
    check(h_next, h_cell, "h_next (GRUCell)")

    dh_next = rng.standard_normal((N, H))
    (h_cell * torch.tensor(dh_next)).sum().backward()
    dx, dh_prev, *weights = gru_step_backward(dh_next, cache)
    check(dx, x.grad, "dx")
    check(dh_prev, h_prev.grad, "dh_prev")
    for name, ours, theirs in zip(GRADIENTS, weights, _weight_grads(cell, "")):
        check(ours, theirs, name)


@SETTINGS
@given(**SIZES)
def test_gru_step_forward_and_backward_match_gru_cell_autograd_for_random_shapes(N, D, H, seed):
    _check_step(np.random.default_rng(seed), N, D, H)


@pytest.mark.parametrize("N, D, H", [(1, 1, 1), (1, 4, 3), (5, 2, 6)], ids=["all-one", "N1", "N5"])
def test_gru_step_forward_and_backward_match_gru_cell_autograd_on_edge_shapes(rng, N, D, H):
    _check_step(rng, N, D, H)


def test_gru_step_follows_pytorchs_form_not_the_lectures(rng):
    """h_next = (1 - z) * n + z * h_prev with n = tanh(ax_n + r * (h_prev @ Wh_n + bh_n)), the blocks in r, z, n order."""
    args = step_args(rng, 3, 4, 5)
    H = 5
    ax = args["x"] @ args["Wx"] + args["bx"]
    ah = args["h_prev"] @ args["Wh"] + args["bh"]
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
    n = np.tanh(ax[:, 2 * H:] + r * ah[:, 2 * H:])
    h_next, _ = gru_step_forward(**args)
    np.testing.assert_allclose(h_next, (1 - z) * n + z * args["h_prev"], rtol=1e-14, atol=1e-15)
    lectures_n = np.tanh(ax[:, 2 * H:] + (r * args["h_prev"]) @ args["Wh"][:, 2 * H:] + args["bh"][2 * H:])
    lectures = (1 - z) * args["h_prev"] + z * lectures_n
    assert np.max(np.abs(h_next - lectures)) > 1e-2, "the lectures' GRU is a different model, with other values"


def test_sigmoid_matches_torch_without_overflow_warnings_for_huge_arguments():
    a = np.array([-1e308, -1e4, -800.0, -745.0, -40.0, -1.0, -1e-300, 0.0, 1e-300, 1.0, 40.0, 800.0, 1e4, 1e308])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        out = sigmoid(a)
    check(out, torch.sigmoid(torch.tensor(a)), "sigmoid")


def test_gru_step_stays_finite_without_warnings_when_preactivations_are_huge(rng):
    args = step_args(rng, 3, 4, 5)
    args["Wx"] = 1e4 * args["Wx"]  # pre-activations of order 1e4: exp(-a) would overflow
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        h_next, cache = gru_step_forward(**args)
        grads = gru_step_backward(rng.standard_normal((3, 5)), cache)
    assert all(np.all(np.isfinite(v)) for v in (h_next, *grads))
    h_cell = torch_gru_cell(args)(tensor(args["x"], False), tensor(args["h_prev"], False))
    check(h_next, h_cell, "h_next (saturated gates)")


# ---------------------------------------------------------------- whole sequences


def _check_sequence(rng: np.random.Generator, N: int, T: int, D: int, H: int) -> None:
    args = sequence_args(rng, N, T, D, H)
    h, cache = gru_forward(**args)
    gru = torch_nn_gru(args)
    x, h0 = tensor(args["x"]), tensor(args["h0"])
    out, h_last = gru(x, h0.unsqueeze(0))
    check(h, out, "h (nn.GRU)")
    check(h[:, -1], h_last[0], "last hidden state (nn.GRU)")

    dh = rng.standard_normal((N, T, H))
    (out * torch.tensor(dh)).sum().backward()
    dx, dh0, *weights = gru_backward(dh, cache)
    check(dx, x.grad, "dx (nn.GRU)")
    check(dh0, h0.grad, "dh0 (nn.GRU)")
    for name, ours, theirs in zip(GRADIENTS, weights, _weight_grads(gru, "_l0")):
        check(ours, theirs, f"{name} (nn.GRU)")


@SETTINGS
@given(**SEQUENCE_SIZES)
def test_gru_forward_and_bptt_backward_match_nn_gru_for_random_shapes(N, T, D, H, seed):
    _check_sequence(np.random.default_rng(seed), N, T, D, H)


@EDGE_SHAPES
def test_gru_forward_and_bptt_backward_match_nn_gru_on_edge_shapes(rng, N, T, D, H):
    _check_sequence(rng, N, T, D, H)


def test_gru_backward_carries_the_gradient_from_the_last_state_to_the_first_input(rng):
    args = sequence_args(rng, 2, 5, 3, 4)
    h, cache = gru_forward(**args)
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0
    dx, dh0, *_ = gru_backward(dh, cache)
    assert np.all(np.abs(dx[:, 0]).sum(axis=1) > 0), "BPTT must carry the gradient of h_{T-1} back to x_0"
    assert np.all(np.abs(dh0).sum(axis=1) > 0), "BPTT must carry the gradient of h_{T-1} back to h0"


# ---------------------------------------------------------------- invalid arguments

N_, T_, D_, H_ = 2, 3, 5, 4
G_ = 3 * H_

STEP_ERRORS = [
    ("x", (N_, 1, D_), ["x", "2-D", "(N, D)", str((N_, 1, D_))]),
    ("h_prev", (H_,), ["h_prev", "2-D", str((H_,))]),
    ("Wx", (D_ * G_,), ["Wx", "2-D", str((D_ * G_,))]),
    ("Wh", (H_, G_, 1), ["Wh", "2-D", str((H_, G_, 1))]),
    ("bx", (1, G_), ["bx", "1-D", str((1, G_))]),
    ("bh", (1, G_), ["bh", "1-D", str((1, G_))]),
    ("Wx", (D_ + 1, G_), ["Wx", f"D = {D_} rows", str((N_, D_)), str((D_ + 1, G_))]),
    ("Wh", (H_, 4 * H_), ["Wh", "(H, 3H)", str((H_, G_)), str((H_, 4 * H_))]),
    ("Wx", (D_, 4 * H_), ["Wx", f"3H = {G_} columns", str((D_, 4 * H_))]),
    ("bx", (H_,), ["bx", "(3H,)", str((G_,)), str((H_,))]),
    ("bh", (1,), ["bh", "(3H,)", str((G_,)), str((1,))]),
    ("h_prev", (1, H_), ["h_prev", "(N, H)", str((N_, H_)), str((1, H_))]),
    ("h_prev", (N_, H_ + 1), ["h_prev", "(N, H)", str((N_, H_)), str((N_, H_ + 1))]),
]

SEQUENCE_ERRORS = [
    ("x", (N_, D_), ["x", "3-D", "(N, T, D)", str((N_, D_))]),
    ("x", (N_, 0, D_), ["x", "at least one time step", str((N_, 0, D_))]),
    ("h0", (N_, T_, H_), ["h0", "2-D", str((N_, T_, H_))]),
    ("Wx", (D_ + 1, G_), ["Wx", f"D = {D_} rows", str((N_, T_, D_)), str((D_ + 1, G_))]),
    ("Wh", (H_, H_), ["Wh", "(H, 3H)", str((H_, H_))]),
    ("bx", (G_ - 1,), ["bx", "(3H,)", str((G_ - 1,))]),
    ("bh", (1,), ["bh", "(3H,)", str((1,))]),
    ("h0", (N_ - 1, H_), ["h0", "(N, H)", str((N_, H_)), str((N_ - 1, H_))]),
]


def _assert_value_error(call, fragments: list[str]) -> None:
    with pytest.raises(ValueError) as error:
        call()
    message = str(error.value)
    missing = [fragment for fragment in fragments if fragment not in message]
    assert not missing, f"the message {message!r} does not mention {missing}"


def _ids(value):
    return str(value) if isinstance(value, tuple) else None


@pytest.mark.parametrize("name, shape, fragments", STEP_ERRORS, ids=_ids)
def test_gru_step_forward_rejects_a_badly_shaped_argument_and_says_which(rng, name, shape, fragments):
    args = step_args(rng, N_, D_, H_)
    args[name] = rng.standard_normal(shape)
    _assert_value_error(lambda: gru_step_forward(**args), fragments)


@pytest.mark.parametrize("name, shape, fragments", SEQUENCE_ERRORS, ids=_ids)
def test_gru_forward_rejects_a_badly_shaped_argument_and_says_which(rng, name, shape, fragments):
    args = sequence_args(rng, N_, T_, D_, H_)
    args[name] = rng.standard_normal(shape)
    _assert_value_error(lambda: gru_forward(**args), fragments)


def test_gru_forward_rejects_an_empty_sequence_as_torch_does(rng):
    args = sequence_args(rng, N_, 0, D_, H_)
    _assert_value_error(lambda: gru_forward(**args), ["T >= 1", str((N_, 0, D_))])
    with pytest.raises(RuntimeError):
        torch_nn_gru(args)(tensor(args["x"], False), tensor(args["h0"], False).unsqueeze(0))


@pytest.mark.parametrize("shape", [(N_, H_ + 1), (N_ + 1, H_), (H_,), (N_, G_)])
def test_gru_step_backward_rejects_dh_next_unlike_h_next(rng, shape):
    _, cache = gru_step_forward(**step_args(rng, N_, D_, H_))
    _assert_value_error(lambda: gru_step_backward(rng.standard_normal(shape), cache),
                        ["dh_next", str((N_, H_)), str(shape)])


@pytest.mark.parametrize("shape", [(N_, T_, H_ + 1), (N_, T_ + 1, H_), (N_ + 1, T_, H_), (N_, H_), (N_, T_, G_)])
def test_gru_backward_rejects_dh_unlike_h(rng, shape):
    _, cache = gru_forward(**sequence_args(rng, N_, T_, D_, H_))
    _assert_value_error(lambda: gru_backward(rng.standard_normal(shape), cache), ["dh", str((N_, T_, H_)), str(shape)])


# ---------------------------------------------------------------- no side effects


def test_gru_functions_never_modify_their_inputs(rng):
    step = step_args(rng, N_, D_, H_)
    step_copy = {name: value.copy() for name, value in step.items()}
    h_next, cache = gru_step_forward(**step)
    dh_next = rng.standard_normal(h_next.shape)
    dh_next_copy = dh_next.copy()
    first = gru_step_backward(dh_next, cache)
    second = gru_step_backward(dh_next, cache)
    for name in step:
        np.testing.assert_array_equal(step[name], step_copy[name], err_msg=f"gru_step_* modified {name}")
    np.testing.assert_array_equal(dh_next, dh_next_copy, err_msg="gru_step_backward modified dh_next")
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b, err_msg="a second step backward on the same cache gave other gradients")

    seq = sequence_args(rng, N_, T_, D_, H_)
    seq_copy = {name: value.copy() for name, value in seq.items()}
    h, cache = gru_forward(**seq)
    dh = rng.standard_normal(h.shape)
    dh_copy = dh.copy()
    first = gru_backward(dh, cache)
    second = gru_backward(dh, cache)
    for name in seq:
        np.testing.assert_array_equal(seq[name], seq_copy[name], err_msg=f"gru_forward/backward modified {name}")
    np.testing.assert_array_equal(dh, dh_copy, err_msg="gru_backward modified dh")
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b, err_msg="a second backward pass on the same cache gave other gradients")
