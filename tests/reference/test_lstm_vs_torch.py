"""The reference LSTM (``reference/lstm.py``) against PyTorch: ``nn.LSTMCell``, ``nn.LSTM`` and autograd."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from torch_helpers import assert_matches_torch, tensor
from reference.lstm import lstm_backward, lstm_forward, lstm_gates, lstm_step_backward, lstm_step_forward, sigmoid

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
    """Random arguments of ``lstm_step_forward``, scaled so that no gate is saturated."""
    return {
        "x": rng.standard_normal((N, D)),
        "h_prev": rng.uniform(-1, 1, (N, H)),
        "c_prev": rng.standard_normal((N, H)),
        "Wx": rng.standard_normal((D, 4 * H)) / np.sqrt(D),
        "Wh": rng.standard_normal((H, 4 * H)) / np.sqrt(H),
        "b": 0.5 * rng.standard_normal(4 * H),
    }


def gate_args(rng: np.random.Generator, N: int, D: int, H: int) -> dict[str, np.ndarray]:
    """Random arguments of ``lstm_gates``."""
    args = step_args(rng, N, D, H)
    del args["c_prev"]
    return args


def sequence_args(rng: np.random.Generator, N: int, T: int, D: int, H: int) -> dict[str, np.ndarray]:
    """Random arguments of ``lstm_forward``."""
    args = gate_args(rng, N, D, H)
    args["x"] = rng.standard_normal((N, T, D))
    args["h0"] = args.pop("h_prev")
    return args


def _load_weights(module, suffix: str, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
    """Copy our weights into a torch LSTM module: transposed, ``b`` as the input bias, a zero hidden bias."""
    with torch.no_grad():
        getattr(module, f"weight_ih{suffix}").copy_(torch.tensor(Wx.T))
        getattr(module, f"weight_hh{suffix}").copy_(torch.tensor(Wh.T))
        getattr(module, f"bias_ih{suffix}").copy_(torch.tensor(b))
        getattr(module, f"bias_hh{suffix}").zero_()


def torch_lstm_cell(Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> "torch.nn.LSTMCell":
    cell = torch.nn.LSTMCell(Wx.shape[0], Wh.shape[0]).double()
    _load_weights(cell, "", Wx, Wh, b)
    return cell


def torch_nn_lstm(Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> "torch.nn.LSTM":
    lstm = torch.nn.LSTM(Wx.shape[0], Wh.shape[0], batch_first=True).double()
    _load_weights(lstm, "_l0", Wx, Wh, b)
    return lstm


# ---------------------------------------------------------------- the gates and the sigmoid


def _check_gates(rng: np.random.Generator, N: int, D: int, H: int) -> None:
    args = gate_args(rng, N, D, H)
    gates = lstm_gates(**args)
    t = {name: tensor(value, requires_grad=False) for name, value in args.items()}
    a_i, a_f, a_g, a_o = (t["x"] @ t["Wx"] + t["h_prev"] @ t["Wh"] + t["b"]).chunk(4, dim=1)  # as LSTMCell splits
    expected = [torch.sigmoid(a_i), torch.sigmoid(a_f), torch.tanh(a_g), torch.sigmoid(a_o)]
    assert isinstance(gates, tuple) and len(gates) == 4, "lstm_gates returns the tuple (i, f, g, o)"
    for name, gate, want in zip("ifgo", gates, expected):
        check(gate, want, f"gate {name}")

    # The gates, combined as the contract says, give exactly what torch.nn.LSTMCell computes:
    # this pins the i, f, g, o column order to PyTorch's.
    i, f, g, o = gates
    c_prev = rng.standard_normal((N, H))
    h_cell, c_cell = torch_lstm_cell(args["Wx"], args["Wh"], args["b"])(t["x"], (t["h_prev"], torch.tensor(c_prev)))
    check(f * c_prev + i * g, c_cell, "f * c_prev + i * g vs LSTMCell's c")
    check(o * np.tanh(f * c_prev + i * g), h_cell, "o * tanh(c) vs LSTMCell's h")


@SETTINGS
@given(**SIZES)
def test_lstm_gates_match_torch_in_i_f_g_o_order_and_compose_into_lstm_cell(N, D, H, seed):
    _check_gates(np.random.default_rng(seed), N, D, H)


@pytest.mark.parametrize("N, D, H", [(1, 1, 1), (1, 4, 3), (5, 2, 6)], ids=["all-one", "N1", "N5"])
def test_lstm_gates_match_torch_on_edge_shapes(rng, N, D, H):
    _check_gates(rng, N, D, H)


def test_sigmoid_matches_torch_without_overflow_warnings_for_huge_arguments():
    a = np.array([-1e308, -1e4, -800.0, -745.0, -40.0, -1.0, -1e-300, 0.0, 1e-300, 1.0, 40.0, 800.0, 1e4, 1e308])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        out = sigmoid(a)
    check(out, torch.sigmoid(torch.tensor(a)), "sigmoid")


def test_lstm_gates_and_step_stay_finite_without_warnings_when_preactivations_are_huge(rng):
    args = step_args(rng, 3, 4, 5)
    args["Wx"] = 1e4 * args["Wx"]  # pre-activations of order 1e4: exp(-a) would overflow
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        gates = lstm_gates(args["x"], args["h_prev"], args["Wx"], args["Wh"], args["b"])
        h_next, c_next, cache = lstm_step_forward(**args)
        grads = lstm_step_backward(rng.standard_normal((3, 5)), rng.standard_normal((3, 5)), cache)
    assert all(np.all(np.isfinite(v)) for v in (*gates, h_next, c_next, *grads))
    cell = torch_lstm_cell(args["Wx"], args["Wh"], args["b"])
    t = {name: tensor(value, requires_grad=False) for name, value in args.items()}
    h_cell, c_cell = cell(t["x"], (t["h_prev"], t["c_prev"]))
    check(h_next, h_cell, "h_next (saturated gates)")
    check(c_next, c_cell, "c_next (saturated gates)")


# ---------------------------------------------------------------- one time step


def _check_step(rng: np.random.Generator, N: int, D: int, H: int, dc_scale: float = 1.0) -> None:
    args = step_args(rng, N, D, H)
    h_next, c_next, cache = lstm_step_forward(**args)
    cell = torch_lstm_cell(args["Wx"], args["Wh"], args["b"])
    x, h_prev, c_prev = tensor(args["x"]), tensor(args["h_prev"]), tensor(args["c_prev"])
    h_cell, c_cell = cell(x, (h_prev, c_prev))
    check(h_next, h_cell, "h_next (LSTMCell)")
    check(c_next, c_cell, "c_next (LSTMCell)")

    dh_next = rng.standard_normal((N, H))
    dc_next = dc_scale * rng.standard_normal((N, H))
    ((h_cell * torch.tensor(dh_next)).sum() + (c_cell * torch.tensor(dc_next)).sum()).backward()
    dx, dh_prev, dc_prev, dWx, dWh, db = lstm_step_backward(dh_next, dc_next, cache)
    check(dx, x.grad, "dx")
    check(dh_prev, h_prev.grad, "dh_prev")
    check(dc_prev, c_prev.grad, "dc_prev")
    check(dWx, cell.weight_ih.grad.T, "dWx")
    check(dWh, cell.weight_hh.grad.T, "dWh")
    check(db, cell.bias_ih.grad, "db")


@SETTINGS
@given(**SIZES)
def test_lstm_step_forward_and_backward_with_nonzero_dc_next_match_lstm_cell_autograd(N, D, H, seed):
    _check_step(np.random.default_rng(seed), N, D, H)


@pytest.mark.parametrize("dc_scale", [0.0, 1.0, 10.0], ids=["dc_next-zero", "dc_next-unit", "dc_next-large"])
@pytest.mark.parametrize("N, D, H", [(1, 1, 1), (1, 4, 3), (5, 2, 6)], ids=["all-one", "N1", "N5"])
def test_lstm_step_backward_matches_lstm_cell_autograd_on_edge_shapes(rng, N, D, H, dc_scale):
    _check_step(rng, N, D, H, dc_scale)


# ---------------------------------------------------------------- whole sequences


def _check_sequence(rng: np.random.Generator, N: int, T: int, D: int, H: int) -> None:
    args = sequence_args(rng, N, T, D, H)
    h, cache = lstm_forward(**args)
    lstm = torch_nn_lstm(args["Wx"], args["Wh"], args["b"])
    x, h0 = tensor(args["x"]), tensor(args["h0"])
    c0 = torch.zeros(1, N, H, dtype=torch.float64)
    out, (h_last, _) = lstm(x, (h0.unsqueeze(0), c0))
    check(h, out, "h (nn.LSTM)")
    check(h[:, -1], h_last[0], "last hidden state (nn.LSTM)")

    dh = rng.standard_normal((N, T, H))
    (out * torch.tensor(dh)).sum().backward()
    dx, dh0, dWx, dWh, db = lstm_backward(dh, cache)
    check(dx, x.grad, "dx (nn.LSTM)")
    check(dh0, h0.grad, "dh0 (nn.LSTM)")
    check(dWx, lstm.weight_ih_l0.grad.T, "dWx (nn.LSTM)")
    check(dWh, lstm.weight_hh_l0.grad.T, "dWh (nn.LSTM)")
    check(db, lstm.bias_ih_l0.grad, "db (nn.LSTM)")


@SETTINGS
@given(**SEQUENCE_SIZES)
def test_lstm_forward_and_bptt_backward_match_nn_lstm_with_zero_initial_cell_for_random_shapes(N, T, D, H, seed):
    _check_sequence(np.random.default_rng(seed), N, T, D, H)


@EDGE_SHAPES
def test_lstm_forward_and_bptt_backward_match_nn_lstm_on_edge_shapes(rng, N, T, D, H):
    _check_sequence(rng, N, T, D, H)


def test_lstm_backward_carries_the_cell_gradient_from_the_last_state_to_the_first_input(rng):
    args = sequence_args(rng, 2, 5, 3, 4)
    h, cache = lstm_forward(**args)
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0
    dx, dh0, *_ = lstm_backward(dh, cache)
    assert np.all(np.abs(dx[:, 0]).sum(axis=1) > 0), "BPTT must carry the gradient of h_{T-1} back to x_0"
    assert np.all(np.abs(dh0).sum(axis=1) > 0), "BPTT must carry the gradient of h_{T-1} back to h0"


# ---------------------------------------------------------------- invalid arguments

N_, T_, D_, H_ = 2, 3, 5, 4
G_ = 4 * H_

GATES_ERRORS = [
    ("x", (N_, 1, D_), ["x", "2-D", "(N, D)", str((N_, 1, D_))]),
    ("h_prev", (H_,), ["h_prev", "2-D", str((H_,))]),
    ("Wx", (D_ * G_,), ["Wx", "2-D", str((D_ * G_,))]),
    ("Wh", (H_, G_, 1), ["Wh", "2-D", str((H_, G_, 1))]),
    ("b", (1, G_), ["b", "1-D", str((1, G_))]),
    ("Wx", (D_ + 1, G_), ["Wx", f"D = {D_} rows", str((N_, D_)), str((D_ + 1, G_))]),
    ("Wh", (H_, H_), ["Wh", "(H, 4H)", str((H_, G_)), str((H_, H_))]),
    ("Wh", (H_, G_ + 1), ["Wh", "(H, 4H)", str((H_, G_)), str((H_, G_ + 1))]),
    ("Wx", (D_, H_), ["Wx", f"4H = {G_} columns", str((D_, H_))]),
    ("Wx", (D_, 3 * H_), ["Wx", f"4H = {G_} columns", str((D_, 3 * H_))]),
    ("b", (H_,), ["b", "(4H,)", str((G_,)), str((H_,))]),
    ("h_prev", (N_ + 1, H_), ["h_prev", "(N, H)", str((N_, H_)), str((N_ + 1, H_))]),
    ("h_prev", (N_, H_ + 1), ["h_prev", "(N, H)", str((N_, H_)), str((N_, H_ + 1))]),
]

STEP_FORWARD_ERRORS = GATES_ERRORS + [
    ("c_prev", (N_ * H_,), ["c_prev", "2-D", str((N_ * H_,))]),
    ("c_prev", (N_, H_ + 1), ["c_prev", "(N, H)", str((N_, H_)), str((N_, H_ + 1))]),
    ("c_prev", (N_ + 1, H_), ["c_prev", "(N, H)", str((N_, H_)), str((N_ + 1, H_))]),
]

SEQUENCE_FORWARD_ERRORS = [
    ("x", (N_, D_), ["x", "3-D", "(N, T, D)", str((N_, D_))]),
    ("x", (N_, 0, D_), ["x", "at least one time step", str((N_, 0, D_))]),
    ("h0", (N_, T_, H_), ["h0", "2-D", str((N_, T_, H_))]),
    ("Wx", (D_ + 1, G_), ["Wx", f"D = {D_} rows", str((N_, T_, D_)), str((D_ + 1, G_))]),
    ("Wh", (H_, H_), ["Wh", "(H, 4H)", str((H_, H_))]),
    ("Wx", (D_, G_ - 1), ["Wx", f"4H = {G_} columns", str((D_, G_ - 1))]),
    ("b", (G_ - 1,), ["b", "(4H,)", str((G_ - 1,))]),
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


@pytest.mark.parametrize("name, shape, fragments", GATES_ERRORS, ids=_ids)
def test_lstm_gates_rejects_a_badly_shaped_argument_and_says_which(rng, name, shape, fragments):
    args = gate_args(rng, N_, D_, H_)
    args[name] = rng.standard_normal(shape)
    _assert_value_error(lambda: lstm_gates(**args), fragments)


@pytest.mark.parametrize("name, shape, fragments", STEP_FORWARD_ERRORS, ids=_ids)
def test_lstm_step_forward_rejects_a_badly_shaped_argument_and_says_which(rng, name, shape, fragments):
    args = step_args(rng, N_, D_, H_)
    args[name] = rng.standard_normal(shape)
    _assert_value_error(lambda: lstm_step_forward(**args), fragments)


@pytest.mark.parametrize("name, shape, fragments", SEQUENCE_FORWARD_ERRORS, ids=_ids)
def test_lstm_forward_rejects_a_badly_shaped_argument_and_says_which(rng, name, shape, fragments):
    args = sequence_args(rng, N_, T_, D_, H_)
    args[name] = rng.standard_normal(shape)
    _assert_value_error(lambda: lstm_forward(**args), fragments)


@pytest.mark.parametrize("which", ["dh_next", "dc_next"])
@pytest.mark.parametrize("shape", [(N_, H_ + 1), (N_ + 1, H_), (H_,), (N_, G_)])
def test_lstm_step_backward_rejects_dh_next_or_dc_next_unlike_the_forward_output(rng, which, shape):
    _, _, cache = lstm_step_forward(**step_args(rng, N_, D_, H_))
    grads = {"dh_next": rng.standard_normal((N_, H_)), "dc_next": rng.standard_normal((N_, H_))}
    grads[which] = rng.standard_normal(shape)

    def call():
        return lstm_step_backward(grads["dh_next"], grads["dc_next"], cache)

    _assert_value_error(call, [which, str((N_, H_)), str(shape)])


@pytest.mark.parametrize("shape", [(N_, T_, H_ + 1), (N_, T_ + 1, H_), (N_ + 1, T_, H_), (N_, H_), (N_, T_, G_)])
def test_lstm_backward_rejects_dh_unlike_h(rng, shape):
    _, cache = lstm_forward(**sequence_args(rng, N_, T_, D_, H_))
    _assert_value_error(lambda: lstm_backward(rng.standard_normal(shape), cache), ["dh", str((N_, T_, H_)), str(shape)])


# ---------------------------------------------------------------- no side effects


def test_lstm_functions_never_modify_their_inputs(rng):
    step = step_args(rng, N_, D_, H_)
    step_copy = {name: value.copy() for name, value in step.items()}
    lstm_gates(step["x"], step["h_prev"], step["Wx"], step["Wh"], step["b"])
    h_next, c_next, cache = lstm_step_forward(**step)
    dh_next, dc_next = rng.standard_normal(h_next.shape), rng.standard_normal(c_next.shape)
    upstream_copy = (dh_next.copy(), dc_next.copy())
    first = lstm_step_backward(dh_next, dc_next, cache)
    second = lstm_step_backward(dh_next, dc_next, cache)
    for name in step:
        np.testing.assert_array_equal(step[name], step_copy[name], err_msg=f"lstm_gates/lstm_step_* modified {name}")
    np.testing.assert_array_equal(dh_next, upstream_copy[0], err_msg="lstm_step_backward modified dh_next")
    np.testing.assert_array_equal(dc_next, upstream_copy[1], err_msg="lstm_step_backward modified dc_next")
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b, err_msg="a second step backward on the same cache gave other gradients")

    seq = sequence_args(rng, N_, T_, D_, H_)
    seq_copy = {name: value.copy() for name, value in seq.items()}
    h, cache = lstm_forward(**seq)
    dh = rng.standard_normal(h.shape)
    dh_copy = dh.copy()
    first = lstm_backward(dh, cache)
    second = lstm_backward(dh, cache)
    for name in seq:
        np.testing.assert_array_equal(seq[name], seq_copy[name], err_msg=f"lstm_forward/backward modified {name}")
    np.testing.assert_array_equal(dh, dh_copy, err_msg="lstm_backward modified dh")
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b, err_msg="a second backward pass on the same cache gave other gradients")
