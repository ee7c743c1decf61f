"""Group norm centering x in place through its reshaped view (x_g -= mean), which changes the caller's x."""


def groupnorm_forward(x, gamma, beta, groups, eps=1e-5):
    x, gamma, beta = _as_float64(x, gamma, beta)
    _check_x(x, "groupnorm_forward", "(N, C, H, W)")
    N, C, H, W = x.shape
    _check_params(C, "channel (C)", "groupnorm_forward", gamma=gamma, beta=beta)
    _check_groups(groups, C)
    x_g = x.reshape(N, groups, -1)
    x_g -= x_g.mean(axis=2, keepdims=True)
    inv_std = 1.0 / np.sqrt((x_g**2).mean(axis=2, keepdims=True) + eps)
    x_hat = (x_g * inv_std).reshape(N, C, H, W)
    out = gamma.reshape(1, C, 1, 1) * x_hat + beta.reshape(1, C, 1, 1)
    return out, {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma, "groups": groups}
