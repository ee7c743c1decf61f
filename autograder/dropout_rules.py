"""Diagnosis for dropout: recognising its classic mistakes by their statistics, never by one random stream.

How a submission draws its mask from ``rng`` is its own choice, so dropout's bugs cannot be run
on the same inputs and compared value by value (see :mod:`autograder.diagnosis` for the other
layers). Instead, what dropout returns is summarised by its :class:`Profile`: the fraction of zeros
and the one factor every kept element was scaled by, relative to the input (``out / x``,
``dx / dout``, or ``x`` afterwards ``/ x``). Each catalogued bug predicts a profile from ``p`` and
the mode, and is recognised when the submission's profile matches the bug's prediction and the
prediction differs from inverted dropout's (so a correct result is never diagnosed). Two bugs
are behaviours rather than profiles: a backward whose zeros are not the forward's
(``backward_draws_new_mask``) and masks that differ for generators in the same state
(``mask_not_from_rng``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from autograder.diagnosis import Diagnosis
from autograder.misconceptions import catalogue

SIGMAS = 5.0
"""How many binomial standard deviations a fraction of zeros may be off its prediction."""


class Profile(NamedTuple):
    """What dropout did to an array: the fraction zeroed and the factor on the kept elements.

    ``scale`` is None when nothing was kept or the kept elements were not all scaled alike;
    ``finite`` is False when the result held NaN or infinity (then nothing else is compared).
    """

    dropped: float
    scale: float | None
    finite: bool = True


NOT_FINITE = Profile(math.nan, None, False)
IDENTITY = Profile(0.0, 1.0)


@dataclass(frozen=True)
class Observation:
    """What a dropout check saw: ``values`` (out, dx, or x afterwards) against ``base`` (x, dout, x).

    ``zeros`` is where the forward's output was zero, for gradients; ``p`` and ``train`` are the call's.
    """

    values: np.ndarray
    base: np.ndarray
    p: float
    train: bool
    zeros: np.ndarray | None = None


def diagnose_dropout(kind: str, observation: Observation | None = None) -> Diagnosis | None:
    """The catalogued dropout bug whose rule for ``kind`` recognises ``observation``.

    When several bugs recognise it (at p = 1 in evaluation, scaling by 1 - p and applying the mask
    both give zeros), the case cannot tell them apart and nothing is diagnosed.

    Parameters
    ----------
    kind : {"output", "gradient", "input", "generator"}
        What was observed: the forward's output, the backward's dx, x after the forward, or
        different masks from generators in the same state (no observation needed).
    observation : Observation, optional
        Needed for every kind but ``"generator"``; values of another shape than their base or
        not floating are never diagnosed.
    """
    if observation is not None and not _comparable(observation):
        return None
    rules = [(bug, RULES.get(bug.name, {}).get(kind)) for bug in catalogue("dropout")]
    matches = [bug for bug, rule in rules if rule is not None and rule(observation)]
    return Diagnosis(matches[0].id, matches[0].hint) if len(matches) == 1 else None


def profile(values: np.ndarray, base: np.ndarray) -> Profile:
    """The profile of ``values`` relative to ``base`` (which has no zeros)."""
    if not np.all(np.isfinite(values)):
        return NOT_FINITE
    dropped = values == 0
    ratios = values[~dropped] / base[~dropped]
    scale = float(np.median(ratios)) if ratios.size else None
    if scale is not None and not np.allclose(ratios, scale, rtol=1e-9, atol=0):
        scale = None
    return Profile(float(dropped.mean()), scale)


def inverted(p: float, train: bool) -> Profile:
    """Inverted dropout's profile: a fraction p dropped and the rest scaled by 1/(1-p) in training."""
    return _dropping(p, 1 / (1 - p) if p < 1 else 0.0) if train else IDENTITY


