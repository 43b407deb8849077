"""The finite-difference Jacobian of a vector-valued f: R^n -> R^m.

Each row is a gradient from `finite_diff.gradient` (the same steps, domain
safety, noise measurement and error estimates as gradcheck and hessian), so
nothing about differencing is re-implemented here. The rows share their
evaluations: f returns the whole vector at a stencil point, which is kept and
read again by the other rows, so the Jacobian costs about what one gradient
costs (4 evaluations per parameter with central differences, + 11 for the
noise), not m times that.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from calctool.core.engines import finite_diff as fd
from calctool.core.errors import DomainError, UsageError

# The evaluations kept for the other rows: at most this many numbers (m per point).
MAX_CACHED_NUMBERS = 20_000_000
SMALL = 8  # determinant error bound by cofactors up to this size


@dataclass(frozen=True, eq=False)
class JacobianFD:
    """J[i, j] = d f_i / d x_j estimated by central differences, with per-entry error
    estimates (conservative: meant as tolerances) and the count of evaluations of f."""

    values: np.ndarray  # (m, n)
    errors: np.ndarray  # (m, n)
    f0: np.ndarray  # f(x), (m,)
    evaluations: int


class _Shared:
    """f's vector outputs, computed once per point and read by every row."""

    def __init__(self, f: Callable[[np.ndarray], np.ndarray], m: int, limit: int) -> None:
        self.f = f
        self.m = m
        self.cache: dict[bytes, np.ndarray] = {}
        self.calls = 0
        self.limit = limit

    def __call__(self, x: np.ndarray) -> np.ndarray:
        key = x.tobytes()
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        self.calls += 1
        out = np.asarray(self.f(x), dtype=np.float64).reshape(-1)
        if out.size != self.m:
            raise UsageError(f"f returned {out.size} values at one point and {self.m} at "
                             "another: a Jacobian needs the same number everywhere",
                             code="bad_output")
        if len(self.cache) * self.m < self.limit:
            self.cache[key] = out
        return out

    def row(self, i: int) -> Callable[[np.ndarray], float]:
        return lambda x: float(self(x)[i])


def jacobian(f: Callable[[np.ndarray], Any], x: np.ndarray, *,
             progress: fd.ProgressCallback | None = None) -> JacobianFD:
    """The m x n Jacobian of f at x (central differences, noise measured per row).

    `f(x)` takes a float64 array of x's shape and returns m numbers (anything
    numpy reads: a list, an array, an array-like). Raises DomainError when f is
    not finite at x.
    """
    point = np.array(x, dtype=np.float64)
    f0 = np.asarray(f(point.copy()), dtype=np.float64).reshape(-1)
    m, n = f0.size, point.size
    if m == 0:
        raise UsageError("f returned no values: a Jacobian needs at least one output",
                         code="bad_output")
    if not np.all(np.isfinite(f0)):
        bad = int(np.flatnonzero(~np.isfinite(f0))[0])
        raise DomainError(f"f[{bad}] is {f0[bad]} at the point: it has no derivative there",
                          code="undefined")
    shared = _Shared(f, m, MAX_CACHED_NUMBERS)
    shared.cache[point.tobytes()] = f0
    values = np.empty((m, n))
    errors = np.empty((m, n))
    for i in range(m):
        g = fd.gradient(shared.row(i), point)
        values[i] = np.asarray(g.values, dtype=np.float64).reshape(-1)
        errors[i] = np.asarray(g.error_estimates, dtype=np.float64).reshape(-1)
        if progress is not None:
            progress(i + 1, m)
    return JacobianFD(values, errors, f0, shared.calls + 1)


def determinant(values: np.ndarray, errors: np.ndarray) -> tuple[float, float]:
    """det J of a square finite-difference Jacobian and a first-order bound of its error:
    sum over entries of |d det / d J_ij| * err_ij, with d det / d J = adj(J)^T."""
    det = float(np.linalg.det(values))
    n = values.shape[0]
    if n == 1:
        return det, float(errors[0, 0])
    if n <= SMALL:
        cof = np.empty_like(values)
        for i in range(n):
            for j in range(n):
                minor = np.delete(np.delete(values, i, axis=0), j, axis=1)
                cof[i, j] = np.linalg.det(minor)
    else:  # cofactors = det * inv(J)^T when J is invertible
        try:
            cof = det * np.linalg.inv(values).T
        except np.linalg.LinAlgError:
            return det, math.inf
    bound = float(np.sum(np.abs(cof) * errors))
    return det, bound if math.isfinite(bound) else math.inf
