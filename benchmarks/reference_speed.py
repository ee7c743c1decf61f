"""Time every reference forward and backward next to PyTorch on the CPU, on course-sized inputs.

Run from the project root::

    python benchmarks/reference_speed.py [--repeats 7] [--min-time 0.05] [--check]

Both sides run single-threaded in float64 (``torch.set_num_threads(1)``; numpy's BLAS is limited
to one thread through the usual environment variables, set before numpy is imported). Every
timing is the best of ``--repeats`` timeit runs, each long enough to last ``--min-time`` seconds.
A torch backward is ``torch.autograd.grad`` through a graph built once (``retain_graph=True``);
a reference backward is called on a cache built once.

The exercises' reference modules are imported lazily: a module that is missing (or does not
provide the contract's functions yet) gives a row marked "skipped" instead of stopping the run.
With ``--check`` the exit status is 1 when a conv or pooling row is slower than 5x torch.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import importlib  # noqa: E402
import sys  # noqa: E402
import timeit  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root, for `reference`

F = torch.nn.functional
BUDGET = 5.0
"""conv and pooling must stay within this factor of torch."""
BUDGETED = ("conv", "pooling")
"""The sections the budget applies to."""


@dataclass
class Row:
    """One line of the table: a reference callable and the torch callable doing the same work."""

    operation: str
    reference: Callable[[], object] | None = None
    torch: Callable[[], object] | None = None
    note: str = ""


def _load(module: str, *names: str) -> list:
    """The functions ``names`` of ``reference.<module>``; ImportError when absent."""
    loaded = importlib.import_module(f"reference.{module}")
    missing = [name for name in names if not hasattr(loaded, name)]
    if missing:
        raise ImportError(f"reference/{module}.py has no {', '.join(missing)} yet")
    return [getattr(loaded, name) for name in names]


def _t(a: np.ndarray, requires_grad: bool = True) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=requires_grad)


def _torch_backward(outputs, inputs, grads) -> Callable[[], object]:
    """A callable running torch's backward of ``outputs`` with respect to ``inputs``."""
    outputs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
    grads = grads if isinstance(grads, (tuple, list)) else (grads,)
    grads = tuple(_t(g, requires_grad=False) for g in grads)
    return lambda: torch.autograd.grad(outputs, inputs, grads, retain_graph=True)


def _pair_rows(name: str, ref_forward, ref_backward, torch_forward, torch_inputs, dout_of) -> list[Row]:
    """Forward and backward rows: ``ref_forward()`` returns (..., cache), ``torch_forward()`` the output(s).

    ``dout_of(reference_forward_result)`` gives the reference backward's arguments (without cache)
    as a tuple; the same arrays are the torch upstream gradients.
    """
    result = ref_forward()
    douts = dout_of(result)
    cache = result[-1]
    torch_out = torch_forward()
    return [
        Row(f"{name} forward", ref_forward, torch_forward),
        Row(f"{name} backward", lambda: ref_backward(*douts, cache), _torch_backward(torch_out, torch_inputs, douts)),
    ]


def _random_like(rng: np.random.Generator):
    return lambda result: (rng.normal(size=result[0].shape),)


def conv_rows(rng: np.random.Generator) -> list[Row]:
    forward, backward = _load("conv", "conv2d_forward", "conv2d_backward")
    x, w, b = rng.normal(size=(16, 3, 32, 32)), rng.normal(size=(8, 3, 3, 3)), rng.normal(size=8)
    xt, wt, bt = _t(x), _t(w), _t(b)
    return _pair_rows(
        "conv 3x3 s1 p1",
        lambda: forward(x, w, b, stride=1, pad=1),
        backward,
        lambda: F.conv2d(xt, wt, bt, stride=1, padding=1),
        (xt, wt, bt),
        _random_like(rng),
    )


def pooling_rows(rng: np.random.Generator) -> list[Row]:
    max_forward, max_backward, avg_forward, avg_backward = _load(
        "pooling", "max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward", "avg_pool2d_backward"
    )
    x = rng.normal(size=(16, 8, 32, 32))
    xt = _t(x)
    rows = []
    for label, kernel, stride in (("2x2 s2", 2, 2), ("3x3 s2", 3, 2)):
        for kind, forward, backward, torch_pool in (
            ("max", max_forward, max_backward, F.max_pool2d),
            ("avg", avg_forward, avg_backward, F.avg_pool2d),
        ):
            rows += _pair_rows(
                f"{kind} pool {label}",
                lambda forward=forward, kernel=kernel, stride=stride: forward(x, kernel, stride),
                backward,
                lambda torch_pool=torch_pool, kernel=kernel, stride=stride: torch_pool(xt, kernel, stride),
                (xt,),
                _random_like(rng),
            )
    return rows


