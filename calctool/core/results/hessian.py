"""The result of `hessian`: the matrix, its value and curvature at a point, critical points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from calctool.core.results.base import Result, expr_str, json_number, point_dict

# ---------------------------------------------------------------------------
# gradcheck


@dataclass(frozen=True)
class Curvature:
    """The second-derivative test at one point.

    Eigenvalues ascending (floats; `eigenvalues_exact` when sympy found them).
    `positive`/`negative`/`zero` count them. `exact` says the signs were decided
    from the exact matrix: exactly when it is rational (characteristic
    polynomial and Descartes' rule of signs), else in 50-digit arithmetic;
    otherwise (a float or finite-difference matrix) an eigenvalue counts as
    zero within `zero_tolerance`.
    """

    eigenvalues: tuple[float, ...]
    determinant: float
    positive: int
    negative: int
    zero: int
    classification: str  # local minimum, local maximum, saddle point, inconclusive
    definiteness: str  # positive definite, negative semidefinite, indefinite, ...
    exact: bool
    zero_tolerance: float | None = None
    eigenvalues_exact: tuple[sp.Expr, ...] | None = None
    determinant_exact: sp.Expr | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "eigenvalues": [json_number(e) for e in self.eigenvalues],
            "determinant": json_number(self.determinant),
            "classification": self.classification,
            "definiteness": self.definiteness,
            "exact": self.exact,
        }
        if self.eigenvalues_exact is not None:
            out["eigenvalues_exact"] = [expr_str(e) for e in self.eigenvalues_exact]
        if self.determinant_exact is not None:
            out["determinant_exact"] = expr_str(self.determinant_exact)
        if self.zero_tolerance is not None:
            out["zero_tolerance"] = json_number(self.zero_tolerance)
        return out


@dataclass(frozen=True)
class CriticalPoint:
    point: dict[sp.Symbol, sp.Expr]
    value: float | None  # f there
    curvature: Curvature

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"point": point_dict(self.point)}
        out.update({k: v for k, v in self.curvature.to_dict().items()
                    if k in ("eigenvalues", "classification", "determinant", "definiteness",
                             "eigenvalues_exact", "exact")})
        out["value"] = json_number(self.value)
        return out


@dataclass(frozen=True)
class NumericHessian:
    """A finite-difference Hessian: the matrix, an error estimate and its cost.

    `error` estimates ||H_fd - H||_2 (from H at steps h and 2h); with a
    symbolic Hessian beside it, `max_difference` is the largest entry of
    |H_fd - H| (and `max_rel_difference` that over max(1, |H|)).
    """

    values: tuple[tuple[float, ...], ...]
    error: float
    evaluations: int
    max_difference: float | None = None
    max_rel_difference: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "numeric_values": [[json_number(v) for v in row] for row in self.values],
            "numeric_error": json_number(self.error),
            "numeric_evaluations": self.evaluations,
        }
        if self.max_difference is not None:
            out["max_difference"] = json_number(self.max_difference)
            out["max_rel_difference"] = json_number(self.max_rel_difference)
        return out


@dataclass(frozen=True)
class HessianResult(Result):
    """The Hessian: symbolic (`matrix`), at a point, at each critical point.

    `values` is the matrix at the point (floats), with `curvature` the
    eigenvalues, determinant and classification; `gradient` (floats) and
    `critical` say whether the point is a critical point. With --critical,
    `critical_points` are the real solutions of grad f = 0 found, `families`
    the parametric ones (infinitely many points, not classified) and
    `complete` whether the solver's answer is known to be every solution.
    In --func mode `matrix` is None: the matrix is the finite-difference one.
    """

    command: ClassVar[str] = "hessian"
    variables: tuple[sp.Symbol, ...] = ()
    names: tuple[str, ...] = ()  # the variables' names (x[0], x[1], ... in --func mode)
    matrix: sp.Matrix | None = None
    point: dict[sp.Symbol, sp.Expr] | None = None
    coordinates: tuple[float, ...] | None = None  # the point in --func mode
    values: tuple[tuple[float, ...], ...] | None = None
    values_exact: sp.Matrix | None = None
    curvature: Curvature | None = None
    gradient: tuple[float, ...] | None = None
    critical: bool | None = None
    numeric: NumericHessian | None = None
    critical_points: tuple[CriticalPoint, ...] | None = None
    families: tuple[str, ...] = ()
    complete: bool = True
    solver_note: str | None = None
    complex_solutions: int = 0
    parameters: dict[sp.Symbol, sp.Expr] | None = None  # --critical: fixed by --at
    func: str | None = None
    point_source: str | None = None
    f_value: float | None = None

    @property
    def function_mode(self) -> bool:
        return self.func is not None

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        if self.function_mode:
            out["expression"] = None
        out["variables"] = list(self.names)
        if self.matrix is not None:
            out["matrix"] = [[expr_str(self.matrix[i, j]) for j in range(self.matrix.cols)]
                             for i in range(self.matrix.rows)]
        elif self.numeric is not None:
            out["matrix"] = [[repr(float(v)) for v in row] for row in self.numeric.values]
        if self.values is not None and self.curvature is not None:
            if self.point is not None:
                out["at"] = point_dict(self.point)
            elif self.coordinates is not None:
                out["at"] = {n: json_number(v) for n, v in zip(self.names, self.coordinates)}
            out["values"] = [[json_number(v) for v in row] for row in self.values]
            out.update(self.curvature.to_dict())
            out["gradient"] = ([json_number(g) for g in self.gradient]
                               if self.gradient is not None else None)
            out["critical"] = self.critical
            if self.f_value is not None:
                out["value"] = json_number(self.f_value)
        if self.numeric is not None:
            out.update(self.numeric.to_dict())
            out["numeric"] = True
        if self.critical_points is not None:
            out["critical_points"] = [c.to_dict() for c in self.critical_points]
            out["families"] = list(self.families)
            out["complete"] = self.complete
            out["complex_solutions"] = self.complex_solutions
            if self.solver_note:
                out["solver_note"] = self.solver_note
            if self.parameters:
                out["parameters"] = point_dict(self.parameters)
        if self.func is not None:
            out["func"] = self.func
            out["point"] = self.point_source
        return out
