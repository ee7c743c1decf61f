"""A dropout module whose text is HTML: the similarity page must show it as text, never as markup."""

import numpy as np

BANNER = "</pre></div><script>document.title = 'pwned'</script><pre>"


def dropout_forward(x, p=0.5, train=True, rng=None):
    # </mark><img src=x onerror="alert(1)">
    rng = np.random.default_rng() if rng is None else rng
    keep = (rng.random(x.shape) >= p) / (1.0 - p) if p < 1 else np.zeros_like(x)
    return (x * keep if train else x.copy()), (train, keep)


def dropout_backward(dout, cache):
    train, keep = cache
    return dout * keep if train else dout.copy()
