"""Riemann sums (left, right, midpoint, trapezoid, Simpson) and their observed order.

The integral's analogue of the secant-slope table: for each n the sum over n
equal subintervals, its error against the integral, and the observed order of
convergence p from consecutive rows, error ≈ C/n^p (so p = log(e₁/e₂)/log(n₂/n₁)).
Sums are computed with mpmath at 25 digits, so the errors shown are the
method's, not rounding.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

METHODS = ("left", "right", "mid", "trapezoid", "simpson")
EXPECTED_ORDER = {"left": 1, "right": 1, "mid": 2, "trapezoid": 2, "simpson": 4}
DEFAULT_NS = (4, 8, 16, 32, 64, 128)
MAX_N = 20_000
MAX_ROWS = 16
WORKING_DIGITS = 25


@dataclass(frozen=True)
class RiemannRow:
    n: int
    total: float
    error: float | None  # sum - integral
    order: float | None  # observed order from the previous row


@dataclass(frozen=True)
class RiemannTable:
    method: str
    rows: tuple[RiemannRow, ...]
    reference: float  # the integral the errors are measured against

    @property
    def expected_order(self) -> int:
        return EXPECTED_ORDER[self.method]

    @property
    def observed_order(self) -> float | None:
        orders = [r.order for r in self.rows if r.order is not None]
        return orders[-1] if orders else None

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "reference": self.reference,
                "expected_order": self.expected_order, "observed_order": self.observed_order,
                "rows": [{"n": r.n, "sum": r.total, "error": r.error, "order": r.order}
                         for r in self.rows]}


def riemann_sum(fn: Callable[[Any], Any], a: Any, b: Any, n: int, method: str) -> Any:
    """The sum for one n (mpmath numbers in and out)."""
    import mpmath

    h = (b - a) / n
    if method == "left":
        return h * mpmath.fsum(fn(a + i * h) for i in range(n))
    if method == "right":
        return h * mpmath.fsum(fn(a + i * h) for i in range(1, n + 1))
    if method == "mid":
        return h * mpmath.fsum(fn(a + (i + mpmath.mpf(1) / 2) * h) for i in range(n))
    if method == "trapezoid":
        inner = mpmath.fsum(fn(a + i * h) for i in range(1, n))
        return h * (inner + (fn(a) + fn(b)) / 2)
    if method == "simpson":
        odd = mpmath.fsum(fn(a + i * h) for i in range(1, n, 2))
        even = mpmath.fsum(fn(a + i * h) for i in range(2, n, 2))
        return h / 3 * (fn(a) + fn(b) + 4 * odd + 2 * even)
    raise ValueError(method)


def outline(fn: Callable[[float], float | None], a: float, b: float, n: int,
            method: str) -> tuple[list[float], list[float | None]]:
    """The shapes a sum adds up, as one polyline for a plot: rectangles (left, right, mid),
    trapezoids, or Simpson's parabolas over pairs of subintervals, each closed down to
    y = 0. `fn` is f as a float function (None where it has no value)."""
    h = (b - a) / n
    xs: list[float] = [a]
    ys: list[float | None] = [0.0]

    def edge(x: float, top: float | None) -> None:  # up or down the side at x
        xs.append(x)
        ys.append(top)

    if method in ("left", "right", "mid"):
        shift = {"left": 0.0, "right": 1.0, "mid": 0.5}[method]
        for i in range(n):
            x0, x1 = a + i * h, a + (i + 1) * h
            top = fn(a + (i + shift) * h)
            edge(x0, top)
            edge(x1, top)
            edge(x1, 0.0)
    elif method == "trapezoid":
        for i in range(n):
            x0, x1 = a + i * h, a + (i + 1) * h
            edge(x0, fn(x0))
            edge(x1, fn(x1))
            edge(x1, 0.0)
    elif method == "simpson":
        for i in range(0, n, 2):
            x0, x1, x2 = (a + (i + k) * h for k in range(3))
            y0, y1, y2 = fn(x0), fn(x1), fn(x2)
            for k in range(17):  # the parabola through the three points
                t = x0 + k * (x2 - x0) / 16
                if None in (y0, y1, y2):
                    edge(t, None)
                    continue
                assert y0 is not None and y1 is not None and y2 is not None
                edge(t, y0 * (t - x1) * (t - x2) / ((x0 - x1) * (x0 - x2))
                     + y1 * (t - x0) * (t - x2) / ((x1 - x0) * (x1 - x2))
                     + y2 * (t - x0) * (t - x1) / ((x2 - x0) * (x2 - x1)))
            edge(x2, 0.0)
    else:
        raise ValueError(method)
    return xs, ys


def table(fn: Callable[[Any], Any], a: str, b: str, ns: Sequence[int],
          method: str, reference: str) -> RiemannTable:
    """The table for these n; a, b and the reference as decimal text (25+ digits)."""
    import mpmath

    rows: list[RiemannRow] = []
    with mpmath.workdps(WORKING_DIGITS):
        lo, hi, ref = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(reference)
        floor = 1e-20 * max(1.0, abs(float(ref)))  # below this an error is rounding
        previous: RiemannRow | None = None
        for n in ns:
            total = mpmath.re(riemann_sum(fn, lo, hi, n, method))
            value = float(total)
            error = float(total - ref)
            order = None
            if previous is not None and previous.error and abs(error) > floor \
                    and abs(previous.error) > floor and n != previous.n:
                order = math.log(abs(previous.error) / abs(error)) / math.log(n / previous.n)
            row = RiemannRow(n, value, error, order)
            rows.append(row)
            previous = row
    return RiemannTable(method, tuple(rows), float(ref))