def _dropping(fraction: float, scale: float) -> Profile:
    """The profile of dropping ``fraction`` and scaling the rest by ``scale`` (all zeros when scale is 0)."""
    return Profile(1.0, None) if scale == 0 or fraction == 1 else Profile(float(fraction), float(scale))


def _matches(seen: Profile, predicted: Profile, size: float) -> bool:
    """Whether ``seen`` (from ``size`` elements) is what ``predicted`` gives, up to sampling noise."""
    if not (seen.finite and predicted.finite):
        return seen.finite == predicted.finite
    q = predicted.dropped
    if abs(seen.dropped - q) > SIGMAS * math.sqrt(q * (1 - q) / size) + 0.5 / size:
        return False
    if seen.scale is None or predicted.scale is None:
        return seen.scale is None and predicted.scale is None
    return math.isclose(seen.scale, predicted.scale, rel_tol=1e-6)


def _comparable(observation: Observation) -> bool:
    values, base = observation.values, observation.base
    return type(values) is np.ndarray and values.dtype.kind == "f" and values.shape == np.shape(base)


# -- the rules, by bug name ---------------------------------------------------------------------


def _behaves(prediction: Callable[[float, bool], Profile]) -> Callable[[Observation], bool]:
    """A rule: the observation has the bug's predicted profile, which inverted dropout does not have."""

    def rule(seen: Observation) -> bool:
        predicted = prediction(seen.p, seen.train)
        return (not _matches(predicted, inverted(seen.p, seen.train), math.inf)
                and _matches(profile(seen.values, seen.base), predicted, seen.values.size))

    return rule


def _overwrites_x(seen: Observation) -> bool:
    """x afterwards is what the forward returns: x was masked in place."""
    predicted = inverted(seen.p, seen.train)
    return predicted != IDENTITY and _matches(profile(seen.values, seen.base), predicted, seen.values.size)


def _new_mask(seen: Observation) -> bool:
    """dx drops and scales like inverted dropout, but not at the zeros of the forward's output."""
    return (seen.train and 0 < seen.p < 1 and seen.zeros is not None
            and _matches(profile(seen.values, seen.base), inverted(seen.p, True), seen.values.size)
            and not np.array_equal(seen.values == 0, seen.zeros))


_P_IS_KEEP = _behaves(lambda p, train: _dropping(1 - p, 1 / p if p > 0 else 0.0) if train else IDENTITY)
_SCALES_BY_P = _behaves(lambda p, train: _dropping(p, 1 / p if p > 0 else 1.0) if train else IDENTITY)
_NO_SCALING = _behaves(lambda p, train: _dropping(p, 1.0) if train else IDENTITY)
_SCALES_AT_TEST = _behaves(lambda p, train: inverted(p, train) if train else _dropping(0.0, 1 - p))
_MASK_IN_EVAL = _behaves(lambda p, train: inverted(p, True))
_NAN_AT_ONE = _behaves(lambda p, train: NOT_FINITE if train and p == 1 else inverted(p, train))

RULES: dict[str, dict[str, Callable]] = {
    "p_is_keep_probability": {"output": _P_IS_KEEP, "gradient": _P_IS_KEEP},
    "scales_by_p": {"output": _SCALES_BY_P, "gradient": _SCALES_BY_P},
    "no_scaling": {"output": _NO_SCALING, "gradient": _NO_SCALING},
    "scales_at_test_time": {"output": _SCALES_AT_TEST, "gradient": _SCALES_AT_TEST},
    "eval_mode_applies_mask": {"output": _MASK_IN_EVAL, "gradient": _MASK_IN_EVAL},
    "nan_at_p_one": {"output": _NAN_AT_ONE, "gradient": _NAN_AT_ONE},
    "backward_draws_new_mask": {"gradient": _new_mask},
    "mask_not_from_rng": {"generator": lambda seen: True},
    "modifies_x_in_place": {"input": _overwrites_x},
}
"""How each catalogued dropout bug is recognised, by the kind of observation."""
