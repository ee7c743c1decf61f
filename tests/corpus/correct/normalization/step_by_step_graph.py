"""Correct layer and group norm as a computational graph of small steps, backpropagated node by node.

The forward keeps every node (mean, centered values, their square, variance, square root,
inverse); the backward walks them in reverse, as in CS231n's batch norm derivation. Group norm
works on a 5-D view (N, G, C // G, H, W) and reduces over the axes (2, 3, 4).
"""

import numpy as np


def _forward_graph(x, axes, eps):
    count = int(np.prod([x.shape[a] for a in axes]))
    mu = x.sum(axis=axes, keepdims=True) / count
    xmu = x - mu
    sq = xmu**2
    var = sq.sum(axis=axes, keepdims=True) / count
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    return xhat, {"xmu": xmu, "ivar": ivar, "sqrtvar": sqrtvar, "var": var, "axes": axes, "count": count, "eps": eps}


def _backward_graph(dxhat, graph):
    axes, count = graph["axes"], graph["count"]
    divar = (dxhat * graph["xmu"]).sum(axis=axes, keepdims=True)
    dxmu1 = dxhat * graph["ivar"]
    dsqrtvar = -divar / graph["sqrtvar"] ** 2
    dvar = 0.5 * dsqrtvar / np.sqrt(graph["var"] + graph["eps"])
    dsq = np.ones_like(graph["xmu"]) * dvar / count
    dxmu2 = 2.0 * graph["xmu"] * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -dx1.sum(axis=axes, keepdims=True)
    return dx1 + dmu / count


def _params(where, gamma, beta, size, what):
    for name, p in (("gamma", gamma), ("beta", beta)):
        if np.shape(p) != (size,):
            raise ValueError(f"{where}: {name} must have shape ({size},), one per {what}, got {np.shape(p)}")


def layernorm_forward(x, gamma, beta, eps=1e-5):
    if np.ndim(x) != 2:
        raise ValueError(f"layernorm_forward: x must be (N, D), got shape {np.shape(x)}")
    _params("layernorm_forward", gamma, beta, x.shape[1], "feature")
    xhat, graph = _forward_graph(x, (1,), eps)
    return gamma * xhat + beta, {"graph": graph, "xhat": xhat, "gamma": gamma}


def layernorm_backward(dout, cache):
    xhat, gamma = cache["xhat"], cache["gamma"]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    return _backward_graph(dout * gamma, cache["graph"]), dgamma, dbeta


def groupnorm_forward(x, gamma, beta, groups, eps=1e-5):
    if np.ndim(x) != 4:
        raise ValueError(f"groupnorm_forward: x must be (N, C, H, W), got shape {np.shape(x)}")
    N, C, H, W = x.shape
    _params("groupnorm_forward", gamma, beta, C, "channel")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise ValueError(f"groupnorm_forward: groups must be an int, got {groups!r}")
    if groups < 1:
        raise ValueError(f"groupnorm_forward: groups must be >= 1, got {groups}")
    if C % groups:
        raise ValueError(f"groupnorm_forward: C = {C} is not divisible by groups = {groups}")
    view = x.reshape(N, groups, C // groups, H, W)
    xhat5, graph = _forward_graph(view, (2, 3, 4), eps)
    xhat = xhat5.reshape(N, C, H, W)
    out = xhat * gamma[None, :, None, None] + beta[None, :, None, None]
    return out, {"graph": graph, "xhat": xhat, "gamma": gamma, "view": view.shape}


def groupnorm_backward(dout, cache):
    xhat, gamma = cache["xhat"], cache["gamma"]
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * xhat).sum(axis=(0, 2, 3))
    dxhat = (dout * gamma[None, :, None, None]).reshape(cache["view"])
    return _backward_graph(dxhat, cache["graph"]).reshape(dout.shape), dgamma, dbeta
