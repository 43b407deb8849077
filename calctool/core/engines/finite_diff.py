"""Finite differences in pure numpy: derivatives, gradients, Hessians, gradient checks.

Why it is built this way:

* Every estimate is a 1-D problem, phi(t) = f(x + t*d), solved by one engine
  (`_solve_1d`): for a scalar derivative d is 1, for a gradient component d is
  a unit coordinate vector, for a directional check d is a random unit vector.
  So step choice, domain safety and error estimates behave the same everywhere.
* An estimate without an error estimate cannot be trusted or compared, so each
  stencil carries extra points that measure its own truncation error, and its
  rounding error is propagated from the noise of f through the stencil weights.
* Steps are exactly representable: a stencil uses the offsets it actually
  evaluated, ``(x + h) - x``, never the nominal h. (Along a random direction
  the rounding of the points is part of the measured noise instead.)
* Steps never leave the domain: when f is undefined at a stencil point (or a
  `domain` says so) the step shrinks, and near a boundary one-sided stencils
  on the defined side compete with the shrunken two-sided one; among those
  that agree with it, the one with the smaller error estimate wins.
* gradcheck's fast mode compares random directional derivatives with u.g under
  a tolerance set from the *measured* noise of f (the Moré-Wild difference
  table, ECnoise) and the measured truncation error, so it is as tight as the
  arithmetic allows rather than a loose fixed rtol.

numpy is imported at module level: this module is only imported lazily, by
the commands that need numbers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.exceptions import ComplexWarning

from calctool.core.errors import ComputeError, DomainError, UsageError

Method = Literal["forward", "central", "richardson", "complex"]
METHODS: tuple[str, ...] = ("forward", "central", "richardson", "complex")

EPS = float(np.finfo(np.float64).eps)
_TINY = float(np.finfo(np.float64).tiny)

# Relative base steps, scaled by max(1, |x|). Each balances the stencil's
# truncation error (h, h^2, h^6) against rounding (eps/h) for unit-scale f.
_REL_STEP: dict[str, float] = {
    "forward": math.sqrt(EPS),  # ~1.5e-8
    "central": EPS ** (1.0 / 3.0),  # ~6.1e-6
    "richardson": 0.01,  # ~eps**(1/7) (tuned on the bench suite): h^6 error allows it
}
_COMPLEX_STEP = 1e-20
_HESSIAN_REL_STEP = EPS**0.25  # ~1.2e-4: balances h^2 truncation with eps/h^2

# Directional checks: a unit direction moves each coordinate by ~h/sqrt(n), so
# the step along it is the coordinate step times sqrt(n) (rms coordinate scale).
_NOISE_PROBE_POINTS = 11  # equally spaced values for the noise difference table
_NOISE_PROBE_REL = 1e-5  # their spacing, relative to the rms coordinate scale
# A measured noise above this x eps |f| is probed again at 1/_NOISE_SHRINK of the
# spacing: noise stays, a kink's share falls about as fast as the spacing (a
# smooth remainder's as its 4th power or faster).
_NOISE_SUSPECT = 64.0
_NOISE_SHRINK = 16.0
_NOISE_KINK = (8.0, 256.0)  # a drop by a factor in this range: a kink on the probe
_NOISE_LEVELS = 8  # at most this many closer probes (10 evaluations each)
_KAPPA = 10.0  # tolerance = _KAPPA x estimated error std; see directional_check

_MAX_REFINE = 6  # step refinements driven by the truncation estimate
_REFINE_WHEN = 2.0  # ... made while truncation > this x rounding
_SUSPECT = 1e-3  # relative truncation that makes refine="when-needed" refine
_AGREE = 3.0  # a one-sided estimate must agree with the two-sided one within this x errors
_ROOM_FRACTION = 0.5  # a stencil may use at most this part of the room to a boundary

ProgressCallback = Callable[[int, int], None]
# When to refine a step from its truncation estimate: "always" while truncation
# dominates (derivative, directional checks), "when-needed" only when the
# estimate says the value is off by a sizeable fraction (gradient: refining
# every component would cost evaluations everywhere), "never" (a step the
# caller chose). A step shrunk to fit the domain is always refined.
Refine = Literal["always", "when-needed", "never"]
_T = TypeVar("_T")


# --------------------------------------------------------------------------- errors


class FiniteDiffUsageError(UsageError, ValueError):
    """A bad argument (unknown method, non-positive step, x outside its domain)."""

    code = "usage_error"


class NonFiniteValueError(DomainError, ValueError):
    """f is not finite at the point itself, so no derivative can be estimated there."""

    code = "domain_error"


class ComplexStepUnsupportedError(ComputeError, ValueError):
    """f cannot take complex input, which the complex-step method needs."""

    code = "complex_step_unsupported"


# --------------------------------------------------------------------------- results


def _json_float(value: float) -> float | str:
    """A JSON-safe number: non-finite values become the strings SPEC section 3 names."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


@dataclass(frozen=True)
class FDResult:
    """A derivative estimate with its error estimate and cost.

    `error_estimate` is a realistic estimate of |value - f'(x)| (truncation, as
    measured by the stencil's extra points, plus propagated rounding);
    `error_bound` is a conservative one for tolerances (for richardson the
    error of the previous extrapolation level, typically far above the
    actual error; for the other methods the same as `error_estimate`).
    `stencil` says which points were used: "central" (both sides), "forward",
    "backward" (one side, e.g. next to a domain boundary) or "complex".
    """

    value: float
    error_estimate: float
    evaluations: int
    step: float
    method: str
    stencil: str
    error_bound: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": _json_float(self.value),
            "error_estimate": _json_float(self.error_estimate),
            "error_bound": _json_float(self.error_bound),
            "evaluations": self.evaluations,
            "step": _json_float(self.step),
            "method": self.method,
            "stencil": self.stencil,
        }


