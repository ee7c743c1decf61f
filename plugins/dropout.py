"""The dropout exercise's plug-in: properties and diagnosis by statistics, never by one random stream.

How a submission draws its mask from ``rng`` is its own choice, so dropout cannot be compared with
the reference value by value. Its rubric names these properties instead (registered with
:mod:`autograder.course.hooks`): the fraction dropped and the scale of the kept units, the
evaluation identity, a backward through the forward's own mask, and masks that follow the generator.

Its bugs are recognised by the same statistics. What dropout returns is summarised by its
:class:`Profile`: the fraction of zeros and the one factor every kept element was scaled by,
relative to the input (``out / x``, ``dx / dout``, or ``x`` afterwards ``/ x``). Each catalogued bug
predicts a profile from ``p`` and the mode, and is recognised when the submission's profile matches
the bug's prediction and the prediction differs from inverted dropout's (so a correct result is
never diagnosed). Three bugs are behaviours rather than profiles: a backward whose zeros are not the
forward's (``backward_draws_new_mask``), masks that differ for generators in the same state
(``mask_not_from_rng``), and a mask drawn once for all the examples of a batch
(``mask_shared_across_batch``), whose zeros repeat along the batch axis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from autograder.course import hooks
from autograder.judge.cases import Case
from autograder.judge.checks import vocabulary
from autograder.judge.checks.compare import Verdict, check_array
from autograder.judge.checks.context import Context, normalize_gradients
from autograder.judge.diagnosis import Diagnosis
from autograder.values import RngSeed

BINOMIAL_SIGMAS = 5.0
OUT_WRONG = vocabulary.wrong(("out",))
"""A failed hidden case's message: dropout's checks look at its output."""
REPEAT_CHANCE = 1e-12
"""The largest chance, for independent drops, that every slice along an axis has the same zeros, at which
that repetition counts as a mask shared along the axis (so a correct mask fails one case in 10^12 at most)."""
SCALE_RTOL = 1e-6
"""Relative tolerance on dropout's 1/(1-p) factor: the forward checks' 1e-6, so a scale rounded to float32 passes."""


# -- the properties ----------------------------------------------------------------------------------


def _dropout_forward(ctx: Context, args: list, case: Case):
    """The submission's dropout output for ``args``, checked to be a float array shaped like x."""
    values, call, problem = ctx.run_forward(case, args)
    if values is None:
        return None, Verdict(False, problem)
    out = values[0]
    shape_check = check_array("out", out, args[0], np.inf, not case.hidden)
    if not shape_check.passed:
        shape_check.diagnosis = _diagnose(ctx, "output", Observation(out, *args[:3]))
        return None, shape_check
    return out, None


@hooks.property_check("dropout_statistics")
def dropout_statistics(ctx: Context, case: Case) -> Verdict:
    """In training, about a fraction p of units is zeroed and the kept ones are scaled by 1/(1-p)."""
    args = ctx.inputs(case)
    x, p = args[0], float(args[1])
    out, failure = _dropout_forward(ctx, args, case)
    if failure:
        return failure
    dropped = out == 0
    fraction, n = float(dropped.mean()), dropped.size
    bound = BINOMIAL_SIGMAS * np.sqrt(p * (1 - p) / n) + 0.5 / n
    shared = _shared_axis(dropped, p) if 0 < p < 1 else None
    if shared is not None:
        return Verdict(False, f"the same units are zeroed all along axis {shared} of x (every slice along it has the "
                              f"same zeros), so the units are not dropped independently: draw one keep decision per "
                              f"element, with the shape of x (rng.random(x.shape) >= p)",
                       diagnosis=_diagnose(ctx, "output", Observation(out, *args[:3])), hidden=OUT_WRONG)
    if abs(fraction - p) > bound:
        found = "too many or too few units were zeroed" if case.hidden else f"{fraction:.1%} of the units were zeroed"
        keep = abs(fraction - (1 - p)) <= BINOMIAL_SIGMAS * np.sqrt(p * (1 - p) / n) + 0.5 / n
        why = " (as if p were the probability of keeping a unit; it is the probability of dropping one)" if keep else ""
        return Verdict(False, f"{found}; with p = {p} expected about {p:.0%}{why}",
                       diagnosis=_diagnose(ctx, "output", Observation(out, *args[:3])), hidden=OUT_WRONG)
    kept = ~dropped
    if p < 1 and kept.any():
        ratio = out[kept] / x[kept]
        if not np.allclose(ratio, 1 / (1 - p), rtol=SCALE_RTOL, atol=0):
            unscaled = np.allclose(ratio, 1.0, rtol=SCALE_RTOL, atol=0)
            scale = "by another factor" if case.hidden else f"by about {np.median(ratio):.3g}"
            detail = "are not scaled" if unscaled else f"are scaled {scale}"
            return Verdict(False, f"the kept units {detail}; inverted dropout scales them by 1/(1-p) = {1 / (1 - p):.3g}",
                           diagnosis=_diagnose(ctx, "output", Observation(out, *args[:3])), hidden=OUT_WRONG)
    axis = next((a for a in range(out.ndim) if _repeats_along(dropped, p, a)), None)
    if axis is not None:
        where = "" if case.hidden else f" (axis {axis} of x's shape {x.shape})"
        return Verdict(False, f"the same units are zeroed in every slice along one axis{where}; each element is "
                              "dropped on its own draw, with a mask of x's whole shape",
                       diagnosis=_diagnose(ctx, "output", Observation(out, *args[:3])), hidden=OUT_WRONG)
    return Verdict(True)


