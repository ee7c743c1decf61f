"""How closely the references beyond the core seven agree with PyTorch in float64, over a grid of random shapes.

Run from the project root::

    python benchmarks/torch_agreement.py [--cases 200] [--seed 0]

For every case (random sizes, weights and upstream gradients, as in ``tests/reference/``), the
reference's forward and every gradient are compared with torch (``nn.GRUCell``, ``nn.GRU`` with
``batch_first=True``, ``F.layer_norm``, ``F.group_norm``, ``F.embedding``, ``F.conv2d`` with
``groups=C``, ``F.cross_entropy``, ``nn.utils.clip_grad_norm_``, and autograd); the shapes
exercise's integers are compared with what ``nn.Conv2d`` and ``nn.MaxPool2d`` produce and count
(a difference there is a count of disagreements). The table gives, per
function, the largest absolute difference seen and the largest relative one (the absolute
difference over the largest magnitude of torch's array, at least 1e-6, as the grader measures
relative errors). The tests assert 1e-10 absolute.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root, for `reference`

from reference.depthwise import depthwise_conv2d_backward, depthwise_conv2d_forward  # noqa: E402
from reference.embedding import embedding_backward, embedding_forward  # noqa: E402
from reference.gru import gru_backward, gru_forward, gru_step_backward, gru_step_forward  # noqa: E402
from reference.loss import clip_grad_norm, softmax_cross_entropy  # noqa: E402
from reference.shapes import conv_output_shape, conv_parameter_count, pool_output_shape  # noqa: E402
from reference.normalization import (  # noqa: E402
    groupnorm_backward,
    groupnorm_forward,
    layernorm_backward,
    layernorm_forward,
)

torch.set_default_dtype(torch.float64)
F = torch.nn.functional


def _t(a: np.ndarray, grad: bool = True) -> torch.Tensor:
    return torch.tensor(a, requires_grad=grad)


def _gru_weights(rng, D: int, H: int) -> dict:
    return {"Wx": rng.standard_normal((D, 3 * H)) / np.sqrt(D), "Wh": rng.standard_normal((H, 3 * H)) / np.sqrt(H),
            "bx": 0.5 * rng.standard_normal(3 * H), "bh": 0.5 * rng.standard_normal(3 * H)}


def _load(module, suffix: str, w: dict) -> None:
    with torch.no_grad():
        getattr(module, f"weight_ih{suffix}").copy_(torch.tensor(w["Wx"].T))
        getattr(module, f"weight_hh{suffix}").copy_(torch.tensor(w["Wh"].T))
        getattr(module, f"bias_ih{suffix}").copy_(torch.tensor(w["bx"]))
        getattr(module, f"bias_hh{suffix}").copy_(torch.tensor(w["bh"]))


def _torch_weight_grads(module, suffix: str) -> list:
    return [getattr(module, f"weight_ih{suffix}").grad.T, getattr(module, f"weight_hh{suffix}").grad.T,
            getattr(module, f"bias_ih{suffix}").grad, getattr(module, f"bias_hh{suffix}").grad]


def gru_step(rng) -> list[tuple]:
    N, D, H = (int(v) for v in rng.integers(1, 9, 3))
    w = _gru_weights(rng, D, H)
    x, h_prev = rng.standard_normal((N, D)), rng.uniform(-1, 1, (N, H))
    h_next, cache = gru_step_forward(x, h_prev, **w)
    cell = torch.nn.GRUCell(D, H)
    _load(cell, "", w)
    xt, ht = _t(x), _t(h_prev)
    out = cell(xt, ht)
    dout = rng.standard_normal(out.shape)
    (out * torch.tensor(dout)).sum().backward()
    ours = [h_next, *gru_step_backward(dout, cache)]
    return list(zip(ours, [out, xt.grad, ht.grad, *_torch_weight_grads(cell, "")]))


def gru_sequence(rng) -> list[tuple]:
    N, D, H = (int(v) for v in rng.integers(1, 9, 3))
    T = int(rng.integers(1, 12))
    w = _gru_weights(rng, D, H)
    x, h0 = rng.standard_normal((N, T, D)), rng.uniform(-1, 1, (N, H))
    h, cache = gru_forward(x, h0, **w)
    gru = torch.nn.GRU(D, H, batch_first=True)
    _load(gru, "_l0", w)
    xt, h0t = _t(x), _t(h0)
    out, _ = gru(xt, h0t.unsqueeze(0))
    dout = rng.standard_normal(out.shape)
    (out * torch.tensor(dout)).sum().backward()
    ours = [h, *gru_backward(dout, cache)]
    return list(zip(ours, [out, xt.grad, h0t.grad, *_torch_weight_grads(gru, "_l0")]))


def _affine_case(rng, shape: tuple) -> tuple:
    d = shape[1]
    scale_shape = (1, d) + (1,) * (len(shape) - 2)
    x = rng.standard_normal(shape) * rng.uniform(0.5, 3.0, scale_shape) + 2 * rng.standard_normal(scale_shape)
    return x, rng.standard_normal(d), rng.standard_normal(d), rng.standard_normal(shape)


def layernorm(rng) -> list[tuple]:
    shape = (int(rng.integers(1, 9)), int(rng.integers(1, 65)))
    eps = float(rng.choice([1e-5, 1e-2, 0.5]))
    x, gamma, beta, dout = _affine_case(rng, shape)
    out, cache = layernorm_forward(x, gamma, beta, eps)
    xt, gt, bt = _t(x), _t(gamma), _t(beta)
    expected = F.layer_norm(xt, (shape[1],), gt, bt, eps)
    expected.backward(torch.tensor(dout))
    return list(zip([out, *layernorm_backward(dout, cache)], [expected, xt.grad, gt.grad, bt.grad]))


def groupnorm(rng) -> list[tuple]:
    groups, per = int(rng.integers(1, 7)), int(rng.integers(1, 4))
    shape = (int(rng.integers(2, 5)), groups * per, int(rng.integers(1, 7)), int(rng.integers(1, 7)))
    eps = float(rng.choice([1e-5, 1e-2, 0.5]))
    x, gamma, beta, dout = _affine_case(rng, shape)
    out, cache = groupnorm_forward(x, gamma, beta, groups, eps)
    xt, gt, bt = _t(x), _t(gamma), _t(beta)
    expected = F.group_norm(xt, groups, gt, bt, eps)
    expected.backward(torch.tensor(dout))
    return list(zip([out, *groupnorm_backward(dout, cache)], [expected, xt.grad, gt.grad, bt.grad]))


def embedding(rng) -> list[tuple]:
    V, D = int(rng.integers(1, 30)), int(rng.integers(1, 9))
    idx = rng.integers(0, V, tuple(int(n) for n in rng.integers(1, 6, int(rng.integers(1, 4)))))
    W = rng.standard_normal((V, D))
    out, cache = embedding_forward(idx, W)
    Wt = _t(W)
    expected = F.embedding(torch.tensor(idx), Wt)
    dout = rng.standard_normal(out.shape)
    expected.backward(torch.tensor(dout))
    return [(out, expected), (embedding_backward(dout, cache), Wt.grad)]


def depthwise(rng) -> list[tuple]:
    C, M = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    KH, KW, stride, pad = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 3)), int(rng.integers(0, 2))
    x = rng.standard_normal((int(rng.integers(1, 4)), C, KH + int(rng.integers(0, 6)), KW + int(rng.integers(0, 6))))
    w, b = rng.standard_normal((C * M, 1, KH, KW)), rng.standard_normal(C * M)
    out, cache = depthwise_conv2d_forward(x, w, b, stride=stride, pad=pad)
    xt, wt, bt = _t(x), _t(w), _t(b)
    expected = F.conv2d(xt, wt, bt, stride=stride, padding=pad, groups=C)
    dout = rng.standard_normal(out.shape)
    expected.backward(torch.tensor(dout))
    return list(zip([out, *depthwise_conv2d_backward(dout, cache)], [expected, xt.grad, wt.grad, bt.grad]))


def loss(rng) -> list[tuple]:
    N, K = int(rng.integers(1, 9)), int(rng.integers(2, 12))
    logits = rng.standard_normal((N, K)) * float(rng.choice([1.0, 10.0, 1e3]))
    y = rng.integers(0, K, N)
    value, dlogits = softmax_cross_entropy(logits, y)
    lt = _t(logits)
    expected = F.cross_entropy(lt, torch.tensor(y))
    expected.backward()
    grads = [rng.standard_normal(tuple(int(n) for n in rng.integers(1, 5, int(rng.integers(0, 3)))))
             for _ in range(int(rng.integers(1, 4)))]
    max_norm = float(rng.uniform(0.1, 5))
    clipped, norm = clip_grad_norm([g.copy() for g in grads], max_norm)
    parameters = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    for parameter, g in zip(parameters, grads):
        parameter.grad = torch.tensor(g)
    expected_norm = torch.nn.utils.clip_grad_norm_(parameters, max_norm)
    return [(np.array(value), expected), (dlogits, lt.grad), (np.array(norm), expected_norm),
            *[(c, p.grad) for c, p in zip(clipped, parameters)]]


def shapes(rng) -> list[tuple]:
    C, F_, H, W = (int(n) for n in rng.integers(1, 9, 4))
    k, s, p = int(rng.integers(1, 4)), int(rng.integers(1, 3)), int(rng.integers(0, 2))
    H, W = H + k, W + k
    groups = int(rng.choice([g for g in (1, 2, 4) if C % g == 0 and F_ % g == 0]))
    conv = torch.nn.Conv2d(C, F_, k, stride=s, padding=p, groups=groups)
    seen = tuple(conv(torch.zeros(1, C, H, W)).shape[1:])
    pooled = tuple(torch.nn.MaxPool2d(k, stride=s)(torch.zeros(1, C, H, W)).shape[1:])
    ours = [conv_output_shape((C, H, W), F_, k, s, p), pool_output_shape((C, H, W), k, s),
            conv_parameter_count(C, F_, k, groups)]
    theirs = [seen, pooled, sum(t.numel() for t in conv.parameters())]
    return [(np.array(o), torch.tensor(t)) for o, t in zip(ours, theirs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="random cases per function")
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    rng = np.random.default_rng(options.seed)
    print(f"{'function (forward and every gradient)':45s} {'cases':>6s} {'max abs diff':>14s} {'max rel diff':>14s}")
    for name, run in (("gru_step_forward/backward vs nn.GRUCell", gru_step), ("gru_forward/backward vs nn.GRU", gru_sequence),
                      ("layernorm_forward/backward vs F.layer_norm", layernorm),
                      ("groupnorm_forward/backward vs F.group_norm", groupnorm),
                      ("embedding_forward/backward vs F.embedding", embedding),
                      ("depthwise_conv2d vs F.conv2d(groups=C)", depthwise),
                      ("cross entropy, clip_grad_norm vs torch", loss),
                      ("shapes vs nn.Conv2d, nn.MaxPool2d", shapes)):
        worst_abs = worst_rel = 0.0
        for _ in range(options.cases):
            for ours, theirs in run(rng):
                theirs = theirs.detach().numpy()
                difference = float(np.max(np.abs(ours - theirs), initial=0.0))
                worst_abs = max(worst_abs, difference)
                worst_rel = max(worst_rel, difference / max(float(np.max(np.abs(theirs), initial=0.0)), 1e-6))
        print(f"{name:45s} {options.cases:6d} {worst_abs:14.3g} {worst_rel:14.3g}")


if __name__ == "__main__":
    main()