def rnn_rows(rng: np.random.Generator) -> list[Row]:
    forward, backward = _load("rnn", "rnn_forward", "rnn_backward")
    N, T, D, H = 16, 20, 32, 64
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, H)) / np.sqrt(D), rng.normal(size=(H, H)) / np.sqrt(H), rng.normal(size=H)
    rnn = torch.nn.RNN(D, H, batch_first=True, nonlinearity="tanh", dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(Wx.T))
        rnn.weight_hh_l0.copy_(torch.tensor(Wh.T))
        rnn.bias_ih_l0.copy_(torch.tensor(b))
        rnn.bias_hh_l0.zero_()
    xt, h0t = _t(x), _t(h0[None])
    return _pair_rows(
        f"rnn N{N} T{T} D{D} H{H}",
        lambda: forward(x, h0, Wx, Wh, b),
        backward,
        lambda: rnn(xt, h0t)[0],
        (xt, h0t, *rnn.parameters()),
        _random_like(rng),
    )


def lstm_rows(rng: np.random.Generator) -> list[Row]:
    forward, backward = _load("lstm", "lstm_forward", "lstm_backward")
    N, T, D, H = 16, 20, 32, 64
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    Wx, Wh = rng.normal(size=(D, 4 * H)) / np.sqrt(D), rng.normal(size=(H, 4 * H)) / np.sqrt(H)
    b = rng.normal(size=4 * H)
    lstm = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)  # gates stacked i, f, g, o as the contract's
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(Wx.T))
        lstm.weight_hh_l0.copy_(torch.tensor(Wh.T))
        lstm.bias_ih_l0.copy_(torch.tensor(b))
        lstm.bias_hh_l0.zero_()
    xt, h0t, c0t = _t(x), _t(h0[None]), _t(np.zeros((1, N, H)), requires_grad=False)
    return _pair_rows(
        f"lstm N{N} T{T} D{D} H{H}",
        lambda: forward(x, h0, Wx, Wh, b),
        backward,
        lambda: lstm(xt, (h0t, c0t))[0],
        (xt, h0t, *lstm.parameters()),
        _random_like(rng),
    )


def dropout_rows(rng: np.random.Generator) -> list[Row]:
    forward, backward = _load("dropout", "dropout_forward", "dropout_backward")
    x = rng.normal(size=(64, 256))
    xt, mask_rng = _t(x), np.random.default_rng(0)
    return _pair_rows(
        "dropout p0.5 (64, 256)",
        lambda: forward(x, 0.5, True, mask_rng),
        backward,
        lambda: F.dropout(xt, 0.5, training=True),
        (xt,),
        _random_like(rng),
    )


def _batchnorm_rows(rng: np.random.Generator, name: str, forward, backward, x_shape: tuple) -> list[Row]:
    d = x_shape[1]
    x, gamma, beta = rng.normal(size=x_shape), rng.normal(size=d), rng.normal(size=d)
    mean, var = np.zeros(d), np.ones(d)
    xt, gt, bt = _t(x), _t(gamma), _t(beta)
    mean_t, var_t = _t(mean, requires_grad=False), _t(var, requires_grad=False)
    return _pair_rows(
        f"{name} {x_shape}",
        lambda: forward(x, gamma, beta, mean, var, True, 0.1, 1e-5),
        backward,
        lambda: F.batch_norm(xt, mean_t, var_t, gt, bt, training=True, momentum=0.1, eps=1e-5),
        (xt, gt, bt),
        _random_like(rng),
    )


def batchnorm_rows(rng: np.random.Generator) -> list[Row]:
    forward, backward = _load("batchnorm", "batchnorm_forward", "batchnorm_backward")
    return _batchnorm_rows(rng, "batchnorm", forward, backward, (64, 256))


def spatial_batchnorm_rows(rng: np.random.Generator) -> list[Row]:
    forward, backward = _load("batchnorm", "spatial_batchnorm_forward", "spatial_batchnorm_backward")
    return _batchnorm_rows(rng, "spatial batchnorm", forward, backward, (16, 8, 32, 32))