@dataclass(frozen=True, eq=False)
class GradResult:
    """A finite-difference gradient.

    `error_estimates` are conservative per-component errors (truncation bound
    + rounding), meant to be used as tolerances (see `FDResult.error_bound`).
    """

    values: np.ndarray
    error_estimates: np.ndarray
    evaluations: int
    steps: np.ndarray
    method: str
    # Per component (rows in the order of `values`, flattened): the lowest and
    # highest offset from x_i that the chosen stencil evaluated f at. A kink of
    # f inside [x_i + lo, x_i + hi] makes that difference meaningless.
    spans: np.ndarray | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "values": [_json_float(v) for v in self.values],
            "error_estimates": [_json_float(v) for v in self.error_estimates],
            "evaluations": self.evaluations,
            "steps": [_json_float(v) for v in self.steps],
            "method": self.method,
        }


@dataclass(frozen=True)
class DirectionRecord:
    """One random direction of a fast gradient check.

    `noise_floor` is the estimated error of `numeric` (rounding + truncation,
    plus rounding of the analytic dot product); `tolerance` is what
    `abs_error` was compared with.
    """

    analytic: float
    numeric: float
    abs_error: float
    noise_floor: float
    tolerance: float
    step: float
    passed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "analytic": _json_float(self.analytic),
            "numeric": _json_float(self.numeric),
            "abs_error": _json_float(self.abs_error),
            "noise_floor": _json_float(self.noise_floor),
            "tolerance": _json_float(self.tolerance),
            "step": _json_float(self.step),
            "passed": self.passed,
        }


@dataclass(frozen=True)
class DirectionalResult:
    """The outcome of a fast (directional) gradient check."""

    passed: bool
    directions: list[DirectionRecord]
    evaluations: int
    max_abs_error: float
    max_rel_error: float
    noise_level: float
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "directions": [d.to_dict() for d in self.directions],
            "evaluations": self.evaluations,
            "max_abs_error": _json_float(self.max_abs_error),
            "max_rel_error": _json_float(self.max_rel_error),
            "noise_level": _json_float(self.noise_level),
            "method": self.method,
        }


@dataclass(frozen=True, eq=False)
class HessResult:
    """A finite-difference Hessian (exactly symmetric) and its cost."""

    values: np.ndarray
    evaluations: int
    steps: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        return {
            "values": [[_json_float(v) for v in row] for row in self.values],
            "evaluations": self.evaluations,
            "steps": [_json_float(v) for v in self.steps],
        }


@dataclass(frozen=True, eq=False)
class DirectionalSample:
    """The numeric half of a directional check, reusable against several gradients.

    Directions are not stored (k x n floats could be large): they are
    regenerated from `entropy`; `directions()` does it once for callers that
    compare several gradients.
    """

    numeric: np.ndarray
    rounding: np.ndarray
    truncation: np.ndarray
    steps: np.ndarray
    entropy: int
    n: int
    evaluations: int
    noise_level: float
    method: str

    def directions(self) -> list[np.ndarray]:
        """The k unit directions (flat), as used for the numeric values."""
        return list(_directions(self.entropy, len(self.numeric), self.n))


# --------------------------------------------------------------------------- validation


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise FiniteDiffUsageError(
            f"unknown finite-difference method {method!r}; expected one of {', '.join(METHODS)}"
        )


def _check_step(h: float) -> float:
    h = float(h)
    if not (h > 0 and math.isfinite(h)):
        raise FiniteDiffUsageError(f"the step must be a positive finite number, got {h!r}")
    return h


def _as_point(x: np.ndarray | Sequence[float]) -> np.ndarray:
    """A private float64 copy of x, at least 1-D: callers' arrays are never modified.

    Any shape is kept (f may expect a weight matrix); the engines work on its
    flat view, ``point.reshape(-1)``, which shares its memory.
    """
    point = np.array(x, dtype=np.float64, ndmin=1, order="C")
    if not np.all(np.isfinite(point)):
        raise FiniteDiffUsageError("the point must have finite coordinates")
    return point


# --------------------------------------------------------------------------- steps


def default_step(x: np.ndarray | float, method: Method) -> np.ndarray | float:
    """The base step for `method` at x, per component, scaled to the point.

    Scaled by max(1, |x|) because the rounding error of x + h is relative to x;
    and made exactly representable, h = (x + h) - x, so that the step the
    formula divides by is the step that was taken.
    """
    _check_method(method)
    xa = np.asarray(x, dtype=np.float64)
    if method == "complex":
        h = np.full(xa.shape, _COMPLEX_STEP)
    else:
        h = _REL_STEP[method] * np.maximum(1.0, np.abs(xa))
        h = (xa + h) - xa
    if np.ndim(x) == 0:
        return float(h)
    return h


def _hessian_steps(x: np.ndarray) -> np.ndarray:
    h = _HESSIAN_REL_STEP * np.maximum(1.0, np.abs(x))
    return (x + h) - x


# --------------------------------------------------------------------------- richardson


def richardson(
    estimates: Sequence[float] | np.ndarray,
    *,
    ratio: float = 2.0,
    first_power: int = 2,
    power_step: int = 2,
) -> tuple[float, float]:
    """Richardson extrapolation of estimates at steps h, h/ratio, h/ratio^2, ...

    Assumes error terms c1 h^p + c2 h^(p+s) + ... (p = `first_power`,
    s = `power_step`; central differences have p = s = 2) and eliminates one
    per level. Returns (extrapolated value, |difference between the two most
    refined entries of the last level|), the classic, conservative error bound.
    """
    row = np.asarray(estimates, dtype=np.float64)
    if row.ndim != 1 or row.size < 2:
        raise FiniteDiffUsageError("richardson needs at least two estimates")
    power = first_power
    previous = row
    while row.size > 1:
        factor = ratio**power
        previous = row
        row = (factor * row[1:] - row[:-1]) / (factor - 1.0)
        power += power_step
    return float(row[0]), float(abs(row[0] - previous[-1]))


# --------------------------------------------------------------------------- stencils


def _derivative_weights(t: np.ndarray) -> np.ndarray:
    """Weights w with sum(w * f(t)) = f'(0) for every polynomial of degree < len(t)."""
    scale = float(np.max(np.abs(t)))
    s = t / scale
    vander = np.vander(s, len(t), increasing=True).T
    rhs = np.zeros(len(t))
    rhs[1] = 1.0
    return np.linalg.solve(vander, rhs) / scale


Combine = Callable[[np.ndarray, np.ndarray], tuple[float, float, float]]


