"""The reference tanh RNN (``reference/rnn.py``) against PyTorch: autograd and ``torch.nn.RNN``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from torch_helpers import assert_matches_torch, tensor
from reference.rnn import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward

torch = pytest.importorskip("torch")

SETTINGS = settings(max_examples=25, deadline=None, database=None)
SIZES = {"N": st.integers(1, 4), "D": st.integers(1, 5), "H": st.integers(1, 5), "seed": st.integers(0, 2**32 - 1)}
SEQUENCE_SIZES = {**SIZES, "T": st.integers(1, 6)}
EDGE_SHAPES = pytest.mark.parametrize(
    "N, T, D, H",
    [(1, 1, 1, 1), (1, 1, 3, 4), (3, 1, 2, 5), (1, 6, 3, 2), (4, 5, 3, 4), (2, 9, 1, 3)],
    ids=["N1-T1-D1-H1", "N1-T1", "T1", "N1", "N4-T5", "N2-T9-D1"],
)


def check(actual: np.ndarray, expected, what: str) -> None:
    """``assert_matches_torch``, and the output is float64 as the contract requires."""
    assert isinstance(actual, np.ndarray) and actual.dtype == np.float64, f"{what}: not a float64 ndarray"
    assert_matches_torch(actual, expected, what)


def step_args(rng: np.random.Generator, N: int, D: int, H: int) -> dict[str, np.ndarray]:
    """Random arguments of ``rnn_step_forward``, scaled so that tanh is not saturated."""
    return {
        "x": rng.standard_normal((N, D)),
        "h_prev": rng.uniform(-1, 1, (N, H)),
        "Wx": rng.standard_normal((D, H)) / np.sqrt(D),
        "Wh": rng.standard_normal((H, H)) / np.sqrt(H),
        "b": 0.5 * rng.standard_normal(H),
    }


def sequence_args(rng: np.random.Generator, N: int, T: int, D: int, H: int) -> dict[str, np.ndarray]:
    """Random arguments of ``rnn_forward``."""
    args = step_args(rng, N, D, H)
    args["x"] = rng.standard_normal((N, T, D))
    args["h0"] = args.pop("h_prev")
    return args


def torch_rnn_loop(x, h0, Wx, Wh, b):
    """h (N, T, H) of a tanh RNN written with torch operations, one step per time step."""
    h, states = h0, []
    for t in range(x.shape[1]):
        h = torch.tanh(x[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    return torch.stack(states, dim=1)


def torch_nn_rnn(Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> "torch.nn.RNN":
    """A ``torch.nn.RNN`` holding our weights: transposed, ``b`` as the input bias, a zero hidden bias."""
    D, H = Wx.shape
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(Wx.T))
        rnn.weight_hh_l0.copy_(torch.tensor(Wh.T))
        rnn.bias_ih_l0.copy_(torch.tensor(b))
        rnn.bias_hh_l0.zero_()
    return rnn


# ---------------------------------------------------------------- one time step


def _check_step(rng: np.random.Generator, N: int, D: int, H: int) -> None:
    args = step_args(rng, N, D, H)
    h_next, cache = rnn_step_forward(**args)
    t = {name: tensor(value) for name, value in args.items()}
    expected = torch.tanh(t["x"] @ t["Wx"] + t["h_prev"] @ t["Wh"] + t["b"])
    check(h_next, expected, "h_next")

    dh_next = rng.standard_normal((N, H))
    (expected * torch.tensor(dh_next)).sum().backward()
    dx, dh_prev, dWx, dWh, db = rnn_step_backward(dh_next, cache)
    for name, grad in zip(["x", "h_prev", "Wx", "Wh", "b"], [dx, dh_prev, dWx, dWh, db]):
        check(grad, t[name].grad, f"d{name}")


@SETTINGS
@given(**SIZES)
def test_rnn_step_forward_and_backward_match_torch_autograd_for_random_shapes(N, D, H, seed):
    _check_step(np.random.default_rng(seed), N, D, H)


@pytest.mark.parametrize("N, D, H", [(1, 1, 1), (1, 4, 3), (5, 2, 6)], ids=["all-one", "N1", "N5"])
def test_rnn_step_forward_and_backward_match_torch_autograd_on_edge_shapes(rng, N, D, H):
    _check_step(rng, N, D, H)


# ---------------------------------------------------------------- whole sequences


def _check_sequence(rng: np.random.Generator, N: int, T: int, D: int, H: int) -> None:
    args = sequence_args(rng, N, T, D, H)
    h, cache = rnn_forward(**args)
    dh = rng.standard_normal((N, T, H))
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)

    # Oracle 1: autograd through a loop of torch operations.
    t = {name: tensor(value) for name, value in args.items()}
    expected = torch_rnn_loop(t["x"], t["h0"], t["Wx"], t["Wh"], t["b"])
    check(h, expected, "h (torch loop)")
    (expected * torch.tensor(dh)).sum().backward()
    for name, grad in zip(["x", "h0", "Wx", "Wh", "b"], [dx, dh0, dWx, dWh, db]):
        check(grad, t[name].grad, f"d{name} (torch loop)")

    # Oracle 2: torch.nn.RNN, forward and backward.
    rnn = torch_nn_rnn(args["Wx"], args["Wh"], args["b"])
    x, h0 = tensor(args["x"]), tensor(args["h0"])
    out, h_last = rnn(x, h0.unsqueeze(0))
    check(h, out, "h (nn.RNN)")
    check(h[:, -1], h_last[0], "last hidden state (nn.RNN)")
    (out * torch.tensor(dh)).sum().backward()
    check(dx, x.grad, "dx (nn.RNN)")
    check(dh0, h0.grad, "dh0 (nn.RNN)")
    check(dWx, rnn.weight_ih_l0.grad.T, "dWx (nn.RNN)")
    check(dWh, rnn.weight_hh_l0.grad.T, "dWh (nn.RNN)")
    check(db, rnn.bias_ih_l0.grad, "db (nn.RNN)")


@SETTINGS
@given(**SEQUENCE_SIZES)
def test_rnn_forward_and_bptt_backward_match_torch_loop_and_nn_rnn_for_random_shapes(N, T, D, H, seed):
    _check_sequence(np.random.default_rng(seed), N, T, D, H)


@EDGE_SHAPES
def test_rnn_forward_and_bptt_backward_match_torch_loop_and_nn_rnn_on_edge_shapes(rng, N, T, D, H):
    _check_sequence(rng, N, T, D, H)


def test_rnn_backward_sends_gradient_from_the_last_state_back_to_the_first_input(rng):
    args = sequence_args(rng, 2, 5, 3, 4)
    h, cache = rnn_forward(**args)
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0
    dx, dh0, *_ = rnn_backward(dh, cache)
    assert np.all(np.abs(dx[:, 0]).sum(axis=1) > 0), "BPTT must carry the gradient of h_{T-1} back to x_0"
    assert np.all(np.abs(dh0).sum(axis=1) > 0), "BPTT must carry the gradient of h_{T-1} back to h0"


# ---------------------------------------------------------------- invalid arguments

N_, T_, D_, H_ = 2, 3, 5, 4

STEP_FORWARD_ERRORS = [
    ("x", (N_, 1, D_), ["x", "2-D", "(N, D)", str((N_, 1, D_))]),
    ("h_prev", (H_,), ["h_prev", "2-D", str((H_,))]),
    ("Wx", (D_ * H_,), ["Wx", "2-D", str((D_ * H_,))]),
    ("Wh", (H_, H_, 1), ["Wh", "2-D", str((H_, H_, 1))]),
    ("b", (1, H_), ["b", "1-D", str((1, H_))]),
    ("Wx", (D_ + 1, H_), ["Wx", f"D = {D_} rows", str((N_, D_)), str((D_ + 1, H_))]),
    ("Wh", (H_, H_ + 1), ["Wh", "square", str((H_, H_ + 1))]),
    ("Wx", (D_, H_ + 1), ["Wx", f"H = {H_} columns", str((D_, H_ + 1))]),
    ("b", (H_ + 1,), ["b", "(H,)", str((H_ + 1,))]),
    ("h_prev", (N_ + 1, H_), ["h_prev", "(N, H)", str((N_, H_)), str((N_ + 1, H_))]),
    ("h_prev", (N_, H_ + 1), ["h_prev", "(N, H)", str((N_, H_)), str((N_, H_ + 1))]),
]

SEQUENCE_FORWARD_ERRORS = [
    ("x", (N_, D_), ["x", "3-D", "(N, T, D)", str((N_, D_))]),
    ("x", (N_, 0, D_), ["x", "at least one time step", str((N_, 0, D_))]),
    ("h0", (N_, T_, H_), ["h0", "2-D", str((N_, T_, H_))]),
    ("Wx", (D_ + 1, H_), ["Wx", f"D = {D_} rows", str((N_, T_, D_)), str((D_ + 1, H_))]),
    ("Wh", (H_ + 1, H_), ["Wh", "square", str((H_ + 1, H_))]),
    ("Wx", (D_, H_ - 1), ["Wx", f"H = {H_} columns", str((D_, H_ - 1))]),
    ("b", (H_ - 1,), ["b", "(H,)", str((H_ - 1,))]),
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


@pytest.mark.parametrize("name, shape, fragments", STEP_FORWARD_ERRORS, ids=_ids)
def test_rnn_step_forward_rejects_a_badly_shaped_argument_and_says_which(rng, name, shape, fragments):
    args = step_args(rng, N_, D_, H_)
    args[name] = rng.standard_normal(shape)
    _assert_value_error(lambda: rnn_step_forward(**args), fragments)


@pytest.mark.parametrize("name, shape, fragments", SEQUENCE_FORWARD_ERRORS, ids=_ids)
def test_rnn_forward_rejects_a_badly_shaped_argument_and_says_which(rng, name, shape, fragments):
    args = sequence_args(rng, N_, T_, D_, H_)
    args[name] = rng.standard_normal(shape)
    _assert_value_error(lambda: rnn_forward(**args), fragments)


@pytest.mark.parametrize("shape", [(N_, H_ + 1), (N_ + 1, H_), (H_,), (N_, 1, H_)])
def test_rnn_step_backward_rejects_dh_next_unlike_h_next(rng, shape):
    _, cache = rnn_step_forward(**step_args(rng, N_, D_, H_))
    dh_next = rng.standard_normal(shape)
    _assert_value_error(lambda: rnn_step_backward(dh_next, cache), ["dh_next", str((N_, H_)), str(shape)])


@pytest.mark.parametrize("shape", [(N_, T_, H_ + 1), (N_, T_ + 1, H_), (N_ + 1, T_, H_), (N_, H_)])
def test_rnn_backward_rejects_dh_unlike_h(rng, shape):
    _, cache = rnn_forward(**sequence_args(rng, N_, T_, D_, H_))
    _assert_value_error(lambda: rnn_backward(rng.standard_normal(shape), cache), ["dh", str((N_, T_, H_)), str(shape)])


# ---------------------------------------------------------------- no side effects


def test_rnn_functions_never_modify_their_inputs(rng):
    step = step_args(rng, N_, D_, H_)
    step_copy = {name: value.copy() for name, value in step.items()}
    h_next, cache = rnn_step_forward(**step)
    dh_next = rng.standard_normal(h_next.shape)
    dh_next_copy = dh_next.copy()
    rnn_step_backward(dh_next, cache)
    rnn_step_backward(dh_next, cache)  # the cache survives a backward pass
    for name in step:
        np.testing.assert_array_equal(step[name], step_copy[name], err_msg=f"rnn_step_* modified {name}")
    np.testing.assert_array_equal(dh_next, dh_next_copy, err_msg="rnn_step_backward modified dh_next")

    seq = sequence_args(rng, N_, T_, D_, H_)
    seq_copy = {name: value.copy() for name, value in seq.items()}
    h, cache = rnn_forward(**seq)
    dh = rng.standard_normal(h.shape)
    dh_copy = dh.copy()
    first = rnn_backward(dh, cache)
    second = rnn_backward(dh, cache)
    for name in seq:
        np.testing.assert_array_equal(seq[name], seq_copy[name], err_msg=f"rnn_forward/backward modified {name}")
    np.testing.assert_array_equal(dh, dh_copy, err_msg="rnn_backward modified dh")
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b, err_msg="a second backward pass on the same cache gave other gradients")
