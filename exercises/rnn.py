"""A vanilla (Elman) recurrent network with a tanh nonlinearity, and backpropagation through time.

One time step maps the input ``x`` and the previous hidden state ``h_prev`` to the next one::

    h_next = tanh(x @ Wx + h_prev @ Wh + b)

A sequence ``x`` of shape ``(N, T, D)`` (batch first) is processed by applying the same step,
with the same weights, at t = 0, 1, ..., T - 1, starting from ``h0``. The backward pass walks
the time steps in reverse: the gradient reaching ``h_t`` is the upstream gradient ``dh[:, t]``
plus what flows back from step t + 1, and the weight gradients add up over all time steps.

This is ``torch.nn.RNN(nonlinearity="tanh", batch_first=True)`` with one layer, with the weights
stored transposed (``Wx = weight_ih_l0.T``, ``Wh = weight_hh_l0.T``) and a single bias
``b = bias_ih_l0 + bias_hh_l0``.
"""

from __future__ import annotations

import numpy as np


def rnn_step_forward(
    x: np.ndarray, h_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, tuple]:
    """Forward pass of one time step of a tanh RNN::

        a      = x @ Wx + h_prev @ Wh + b        (N, H)
        h_next = tanh(a)                         (N, H)

    Parameters
    ----------
    x : ndarray, shape (N, D)
        Inputs of this time step, one row per example.
    h_prev : ndarray, shape (N, H)
        Hidden state of the previous time step.
    Wx : ndarray, shape (D, H)
        Input-to-hidden weights.
    Wh : ndarray, shape (H, H)
        Hidden-to-hidden weights.
    b : ndarray, shape (H,)
        Bias, broadcast over the batch.

    Returns
    -------
    h_next : ndarray, shape (N, H)
        The next hidden state.
    cache : tuple
        What ``rnn_step_backward`` needs. Keeping ``h_next`` is enough for the derivative
        of tanh: ``tanh'(a) = 1 - tanh(a)**2``.

    Raises
    ------
    ValueError
        If an argument has the wrong number of dimensions, or the shapes disagree:
        D of x versus the rows of Wx, H of Wh (square) versus the columns of Wx, b and h_prev.
    """
    raise NotImplementedError('rnn_step_forward: check the shapes, then h_next = tanh(x @ Wx + h_prev @ Wh + b)')


def rnn_step_backward(
    dh_next: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of one time step of a tanh RNN.

    With ``a = x @ Wx + h_prev @ Wh + b`` and ``h_next = tanh(a)``, the chain rule gives::

        da      = dh_next * (1 - h_next**2)      (N, H)
        dx      = da @ Wx.T                      (N, D)
        dh_prev = da @ Wh.T                      (N, H)
        dWx     = x.T @ da                       (D, H)
        dWh     = h_prev.T @ da                  (H, H)
        db      = sum of da over the batch       (H,)

    Parameters
    ----------
    dh_next : ndarray, shape (N, H)
        Gradient of the loss with respect to ``h_next``.
    cache : tuple
        The cache returned by ``rnn_step_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
    dh_prev : ndarray, shape (N, H)
    dWx : ndarray, shape (D, H)
    dWh : ndarray, shape (H, H)
    db : ndarray, shape (H,)

    Raises
    ------
    ValueError
        If ``dh_next`` does not have the shape of the forward's ``h_next``.
    """
    raise NotImplementedError('rnn_step_backward: check dh_next, backpropagate through tanh, then the matrix products and the bias')


def rnn_forward(
    x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, list]:
    """Forward pass of a tanh RNN over a whole sequence.

    Starting from ``h_{-1} = h0``, the same step runs at every time step t = 0, ..., T - 1::

        h_t = tanh(x[:, t] @ Wx + h_{t-1} @ Wh + b)

    Parameters
    ----------
    x : ndarray, shape (N, T, D)
        Input sequences, batch first, T >= 1 (PyTorch rejects empty sequences too).
    h0 : ndarray, shape (N, H)
        Initial hidden state.
    Wx : ndarray, shape (D, H)
    Wh : ndarray, shape (H, H)
    b : ndarray, shape (H,)

    Returns
    -------
    h : ndarray, shape (N, T, H)
        Every hidden state: ``h[:, t]`` is ``h_t`` (``h0`` itself is not included).
    cache : list
        What ``rnn_backward`` needs: the cache of every time step, in time order.

    Raises
    ------
    ValueError
        If x is not 3-D or has T = 0, or the shapes disagree (see ``rnn_step_forward``).
    """
    raise NotImplementedError('rnn_forward: run rnn_step_forward at every time step, feeding each hidden state into the next')


def rnn_backward(
    dh: np.ndarray, cache: list
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of a tanh RNN over a whole sequence: backpropagation through time (BPTT).

    ``h_t`` influences the loss directly (``dh[:, t]``) and through ``h_{t+1}``. Going from
    t = T - 1 down to 0, the total gradient on ``h_t`` is::

        dh_t = dh[:, t] + (dh_prev returned by the backward of step t + 1)     (zero after the last step)

    and the backward of step t turns it into ``dx[:, t]``, the gradient on ``h_{t-1}`` and this
    step's share of the weight gradients. The weights are shared by all time steps, so
    ``dWx``, ``dWh`` and ``db`` are sums over t. After step 0, the gradient on ``h_{-1}`` is ``dh0``.

    Parameters
    ----------
    dh : ndarray, shape (N, T, H)
        Upstream gradient of the loss with respect to every hidden state ``h``.
    cache : list
        The cache returned by ``rnn_forward``.

    Returns
    -------
    dx : ndarray, shape (N, T, D)
    dh0 : ndarray, shape (N, H)
    dWx : ndarray, shape (D, H)
    dWh : ndarray, shape (H, H)
    db : ndarray, shape (H,)

    Raises
    ------
    ValueError
        If ``dh`` does not have the shape of the forward's ``h``.
    """
    raise NotImplementedError('rnn_backward: walk back in time with rnn_step_backward, carrying dh_prev, summing the weight gradients')