def _combine_forward(t: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
    """First-order one-sided difference; the error is ~c h, so D(2h) - D(h) measures it."""
    d1 = (v[1] - v[0]) / (t[1] - t[0])
    if len(t) == 2:
        return d1, 0.0, 0.0
    d2 = (v[2] - v[0]) / (t[2] - t[0])
    err = abs(d2 - d1)
    return d1, err, err


def _combine_central(t: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
    """Central difference; the error is ~c h^2, so (D(2h) - D(h)) / 3 measures it."""
    d1 = (v[1] - v[0]) / (t[1] - t[0])
    if len(t) == 2:
        return d1, 0.0, 0.0
    d2 = (v[3] - v[2]) / (t[3] - t[2])
    err = abs(d2 - d1) / 3.0
    return d1, err, err


def _combine_richardson(t: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
    """Central differences at h, h/2, h/4 extrapolated twice (error ~h^6).

    Two error figures: the classic bound |R2 - R1| (the error of the previous
    level, far above R2's own) for tolerances, and an estimate of R2's own
    error for step selection. Writing D(s) = f' + p (s/h)^2 + q (s/h)^4 + ...,
    the three differences give p and q; assuming the series terms decay
    geometrically, the h^6 term is about q^2/p, and R2 keeps 1/64 of it.
    """
    d = [(v[2 * i + 1] - v[2 * i]) / (t[2 * i + 1] - t[2 * i]) for i in range(3)]
    value, bound = richardson(d)
    q = 64.0 / 45.0 * ((d[0] - d[1]) - 4.0 * (d[1] - d[2]))
    p = 4.0 / 3.0 * ((d[0] - d[1]) - 15.0 / 16.0 * q)
    denominator = max(abs(p), abs(q))
    trunc = abs(q) * (abs(q) / denominator) / 64.0 if denominator > 0 else 0.0
    return value, float(trunc), bound


def _combine_lagrange_pair(fine: list[int], coarse: list[int], ratio: float) -> Combine:
    """One-sided interpolating-polynomial derivative, checked against a coarser node set.

    The error of a node set {0, t1, ..} is proportional to the product of the
    t's; `ratio` is coarse product / fine product, so the fine error is
    |coarse - fine| / (ratio - 1).
    """

    def combine(t: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
        value = float(_derivative_weights(t[fine]) @ v[fine])
        other = float(_derivative_weights(t[coarse]) @ v[coarse])
        err = abs(other - value) / (ratio - 1.0)
        return value, err, err

    return combine


def _combine_complex(t: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
    """Complex step: Im f(x + ih) / h has no subtraction, so no cancellation."""
    return float(v[0].imag / t[0].imag), 0.0, 0.0


@dataclass(frozen=True)
class _Stencil:
    """Nominal offsets (in units of h, before the side sign) and how to combine values."""

    name: str
    offsets: tuple[complex, ...]
    order: int
    combine: Combine
    two_sided: bool

    @property
    def reach(self) -> float:
        return max(abs(o) for o in self.offsets)

    @property
    def rounding_gain(self) -> float:
        """||weights|| at h = 1: the rounding std of the value is noise * gain / h."""
        return _ROUNDING_GAIN[self.name]


_STENCILS: dict[str, _Stencil] = {
    "forward": _Stencil("forward", (0.0, 1.0, 2.0), 1, _combine_forward, False),
    "forward-fast": _Stencil("forward-fast", (0.0, 1.0), 1, _combine_forward, False),
    "central": _Stencil("central", (-1.0, 1.0, -2.0, 2.0), 2, _combine_central, True),
    "central-fast": _Stencil("central-fast", (-1.0, 1.0), 2, _combine_central, True),
    "richardson": _Stencil(
        "richardson", (-1.0, 1.0, -0.5, 0.5, -0.25, 0.25), 6, _combine_richardson, True
    ),
    # one-sided fallbacks next to a boundary: O(h^2) for central, O(h^3) for richardson
    "one-sided-2": _Stencil(
        "one-sided-2",
        (0.0, 1.0, 2.0, 4.0),
        2,
        _combine_lagrange_pair([0, 1, 2], [0, 2, 3], 4.0),
        False,
    ),
    "one-sided-3": _Stencil(
        "one-sided-3",
        (0.0, 0.25, 0.5, 1.0, 2.0),
        3,
        _combine_lagrange_pair([0, 1, 2, 3], [0, 2, 3, 4], 8.0),
        False,
    ),
    "complex": _Stencil("complex", (1j,), 2, _combine_complex, False),
}


def _gain(stencil: _Stencil) -> float:
    t = np.array(stencil.offsets, dtype=np.float64)
    weights = [stencil.combine(t, row)[0] for row in np.eye(len(t))]
    return float(np.linalg.norm(weights))


_ROUNDING_GAIN: dict[str, float] = {
    name: (0.0 if name == "complex" else _gain(s)) for name, s in _STENCILS.items()
}

_FALLBACK = {"central": "one-sided-2", "central-fast": "one-sided-2", "richardson": "one-sided-3"}


def _stencil_for(method: str, estimate_error: bool) -> _Stencil:
    if method in ("forward", "central") and not estimate_error:
        return _STENCILS[method + "-fast"]
    return _STENCILS[method]


# --------------------------------------------------------------------------- lines


class _Line:
    """phi(t) = f(x + t d): evaluates offsets, reports the offsets actually taken, counts.

    Subclasses implement `_real` and `_complex`. f(x) itself is cached (and can
    be given up front), so one-sided stencils and domain checks share it.
    """

    def __init__(self, center: float | None = None) -> None:
        self.count = 0
        self._center = center

    def _real(self, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _complex(self, offsets: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def center(self) -> float:
        if self._center is None:
            with np.errstate(all="ignore"):
                _, values = self._real(np.zeros(1))
            self.count += 1
            self._center = float(values[0])
        return self._center

    def require_finite_center(self) -> None:
        value = self.center()
        if not math.isfinite(value):
            raise NonFiniteValueError(
                f"f is not finite at the point (f = {value}), so it has no derivative there"
            )

    def __call__(self, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values at the offsets. Floating-point warnings are silenced: stencil points
        where f is undefined are expected while looking for the domain, and are
        handled by their nan/inf values."""
        with np.errstate(all="ignore"):
            return self._evaluate(offsets)

    def _evaluate(self, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if np.iscomplexobj(offsets):
            self.count += len(offsets)
            return offsets, self._complex(offsets)
        zero = offsets == 0.0
        actual = np.zeros(len(offsets))
        values = np.empty(len(offsets))
        if np.any(zero):
            values[zero] = self.center()
        if not np.all(zero):
            taken, vals = self._real(offsets[~zero])
            self.count += int(np.count_nonzero(~zero))
            actual[~zero] = taken
            values[~zero] = vals
        return actual, values


def _call_complex(f: Callable[[Any], Any], points: np.ndarray) -> np.ndarray:
    """f at complex points, or a readable error when f cannot take complex input."""
    advice = "use method 'central' or 'richardson' instead"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ComplexWarning)
        try:
            result = np.asarray(f(points))
        except (TypeError, ValueError, ComplexWarning) as exc:
            raise ComplexStepUnsupportedError(
                f"the complex-step method needs f to accept complex input, and f raised "
                f"{type(exc).__name__}: {exc}; {advice}"
            ) from exc
    if not np.iscomplexobj(result):
        raise ComplexStepUnsupportedError(
            "the complex-step method needs f to carry complex input through, but f returned "
            "real values (abs(), float(), .real or math functions drop the imaginary part); "
            + advice
        )
    return result


def _vectorised(f: Callable[[np.ndarray], Any], points: np.ndarray) -> np.ndarray:
    """f at many points in one call; pointwise when f turns out not to be vectorised."""
    result = np.asarray(f(points))
    if result.shape == points.shape:
        return result
    return np.array([np.asarray(f(p)).reshape(()) for p in points])


class _ScalarLine(_Line):
    """phi(t) = f(x + t) for a vectorised f of one variable: one call per stencil."""

    def __init__(self, f: Callable[[np.ndarray], Any], x: float) -> None:
        super().__init__()
        self.f = f
        self.x = x

    def _real(self, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        points = self.x + offsets
        return points - self.x, np.asarray(_vectorised(self.f, points), dtype=np.float64)

    def _complex(self, offsets: np.ndarray) -> np.ndarray:
        return _call_complex(self.f, self.x + offsets)


class _ComponentLine(_Line):
    """phi(t) = f(x + t e_i), changing x[i] in place and restoring it: no copies of x.

    `point` is what f receives; `flat` (and `flat_complex` for the complex
    step) are flat views of it (of its complex twin) that are changed.
    """

    def __init__(
        self,
        f: Callable[[np.ndarray], Any],
        point: np.ndarray,
        i: int,
        center: float | None,
        point_complex: np.ndarray | None = None,
    ) -> None:
        super().__init__(center)
        self.f = f
        self.point = point
        self.i = i
        self.point_complex = point_complex

    def _real(self, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        flat, i = self.point.reshape(-1), self.i
        xi = float(flat[i])
        actual = np.empty(len(offsets))
        values = np.empty(len(offsets))
        try:
            for k, t in enumerate(offsets):
                flat[i] = xi + t
                actual[k] = flat[i] - xi
                values[k] = float(self.f(self.point))
        finally:
            flat[i] = xi
        return actual, values

    def _complex(self, offsets: np.ndarray) -> np.ndarray:
        assert self.point_complex is not None
        flat, i = self.point_complex.reshape(-1), self.i
        xi = flat[i]
        values = np.empty(len(offsets), dtype=np.complex128)
        try:
            for k, t in enumerate(offsets):
                flat[i] = xi + t
                values[k] = _call_complex(self.f, self.point_complex).reshape(())
        finally:
            flat[i] = xi
        return values


class _DirectionLine(_Line):
    """phi(t) = f(x + t u) along a unit direction u."""

    def __init__(
        self, f: Callable[[np.ndarray], Any], x: np.ndarray, u: np.ndarray, center: float
    ) -> None:
        super().__init__(center)
        self.f = f
        self.x = x
        self.u = u

    def _real(self, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values = np.array([float(self.f(self.x + t * self.u)) for t in offsets])
        return offsets.copy(), values

    def _complex(self, offsets: np.ndarray) -> np.ndarray:
        return np.array([_call_complex(self.f, self.x + t * self.u).reshape(()) for t in offsets])


# --------------------------------------------------------------------------- the 1-D engine


@dataclass(frozen=True)
class _Estimate:
    value: float
    trunc: float  # best estimate of the truncation error
    trunc_bound: float  # conservative bound (used for tolerances)
    rounding: float  # rounding error std propagated through the stencil
    step: float  # nominal h
    stencil: str
    span: tuple[float, float] = (0.0, 0.0)  # lowest and highest real offset evaluated

    @property
    def error(self) -> float:
        return self.trunc + self.rounding

    @property
    def bound(self) -> float:
        return self.trunc_bound + self.rounding


def _estimate(
    line: _Line, stencil: _Stencil, side: int, h: float, noise: float | None
) -> _Estimate | None:
    """Evaluate one stencil at step h; None when a value is not finite or a step vanished."""
    nominal = np.array(stencil.offsets) * (h * side)
    actual, values = line(nominal)
    if not np.all(np.isfinite(values)) or np.any((actual == 0) & (nominal != 0)):
        return None
    value, trunc, bound = (float(v) for v in stencil.combine(actual, values))
    if not math.isfinite(value):
        return None
    if stencil.name == "complex":
        rounding = 4.0 * EPS * abs(value)
        span = (0.0, 0.0)  # x + ih: the real part never moves
    else:
        level = EPS * float(np.max(np.abs(values)))
        if noise is not None:
            level = max(level, noise)
        rounding = level * stencil.rounding_gain / h
        span = (min(0.0, float(np.min(actual))), max(0.0, float(np.max(actual))))
    return _Estimate(value, trunc, bound, rounding, h, _stencil_label(stencil, side), span)


def _stencil_label(stencil: _Stencil, side: int) -> str:
    if stencil.name == "complex":
        return "complex"
    if stencil.two_sided:
        return "central"
    return "forward" if side > 0 else "backward"


def _shrink_until(h: float, attempt: Callable[[float], _T | None]) -> _T | None:
    """attempt(h / 8^j) for the smallest j >= 1 where it succeeds (not None).

    Exponential search then bisection on j, so even a boundary 1e-300 away
    costs a dozen attempts rather than hundreds. Assumes that once a step
    works, smaller ones do too (the boundary is a distance away).
    """
    failing, j = 0, 1
    found: tuple[int, _T] | None = None
    while found is None:
        step = h * 8.0**-j
        if step == 0.0 or j > 4096:
            return None
        result = attempt(step)
        if result is not None:
            found = (j, result)
        else:
            failing, j = j, 2 * j
    good, best = found
    while good - failing > 1:
        mid = (good + failing) // 2
        result = attempt(h * 8.0**-mid)
        if result is None:
            failing = mid
        else:
            good, best = mid, result
    return best


def _largest_finite(
    line: _Line, stencil: _Stencil, side: int, h: float, noise: float | None
) -> _Estimate | None:
    """The stencil at the largest step h / 8^j (j >= 1) whose values are all finite."""
    return _shrink_until(h, lambda step: _estimate(line, stencil, side, step, noise))


def _refine(
    line: _Line, stencil: _Stencil, side: int, est: _Estimate, noise: float | None
) -> _Estimate:
    """Shrink the step while the measured truncation error dominates rounding.

    Error ~ A h^p + B / h is smallest where p A h^p = B / h, so the step is
    scaled by (rounding / (p trunc))^(1/(p+1)); the best estimate seen wins.
    Never grows the step: the default is already right for unit-scale f, and a
    truncation estimate buried in noise cannot justify a larger one.
    """
    best = est
    for _ in range(_MAX_REFINE):
        if not est.trunc > _REFINE_WHEN * est.rounding:
            break
        p = stencil.order
        factor = (est.rounding / (p * est.trunc)) ** (1.0 / (p + 1))
        new = _estimate(line, stencil, side, est.step * min(max(factor, 1e-3), 0.5), noise)
        if new is None:
            break
        est = new
        if new.error < best.error:
            best = new
    return best


def _attempt(
    line: _Line,
    stencil: _Stencil,
    side: int,
    h0: float,
    room: float,
    noise: float | None,
    refine: Refine,
    search: bool = True,
) -> tuple[_Estimate | None, bool]:
    """One stencil kept inside `room` and where f is finite; returns (estimate, constrained).

    `constrained` says the step had to shrink below h0 for the domain, which is
    when a one-sided stencil may do better, and when the step is refined
    whatever `refine` says: a step squeezed in next to a singularity (log,
    sqrt at 0) is too large for it until the truncation estimate says
    otherwise. Without `search`, a stencil that meets a non-finite value is dropped
    instead of shrunk (a fallback whose side of the point is undefined too is
    not worth its evaluations).
    """
    h = min(h0, _ROOM_FRACTION * room / stencil.reach)
    constrained = h < h0
    est = _estimate(line, stencil, side, h, noise)
    if est is None:
        line.require_finite_center()
        constrained = True
        if not search:
            return None, True
        est = _largest_finite(line, stencil, side, h, noise)
        if est is None:
            return None, True
    suspect = est.trunc > _SUSPECT * abs(est.value) + 10.0 * est.rounding
    if constrained or refine == "always" or (refine == "when-needed" and suspect):
        est = _refine(line, stencil, side, est, noise)
    return est, constrained


def _solve_1d(
    line: _Line,
    method: str,
    h0: float,
    *,
    room: tuple[float, float] = (math.inf, math.inf),
    noise: float | None = None,
    estimate_error: bool = True,
    refine: Refine = "always",
) -> _Estimate:
    """The derivative of phi at 0, with the step kept inside (-room[0], room[1])."""
    stencil = _stencil_for(method, estimate_error)
    if method == "complex":
        est = _estimate(line, stencil, 1, h0, noise)
        if est is None:
            line.require_finite_center()
            raise NonFiniteValueError("f(x + ih) is not finite for the complex step")
        return est
    # First the method's own stencil, kept clear of the nearest boundary (on
    # either side: next to a singularity even a forward step must be small);
    # if that constrained it, one-sided stencils that only need room on their
    # own side compete.
    fallback = stencil if method == "forward" else _STENCILS[_FALLBACK[stencil.name]]
    sides = ((+1, room[1]), (-1, room[0]))
    candidates = [_attempt(line, stencil, 1, h0, min(room), noise, refine)]
    first, constrained = candidates[0]
    if first is None or constrained:
        for side, side_room in sides:
            candidates.append(
                _attempt(line, fallback, side, h0, side_room, noise, refine, search=first is None)
            )
    if first is None:
        found = [est for est, _ in candidates if est is not None]
    else:
        found = [first] + [est for est, _ in candidates[1:] if est and _agrees(est, first)]
    if not found:
        raise NonFiniteValueError(
            "f is not finite at any step near the point, so no derivative can be estimated"
        )
    return min(found, key=lambda e: e.error)


def _agrees(other: _Estimate, first: _Estimate) -> bool:
    """Does a one-sided fallback agree with the (shrunken) first estimate?

    A one-sided stencil taking full steps away from a singularity (log at
    1e-300) sees a smooth function and reports a small, wrong, error; the
    shrunken stencil sees the local scale. Kept only when the two agree
    within their error estimates, e.g. when f is smooth up to the boundary.
    """
    return abs(other.value - first.value) <= _AGREE * (other.bound + first.bound)


# --------------------------------------------------------------------------- derivative


def derivative(
    f: Callable[[np.ndarray], np.ndarray],
    x: float,
    *,
    method: Method = "central",
    h: float | None = None,
    domain: tuple[float, float] | None = None,
    noise: float | None = None,
) -> FDResult:
    """f'(x) for a vectorised f of one real variable, with an error estimate.

    `domain` is an open interval (lo, hi) where f is defined; without one,
    points where f is nan/inf play that role. No stencil point leaves it: the
    step shrinks, and a one-sided stencil on the defined side competes.
    With the default step the step is also refined while the measured
    truncation error dominates (so sqrt(x) near 0 gets a step suited to x);
    a step given as `h` is used as is, unless it must shrink to stay inside.
    The rounding part of the error estimate assumes f is accurate to eps |f|
    unless `noise` gives its noise std (see `measure_noise`).
    """
    _check_method(method)
    x = float(x)
    if not math.isfinite(x):
        raise FiniteDiffUsageError("the point must be finite")
    room = (math.inf, math.inf)
    if domain is not None:
        lo, hi = float(domain[0]), float(domain[1])
        if not lo < x < hi:
            raise FiniteDiffUsageError(f"x = {x} is not inside the open domain ({lo}, {hi})")
        room = (x - lo, hi - x)
    h0 = float(default_step(x, method)) if h is None else _check_step(h)
    line = _ScalarLine(f, x)
    refine: Refine = "always" if h is None else "never"
    est = _solve_1d(line, method, h0, room=room, noise=noise, refine=refine)
    return FDResult(est.value, est.error, line.count, est.step, method, est.stencil, est.bound)


# --------------------------------------------------------------------------- gradient


def _component_steps(
    x: np.ndarray, idx: np.ndarray, method: Method, h: float | np.ndarray | None
) -> np.ndarray:
    if h is None:
        return np.asarray(default_step(x[idx], method), dtype=np.float64).reshape(-1)
    hv = np.broadcast_to(np.asarray(h, dtype=np.float64), x.shape)[idx]
    if not np.all((hv > 0) & np.isfinite(hv)):
        raise FiniteDiffUsageError("steps must be positive finite numbers")
    if method == "complex":
        return hv.copy()
    return (x[idx] + hv) - x[idx]


def gradient(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    *,
    method: Method = "central",
    h: float | np.ndarray | None = None,
    progress: ProgressCallback | None = None,
    estimate_error: bool = True,
    indices: Sequence[int] | np.ndarray | None = None,
    noise: float | Literal["measure", "eps"] = "measure",
) -> GradResult:
    """The full finite-difference gradient of f: R^n -> R, one component at a time.

    x is copied once and each component changes that copy in place and
    restores it, so memory stays O(n) at n = 10^6. Costs per component:
    forward 1 (+1 for the error estimate; f(x) is shared), central 2 (+2),
    richardson 6, complex 1. With `estimate_error=False` the error estimate is
    the rounding part only. `indices` restricts the work to some components
    (values then follow that order). Default steps are refined only where the
    truncation estimate is a sizeable part of the value or f is undefined
    nearby (refining every component would cost evaluations everywhere).

    The rounding part of the error estimates needs the noise of f: "measure"
    (the default) measures it once with `measure_noise`, 11 evaluations
    including f(x), because f can be far noisier than eps |f| (long sums,
    cancellation inside f such as log(cosh x) near 0) and the estimates are
    meant as tolerances; "eps" assumes eps |f|; a number gives it.
    `progress(done, total)` is called about a hundred times.
    """
    _check_method(method)
    point = _as_point(x)
    flat = point.reshape(-1)
    idx = np.arange(flat.size) if indices is None else np.asarray(indices, dtype=np.intp).ravel()
    steps0 = _component_steps(flat, idx, method, h)
    center: float | None = None
    evaluations = 0
    level: float | None = None
    if method == "forward" or (noise == "measure" and method != "complex"):
        center = float(f(point))
        evaluations = 1
        if not math.isfinite(center):
            raise NonFiniteValueError(f"f is not finite at the point (f = {center})")
    if isinstance(noise, (int, float)):
        level = float(noise)
    elif noise == "measure" and method != "complex":
        level, used = _measure_at(f, point, center)
        evaluations += used
    point_complex = point.astype(np.complex128) if method == "complex" else None
    total = len(idx)
    values = np.empty(total)
    errors = np.empty(total)
    steps = np.empty(total)
    spans = np.empty((total, 2))
    every = max(1, total // 100)
    for k, i in enumerate(idx):
        line = _ComponentLine(f, point, int(i), center, point_complex)
        est = _solve_1d(
            line,
            method,
            float(steps0[k]),
            noise=level,
            estimate_error=estimate_error,
            refine="when-needed" if h is None else "never",
        )
        evaluations += line.count
        if center is None and line._center is not None:
            center = line._center  # share f(x) once a domain check has computed it
        values[k], errors[k], steps[k] = est.value, est.bound, est.step
        spans[k] = est.span
        if progress is not None and ((k + 1) % every == 0 or k + 1 == total):
            progress(k + 1, total)
    if indices is None:  # the gradient has the shape of the point
        shape = point.shape
        return GradResult(
            values.reshape(shape),
            errors.reshape(shape),
            evaluations,
            steps.reshape(shape),
            method,
            spans,
        )
    return GradResult(values, errors, evaluations, steps, method, spans)


# --------------------------------------------------------------------------- directional check


def _directions(entropy: int, k: int, n: int) -> Iterator[np.ndarray]:
    """k Gaussian unit directions, regenerated identically from `entropy`, one at a time."""
    rng = np.random.default_rng(entropy)
    for _ in range(k):
        z = rng.standard_normal(n)
        yield z / np.linalg.norm(z)


def _difference_table_noise(values: np.ndarray) -> float:
    """Noise std of equally spaced values of a smooth function (Moré & Wild, ECnoise).

    The k-th differences of a smooth function at tiny spacing vanish, while
    those of independent noise of std s have mean square s^2 (2k)!/(k!)^2.
    Orders 4-6 are used, and the largest estimate kept: any smooth remainder
    can only make the estimate, and so the tolerance, larger.
    """
    estimates = []
    diff = np.asarray(values, dtype=np.float64)
    for order in range(1, 7):
        diff = np.diff(diff)
        if order >= 4 and diff.size:
            gamma = math.factorial(order) ** 2 / math.factorial(2 * order)
            estimates.append(math.sqrt(gamma * float(np.mean(diff * diff))))
    return max(estimates)


def measure_noise(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    direction: np.ndarray,
    *,
    spacing: float,
    center: float | None = None,
) -> tuple[float, int]:
    """Measured noise std of f near x, and the evaluations it took.

    f is evaluated at 11 equally spaced points along `direction`; at that
    spacing the smooth part of the high-order differences is negligible, so
    what remains is the rounding noise of f (including the rounding of the
    points themselves). It is never taken below eps * |f|.
    """
    half = _NOISE_PROBE_POINTS // 2
    values = []
    evaluations = 0
    for i in range(-half, half + 1):
        if i == 0 and center is not None:
            values.append(center)
            continue
        with np.errstate(all="ignore"):
            values.append(float(f(x + (i * spacing) * direction)))
        evaluations += 1
    vals = np.array(values)
    floor = EPS * float(np.max(np.abs(vals)))
    if not np.all(np.isfinite(vals)):
        return EPS * abs(center or 0.0), evaluations
    return max(_difference_table_noise(vals), floor), evaluations


def _measure_at(
    f: Callable[[np.ndarray], float], x: np.ndarray, center: float | None, seed: int = 0
) -> tuple[float, int]:
    """`measure_noise` along a random unit direction, spaced 1e-5 x the coordinate scale.

    A kink of f on the probe (abs, relu, max, a branch in the code) fills the
    difference table like noise, and noise that large widens every tolerance
    and stops steps from being refined: a difference straddling the kink then
    passes against anything. Noise does not depend on the spacing; a kink's
    share falls with it, about 16x per 16x closer probe. So a level far above
    eps |f| is measured again 16x closer while it keeps falling like that, and
    once it has, a far larger fall (the kink left the probe) is taken too. A
    level that holds is noise; one that only falls far at once is the smooth
    remainder, kept as before (it can only make tolerances larger).
    """
    probe = next(_directions(seed, 1, x.size)).reshape(x.shape)
    spacing = _NOISE_PROBE_REL * float(np.sqrt(np.mean(np.maximum(1.0, np.abs(x)) ** 2)))
    noise, evaluations = measure_noise(f, x, probe, spacing=spacing, center=center)
    if center is None or not math.isfinite(center):
        return noise, evaluations
    kink = False
    for _ in range(_NOISE_LEVELS):
        if not noise > _NOISE_SUSPECT * EPS * abs(center):
            break
        spacing /= _NOISE_SHRINK
        closer, used = measure_noise(f, x, probe, spacing=spacing, center=center)
        evaluations += used
        low, high = _NOISE_KINK
        if not closer * low < noise:  # it holds: noise
            break
        if closer * high >= noise:  # it fell like a kink's share
            kink, noise = True, closer
            continue
        if kink:  # after falling like a kink, the kink left the probe
            noise = closer
        break
    return noise, evaluations


def _direction_step(x: np.ndarray, method: str) -> float:
    """The base step along a unit direction: the coordinate step times sqrt(n).

    A unit direction moves each coordinate by about h / sqrt(n), so this moves
    each coordinate about as much as the coordinate-wise default step would:
    large along the direction, which keeps rounding (noise / h) small.
    """
    if method == "complex":
        return _COMPLEX_STEP
    scale = float(np.linalg.norm(np.maximum(1.0, np.abs(x))))
    return _REL_STEP[method] * scale


def directional_derivatives(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    *,
    k: int = 8,
    seed: int | None = 0,
    method: Method = "central",
    h: float | None = None,
) -> DirectionalSample:
    """Finite-difference derivatives of f along k random unit directions, with error terms.

    Costs O(k) evaluations whatever n is: f(x), 10 to measure the noise of f
    (not for complex), then per direction 4 (central), 6 (richardson), 2
    (forward) or 1 (complex), more when the step must be refined or shrunk to
    stay where f is defined. With k = 8: 43, 59, 27 and 9 evaluations.
    """
    _check_method(method)
    if k < 1:
        raise FiniteDiffUsageError("k must be at least 1")
    xv = _as_point(x)
    n = xv.size
    center = float(f(xv))
    if not math.isfinite(center):
        raise NonFiniteValueError(f"f is not finite at the point (f = {center})")
    entropy = int(seed) if seed is not None else int(np.random.SeedSequence().generate_state(1)[0])
    evaluations = 1
    noise: float | None = None
    if method != "complex":
        noise, used = _measure_at(f, xv, center, entropy + 1)
        evaluations += used
    h0 = _direction_step(xv, method) if h is None else _check_step(h)
    numeric, rounding, trunc, steps = (np.empty(k) for _ in range(4))
    for j, u in enumerate(_directions(entropy, k, n)):
        line = _DirectionLine(f, xv, u.reshape(xv.shape), center)
        est = _solve_1d(line, method, h0, noise=noise, refine="always" if h is None else "never")
        evaluations += line.count
        numeric[j], rounding[j], trunc[j], steps[j] = (
            est.value,
            est.rounding,
            est.trunc_bound,
            est.step,
        )
    level = noise if noise is not None else 0.0
    return DirectionalSample(
        numeric, rounding, trunc, steps, entropy, n, evaluations, level, method
    )


def compare_directional(
    sample: DirectionalSample,
    grad_f_value: np.ndarray,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    directions: Sequence[np.ndarray] | None = None,
) -> DirectionalResult:
    """Compare u.g with the sampled directional derivatives.

    Per direction the error of the numeric value is estimated as rounding
    (measured noise of f through the stencil weights) + truncation bound +
    rounding of the dot product u.g; a direction fails when |u.g - numeric|
    exceeds _KAPPA times that. `rtol`/`atol` only loosen the test (a tolerance
    below the noise would flag correct gradients). `directions` may pass
    `sample.directions()` to save regenerating them for every gradient.
    """
    g = np.asarray(grad_f_value, dtype=np.float64).reshape(-1)
    if g.size != sample.n:
        raise FiniteDiffUsageError(
            f"the gradient has {g.size} components but the point has {sample.n}"
        )
    records = []
    k = len(sample.numeric)
    units = directions if directions is not None else _directions(sample.entropy, k, sample.n)
    for j, u in enumerate(units):
        terms = u * g
        analytic = float(np.sum(terms))
        dot_rounding = 4.0 * EPS * float(np.sum(np.abs(terms)))
        numeric = float(sample.numeric[j])
        floor = float(sample.rounding[j] + sample.truncation[j]) + dot_rounding
        tolerance = _KAPPA * floor + (atol or 0.0)
        if rtol is not None:
            tolerance += rtol * max(abs(analytic), abs(numeric))
        abs_error = abs(analytic - numeric)
        passed = bool(abs_error <= tolerance)  # False for nan
        step = float(sample.steps[j])
        records.append(
            DirectionRecord(analytic, numeric, abs_error, floor, tolerance, step, passed)
        )
    abs_errors = np.array([r.abs_error for r in records])
    scale = np.array([max(abs(r.analytic), abs(r.numeric), _TINY) for r in records])
    return DirectionalResult(
        passed=all(r.passed for r in records),
        directions=records,
        evaluations=sample.evaluations,
        max_abs_error=float(np.max(abs_errors)),
        max_rel_error=float(np.max(abs_errors / scale)),
        noise_level=sample.noise_level,
        method=sample.method,
    )


def directional_check(
    f: Callable[[np.ndarray], float],
    grad_f_value: np.ndarray,
    x: np.ndarray,
    *,
    k: int = 8,
    seed: int | None = 0,
    method: Method = "central",
    rtol: float | None = None,
    atol: float | None = None,
    h: float | None = None,
) -> DirectionalResult:
    """gradcheck's fast mode: compare u.g with d/dt f(x + t u) on k random unit directions.

    Why it can see one bad component in a million: a single error delta in
    g_i moves u.g by u_i delta ~ delta / sqrt(n), against |u.g| ~ RMS(g), a
    relative change of ~1e-6 at n = 10^6 for delta = 1e-3 RMS. Two things make
    that visible. The step along u is large (coordinate step x sqrt(n)), so
    the rounding error noise(f) / h is small; and the tolerance is not a fixed
    rtol but _KAPPA times the estimated error of each difference: the noise of
    f measured by a difference table (not assumed to be eps |f|), propagated
    through the stencil weights, plus the measured truncation error.
    """
    sample = directional_derivatives(f, x, k=k, seed=seed, method=method, h=h)
    return compare_directional(sample, grad_f_value, rtol=rtol, atol=atol)


# --------------------------------------------------------------------------- hessian


class _Counted:
    """f on a point of any shape, called with its flat view; counts calls.

    Floating-point warnings are silenced: points where f is undefined are
    expected while a step is fitted, and are handled by their nan values.
    """

    def __init__(self, f: Callable[[np.ndarray], Any], shape: tuple[int, ...]) -> None:
        self.f = f
        self.shape = shape
        self.count = 0

    def __call__(self, flat: np.ndarray) -> float:
        self.count += 1
        with np.errstate(all="ignore"):
            return float(self.f(flat.reshape(self.shape)))


def _axis_values(f: _Counted, x: np.ndarray, i: int, h: float) -> tuple[float, float, float, float]:
    """(f(x + h e_i), f(x - h e_i), actual forward step, actual backward step)."""
    xi = x[i]
    try:
        x[i] = xi + h
        hp, fp = x[i] - xi, f(x)
        x[i] = xi - h
        hm, fm = xi - x[i], f(x)
    finally:
        x[i] = xi
    return fp, fm, hp, hm


def _diagonal(f: _Counted, x: np.ndarray, i: int, h: float, f0: float) -> tuple[float, float]:
    """(d2f/dxi2, the step used), with f finite at x +- h e_i.

    Where the default step meets a point where f is undefined, the boundary
    is located (the largest h / 8^j that works is within a factor 8 of it) and
    the step becomes eps^(1/4) of that distance: next to a singularity (log,
    1/x) the distance to it is the scale of f, as max(1, |x|) is elsewhere.
    """
    fp, fm, hp, hm = _axis_values(f, x, i, h)
    if not (math.isfinite(fp) and math.isfinite(fm)):

        def works(step: float) -> float | None:
            vp, vm, _, _ = _axis_values(f, x, i, step)
            return step if math.isfinite(vp) and math.isfinite(vm) else None

        found = _shrink_until(h, works)
        if found is None:
            raise NonFiniteValueError(f"f is not finite at any step along coordinate {i}")
        h = _HESSIAN_REL_STEP * math.sqrt(8.0) * found
        fp, fm, hp, hm = _axis_values(f, x, i, h)
    return 2.0 * ((fp - f0) / hp - (f0 - fm) / hm) / (hp + hm), h


def _mixed(f: _Counted, x: np.ndarray, i: int, j: int, hi: float, hj: float) -> float:
    """d2f/dxi dxj from the four corners; both steps shrink while a corner is undefined."""
    xi, xj = x[i], x[j]
    try:
        for _ in range(24):
            total = 0.0
            for si in (1.0, -1.0):
                for sj in (1.0, -1.0):
                    x[i], x[j] = xi + si * hi, xj + sj * hj
                    total += si * sj * f(x)
            if math.isfinite(total):
                return total / (4.0 * hi * hj)
            hi, hj = hi / 8.0, hj / 8.0
    finally:
        x[i], x[j] = xi, xj
    raise NonFiniteValueError(f"f is not finite near the point in coordinates {i} and {j}")


def hessian(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    *,
    h: float | np.ndarray | None = None,
) -> HessResult:
    """The finite-difference Hessian of f: R^n -> R, 2n^2 + 1 evaluations, symmetric.

    Central second differences; steps eps^(1/4) max(1, |x_i|) balance their
    h^2 truncation against eps/h^2 rounding. Steps that would reach a point
    where f is undefined shrink, per coordinate (see `_diagonal`). The
    upper triangle is computed and mirrored, so the result is exactly
    symmetric.
    """
    point = _as_point(x)
    xw = point.reshape(-1)
    if h is None:
        steps = _hessian_steps(xw)
    else:
        steps = np.broadcast_to(np.asarray(h, dtype=np.float64), xw.shape).copy()
        if not np.all((steps > 0) & np.isfinite(steps)):
            raise FiniteDiffUsageError("steps must be positive finite numbers")
    fc = _Counted(f, point.shape)
    f0 = fc(xw)
    if not math.isfinite(f0):
        raise NonFiniteValueError(f"f is not finite at the point (f = {f0}), so it has no Hessian")
    n = xw.size
    out = np.empty((n, n))
    for i in range(n):
        out[i, i], steps[i] = _diagonal(fc, xw, i, float(steps[i]), f0)
    for i in range(n):
        for j in range(i + 1, n):
            out[i, j] = out[j, i] = _mixed(fc, xw, i, j, float(steps[i]), float(steps[j]))
    return HessResult(out, fc.count, steps)