def residual_rows(rng: np.random.Generator) -> list[Row]:
    forward, backward = _load("residual", "residual_block_forward", "residual_block_backward")
    rows = []
    for label, f, stride in (("identity", 8, 1), ("projection s2", 16, 2)):
        c = 8
        x = rng.normal(size=(8, c, 16, 16))
        params = {
            "W1": rng.normal(size=(f, c, 3, 3)) / np.sqrt(9 * c),
            "b1": rng.normal(size=f),
            "W2": rng.normal(size=(f, f, 3, 3)) / np.sqrt(9 * f),
            "b2": rng.normal(size=f),
        }
        if label != "identity":
            params |= {"Ws": rng.normal(size=(f, c, 1, 1)) / np.sqrt(c), "bs": rng.normal(size=f)}
        xt, pt = _t(x), {k: _t(v) for k, v in params.items()}

        def torch_block(xt=xt, pt=pt, stride=stride):
            h = F.relu(F.conv2d(xt, pt["W1"], pt["b1"], stride=stride, padding=1))
            z = F.conv2d(h, pt["W2"], pt["b2"], stride=1, padding=1)
            s = F.conv2d(xt, pt["Ws"], pt["bs"], stride=stride) if "Ws" in pt else xt
            return F.relu(z + s)

        rows += _pair_rows(
            f"residual {label} F{f}",
            lambda x=x, params=params, stride=stride: forward(x, params, stride),
            backward,
            torch_block,
            (xt, *pt.values()),
            _random_like(rng),
        )
    return rows


SECTIONS = [
    ("conv", conv_rows),
    ("pooling", pooling_rows),
    ("rnn", rnn_rows),
    ("lstm", lstm_rows),
    ("dropout", dropout_rows),
    ("batchnorm", batchnorm_rows),
    ("spatial batchnorm", spatial_batchnorm_rows),
    ("residual", residual_rows),
]


def best_ms(function: Callable[[], object], repeats: int, min_time: float) -> float:
    """Best time of one call in milliseconds: the minimum over ``repeats`` timeit runs."""
    timer = timeit.Timer(function)
    number = 1
    while (elapsed := timer.timeit(number)) < min_time:  # calibrate: each run lasts at least min_time
        number = max(number * 2, int(number * min_time / max(elapsed, 1e-9) * 1.1))
    return min(timer.repeat(repeat=repeats, number=number)) / number * 1e3


def collect(repeats: int, min_time: float, only: str | None) -> list[tuple[str, str, float | None, float | None, str]]:
    """Rows of (section, operation, reference ms, torch ms, note); None for a skipped measurement."""
    rng = np.random.default_rng(0)
    table = []
    for section, make_rows in SECTIONS:
        if only and only not in section:
            continue
        try:
            rows = make_rows(rng)
        except (ImportError, NotImplementedError) as error:
            table.append((section, section, None, None, f"skipped: {error or type(error).__name__}"))
            continue
        except Exception as error:  # a reference still being written must not stop the others
            table.append((section, section, None, None, f"failed: {type(error).__name__}: {error}"))
            continue
        for row in rows:
            try:
                reference_ms = best_ms(row.reference, repeats, min_time)
            except Exception as error:
                table.append((section, row.operation, None, None, f"failed: {type(error).__name__}: {error}"))
                continue
            torch_ms = best_ms(row.torch, repeats, min_time)
            table.append((section, row.operation, reference_ms, torch_ms, row.note))
    return table


def print_table(table) -> list[str]:
    """Print the table; return the budgeted operations over the budget."""
    width = max([len("operation")] + [len(row[1]) for row in table])
    print(f"{'operation':<{width}}  {'reference ms':>12}  {'torch ms':>9}  {'ratio':>6}")
    print(f"{'-' * width}  {'-' * 12}  {'-' * 9}  {'-' * 6}")
    over = []
    for section, operation, reference_ms, torch_ms, note in table:
        if reference_ms is None:
            print(f"{operation:<{width}}  {'-':>12}  {'-':>9}  {'-':>6}  {note}")
            continue
        ratio = reference_ms / torch_ms
        flag = ""
        if section in BUDGETED and ratio > BUDGET:
            flag = f"  over the {BUDGET:g}x budget"
            over.append(operation)
        note = f"  {note}" if note else ""
        print(f"{operation:<{width}}  {reference_ms:12.3f}  {torch_ms:9.3f}  {ratio:6.2f}{flag}{note}")
    return over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="timeit runs per measurement; the best counts")
    parser.add_argument("--min-time", type=float, default=0.05, help="seconds each timeit run lasts at least")
    parser.add_argument("--only", help="time only the sections whose name contains this text (e.g. conv)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if conv or pooling is over {BUDGET:g}x torch")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    print(f"numpy {np.__version__}, torch {torch.__version__}, float64, 1 thread, best of {args.repeats}\n")
    over = print_table(collect(args.repeats, args.min_time, args.only))
    if over:
        print(f"\nover the {BUDGET:g}x budget: {', '.join(over)}")
    return 1 if args.check and over else 0


if __name__ == "__main__":
    sys.exit(main())