def _repeats_along(dropped: np.ndarray, p: float, axis: int) -> bool:
    """Whether every slice of ``dropped`` along ``axis`` is the same, where independent drops with probability p
    would make that all but impossible (a chance below :data:`REPEAT_CHANCE`)."""
    slices = dropped.shape[axis]
    if not 0 < p < 1 or slices < 2 or dropped.size == 0:
        return False
    per_slice = dropped.size // slices
    log_chance = per_slice * np.logaddexp(slices * math.log(p), slices * math.log(1 - p))
    return bool(log_chance < math.log(REPEAT_CHANCE) and (dropped == dropped.take([0], axis=axis)).all())


@hooks.property_check("dropout_eval_identity")
def dropout_eval_identity(ctx: Context, case: Case) -> Verdict:
    """With ``train=False`` the output equals the input, without scaling."""
    args = ctx.inputs(case)
    out, failure = _dropout_forward(ctx, args, case)
    if failure:
        return failure
    verdict = check_array("out", out, args[0], 1e-12, not case.hidden)
    if not verdict.passed:
        return Verdict(False, f"in evaluation mode the output must equal x: {verdict.message}", verdict.relative_error,
                       _diagnose(ctx, "output", Observation(out, *args[:3])), hidden=OUT_WRONG)
    return verdict


@hooks.property_check("dropout_mask_shared")
def dropout_mask_shared(ctx: Context, case: Case) -> Verdict:
    """The backward passes ``dout`` through its own forward's mask, ``dx = dout * mask / (1 - p)``, even after
    another forward call."""
    args = ctx.inputs(case)
    x, p = args[0], float(args[1])
    values, call, problem = ctx.run_forward(case, args, keep_cache=True)
    if values is None:
        return Verdict(False, f"the backward could not run: {problem}")
    out = values[0]
    if not _is_inverted_dropout(out, x, p, args[2]):
        ctx.runner.release([values[-1]])
        return Verdict(False, "the forward's output is not inverted dropout of x here (each unit zeroed or scaled "
                              "by 1/(1-p), x itself in evaluation), so the backward cannot be checked",
                       diagnosis=_diagnose(ctx, "output", Observation(out, x, p, args[2])), hidden=OUT_WRONG)
    dout = case.rng("dout").standard_normal(x.shape)
    ctx.run_decoy_forward(case)
    back = ctx.runner.call(ctx.spec.exercise, ctx.spec.backward, [dout, values[-1]])
    ctx.runner.release([values[-1]])
    if not back.ok:
        return Verdict(False, ctx.problem(ctx.spec.backward, back, case))
    expected = dout * out / x if args[2] else dout
    grads = normalize_gradients(back.value, 1)
    verdict = check_array("dx", grads[0], expected, SCALE_RTOL, not case.hidden)
    if not verdict.passed:
        diagnosis = _diagnose(ctx, "gradient", Observation(grads[0], dout, p, args[2], zeros=out == 0))
        return Verdict(False, f"dx must be dout through the forward's mask, scaled like the output: {verdict.message}",
                       verdict.relative_error, diagnosis, hidden=vocabulary.wrong(("dx",)))
    return verdict


@hooks.property_check("dropout_same_generator", case_keys=("seeds",))
def dropout_same_generator(ctx: Context, case: Case) -> Verdict:
    """Generators in the same state give the same mask; different seeds give different masks.

    A seed of None in the case's ``seeds`` calls with ``rng=None``, which asks for a fresh
    generator: two such calls in a row must give different masks.
    """
    args = ctx.inputs(case)
    seeds = case.params.get("seeds", [11, 11, 12])
    outs = []
    for seed in seeds:
        out, failure = _dropout_forward(ctx, args[:3] + [None if seed is None else RngSeed(int(seed))], case)
        if failure:
            return failure
        outs.append(out)
    for (seed_a, a), (seed_b, b) in zip(zip(seeds, outs), zip(seeds[1:], outs[1:])):
        same = np.array_equal(a == 0, b == 0)
        if seed_a is None and seed_b is None and same:
            return Verdict(False, "two calls with rng=None gave the same mask; rng=None means a fresh "
                                  "numpy.random.default_rng(), never a fixed seed", hidden=OUT_WRONG)
        if seed_a is not None and seed_a == seed_b and not same:
            return Verdict(False, "two generators in the same state gave different masks; draw the mask from rng",
                           diagnosis=_diagnose(ctx, "generator"), hidden=OUT_WRONG)
        if seed_a != seed_b and same:
            return Verdict(False, "generators with different seeds gave the same mask; draw the mask from rng",
                           hidden=OUT_WRONG)
    return Verdict(True)


