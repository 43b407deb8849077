"""Extreme eigenvalues of a Hessian from Hessian-vector products only (numpy, no scipy).

H v is estimated from the gradient by central differences along v,
(∇f(x + h v) - ∇f(x - h v)) / 2h: two gradient evaluations, O(n) memory, no
n x n matrix (n = 10^5 would be 80 GB). Lanczos with full
reorthogonalisation builds a small tridiagonal matrix T whose extreme
eigenvalues (Ritz values) converge first to H's extreme eigenvalues; each
Ritz value comes with its residual ‖H y - θ y‖ = |β_m s_m|, a bound on its
distance to an eigenvalue of H (of the finite-difference H). It stops when
the wanted Ritz values' residuals are below `tol` relative to the spectrum's
scale, or after `max_iter` products.

Why scipy is not needed: the tridiagonal eigenproblem is tiny (numpy's
eigh), and reorthogonalising against the m ≤ max_iter Lanczos vectors costs
O(m n) per step, which at m ~ 100 is what scipy's eigsh would spend too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from calctool.core.engines import finite_diff as fd
from calctool.core.errors import DomainError

REL_STEP = fd.EPS ** (1.0 / 3.0)  # central differences of the gradient


@dataclass(frozen=True, eq=False)
class Extremes:
    """Ritz values: `largest` descending, `smallest` ascending, each with its residual
    bound; `converged` when all wanted ones met the tolerance."""

    largest: tuple[float, ...]
    largest_residuals: tuple[float, ...]
    smallest: tuple[float, ...]
    smallest_residuals: tuple[float, ...]
    iterations: int
    products: int
    converged: bool
    step: float


def fd_hvp(grad: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
           step: float | None = None) -> tuple[Callable[[np.ndarray], np.ndarray], float]:
    """v -> H v by central differences of `grad` along the unit vector v, and the step h.
    By default h = REL_STEP x max(1, RMS(x)) x sqrt(n): v has norm 1, so each coordinate
    moves by about REL_STEP x max(1, RMS(x)), the step of a central difference (as
    finite_diff's directional checks do)."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    scale = max(1.0, float(np.sqrt(np.mean(x * x))))
    h = step if step is not None else REL_STEP * scale * math.sqrt(x.size)

    def hvp(v: np.ndarray) -> np.ndarray:
        up = np.asarray(grad(x + h * v), dtype=np.float64).reshape(-1)
        down = np.asarray(grad(x - h * v), dtype=np.float64).reshape(-1)
        out = (up - down) / (2.0 * h)
        if not np.all(np.isfinite(out)):
            raise DomainError("the gradient is not finite next to the point: no Hessian-vector "
                              "product there", code="undefined")
        return out

    return hvp, h


def extremes(hvp: Callable[[np.ndarray], np.ndarray], n: int, *, k: int = 3,
             max_iter: int = 100, tol: float = 1e-9, seed: int = 0,
             step: float = 0.0) -> Extremes:
    """The k largest eigenvalues of the symmetric operator `hvp` on R^n (to `tol` relative
    residual), and its smallest Ritz values (upper bounds of the smallest eigenvalues),
    run until the smallest has converged or proves a negative eigenvalue, or `max_iter`
    products."""
    m_max = min(max_iter, n)
    rng = np.random.default_rng([seed, 3])
    q = rng.standard_normal(n)
    q /= np.linalg.norm(q)
    basis = np.empty((m_max, n))
    alphas: list[float] = []
    betas: list[float] = []
    beta = 0.0
    prev = np.zeros(n)
    result: tuple[np.ndarray, np.ndarray] | None = None
    converged = False
    for j in range(m_max):
        basis[j] = q
        w = hvp(q)
        alpha = float(q @ w)
        w = w - alpha * q - beta * prev
        for _ in range(2):  # full reorthogonalisation, twice is enough
            w -= basis[: j + 1].T @ (basis[: j + 1] @ w)
        alphas.append(alpha)
        beta = float(np.linalg.norm(w))
        t = np.diag(alphas) + np.diag(betas, 1) + np.diag(betas, -1)
        theta, s = np.linalg.eigh(t)
        residuals = np.abs(beta * s[-1, :])
        result = (theta, residuals)
        scale = max(float(np.max(np.abs(theta))), 1e-300)
        want = min(k, len(theta))
        if beta <= 1e-14 * scale:  # an invariant subspace: the Ritz values are exact
            converged = True
            break
        # done: the k largest have converged, and the smallest Ritz value has too, or
        # proves negative curvature (Ritz values lie inside the spectrum, so
        # lambda_min <= theta_min: theta_min + residual < 0 settles "not a minimum"; a
        # positive theta_min settles nothing, and the bulk near 0 converges slowly)
        sign_known = theta[0] + residuals[0] < 0 or residuals[0] <= tol * scale
        done = bool(np.all(residuals[-want:] <= tol * scale)) and sign_known
        if j + 1 >= 2 * want and done:
            converged = True
            break
        betas.append(beta)
        prev = q
        q = w / beta
    assert result is not None
    theta, residuals = result
    want = min(k, len(theta))
    order = np.argsort(theta)
    top = order[::-1][:want]
    bottom = order[:want]
    return Extremes(tuple(float(v) for v in theta[top]), tuple(float(v) for v in residuals[top]),
                    tuple(float(v) for v in theta[bottom]),
                    tuple(float(v) for v in residuals[bottom]), len(alphas), len(alphas),
                    converged, step)