CHANCE = 1e-9
"""The most likely that independent draws give the zeros a shared mask is recognised by."""


def _shared_axis(dropped: np.ndarray, p: float) -> int | None:
    """The first axis along which every slice of ``dropped`` is the same, when independent draws would
    almost never do that (probability below :data:`CHANCE`, for 0 < p < 1).

    Along an axis of length k with slices of m elements, independent draws give identical slices
    with probability ``(p**k + (1 - p)**k) ** m``; a 1-D input is one slice of single elements.
    """
    for axis in range(dropped.ndim):
        k, m = dropped.shape[axis], dropped.size // max(dropped.shape[axis], 1)
        if k < 2 or m * float(np.logaddexp(k * math.log(p), k * math.log(1 - p))) > math.log(CHANCE):
            continue
        first = np.take(dropped, [0], axis=axis)
        if np.array_equal(np.broadcast_to(first, dropped.shape), dropped):
            return axis
    return None


def _is_inverted_dropout(out, x: np.ndarray, p: float, train: bool) -> bool:
    """Whether ``out`` is a finite float array of x's shape whose every unit is dropped or scaled as inverted dropout."""
    if type(out) is not np.ndarray or out.dtype.kind != "f" or out.shape != x.shape or not np.all(np.isfinite(out)):
        return False
    if not train:
        return bool(np.array_equal(out, x))
    kept = out != 0
    if p >= 1:
        return not kept.any()
    return bool(np.allclose(out[kept], x[kept] / (1 - p), rtol=SCALE_RTOL, atol=0))


@hooks.diagnoser("dropout_profiles")
def diagnose(ctx: Context, observe: str, function: str, args: list, douts: list, actual) -> Diagnosis | None:
    """The engine's generic checks observed something: x changed by the forward is recognised here."""
    if observe == "inputs" and function == ctx.spec.name and isinstance(actual, dict) and "x" in actual:
        return _diagnose(ctx, "input", Observation(actual["x"], args[0], args[1], args[2]))
    return None


# -- the diagnosis by profiles -----------------------------------------------------------------------


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


def _diagnose(ctx: Context, kind: str, observation: Observation | None = None) -> Diagnosis | None:
    """What :func:`diagnose_dropout` recognises among the bugs of the exercise's catalogue."""
    return diagnose_dropout(ctx.course.catalogue(ctx.spec.exercise), kind, observation)


def diagnose_dropout(bugs: tuple, kind: str, observation: Observation | None = None) -> Diagnosis | None:
    """The catalogued bug of ``bugs`` whose rule for ``kind`` recognises ``observation``.

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
    rules = [(bug, RULES.get(bug.name, {}).get(kind)) for bug in bugs]
    matches = [bug for bug, rule in rules if rule is not None and rule(observation)]
    return Diagnosis(matches[0].id, matches[0].hint, matches[0].title) if len(matches) == 1 else None


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
_KEEPS_WITH_P = _behaves(lambda p, train: _dropping(1 - p, 1 / (1 - p) if p < 1 else 0.0) if train else IDENTITY)
_UNSCALED_MASK = _behaves(lambda p, train: _dropping(p, 1.0) if train else IDENTITY)
_SCALED_TWICE = _behaves(lambda p, train: _dropping(p, (1 / (1 - p)) ** 2 if p < 1 else 0.0) if train else IDENTITY)


def _shared_across_batch(seen: Observation) -> bool:
    """Training dropped the same units in every example: the zeros repeat along axis 0."""
    return seen.train and seen.values.ndim > 0 and _repeats_along(seen.values == 0, seen.p, 0)


RULES: dict[str, dict[str, Callable]] = {
    "p_is_keep_probability": {"output": _P_IS_KEEP, "gradient": _P_IS_KEEP},
    "scales_by_p": {"output": _SCALES_BY_P, "gradient": _SCALES_BY_P},
    "no_scaling": {"output": _NO_SCALING},
    "scales_at_test_time": {"output": _SCALES_AT_TEST, "gradient": _SCALES_AT_TEST},
    "eval_mode_applies_mask": {"output": _MASK_IN_EVAL, "gradient": _MASK_IN_EVAL},
    "nan_at_p_one": {"output": _NAN_AT_ONE, "gradient": _NAN_AT_ONE},
    "backward_draws_new_mask": {"gradient": _new_mask},
    "mask_not_from_rng": {"generator": lambda seen: True},
    "modifies_x_in_place": {"input": _overwrites_x},
    "mask_shared_across_batch": {"output": _shared_across_batch},
    "keep_mask_drawn_with_probability_p": {"output": _KEEPS_WITH_P},
    "backward_mask_not_scaled": {"gradient": _UNSCALED_MASK},
    "backward_scales_twice": {"gradient": _SCALED_TWICE},
}
"""How each catalogued dropout bug is recognised, by the kind of observation.

A gradient is observed only after a forward that is inverted dropout (the backward's check stops
before otherwise), so a gradient rule names a mistake of the backward itself: an unscaled dx is
``backward_mask_not_scaled``, not ``no_scaling``, whose forward never gets that far."""
