"""Result objects of `gradcheck` and `hessian` (SPEC section 3), ready to render.

Kept apart from results.py so the two commands can grow without touching the
shared module. The same rules hold: frozen dataclasses, `to_dict()` with the
SPEC keys first, symbolic answers as sympy strings, numbers as JSON numbers
and non-finite numbers as "inf"/"-inf"/"nan". In `--func` mode there is no
expression: "expression" is null and "input" is the --func spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from calctool.core.errors import ExitStatus
from calctool.core.results import Result, expr_str, json_number, point_dict

# ---------------------------------------------------------------------------
# gradcheck


@dataclass(frozen=True)
class Component:
    """One checked component (or, in fast mode, one random direction).

    `analytic` is the gradient being checked (sympy's, the hand-written one, or
    the user's code; u·g in fast mode), `numeric` the finite difference, and
    `tolerance` what `abs_error` was compared with. In --grad mode `exact` is
    sympy's value of the true derivative, `formula` the hand-written one and
    `expected` sympy's; `diagnosis` names a likely mistake.
    """

    name: str
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    passed: bool
    tolerance: float
    index: int | None = None  # position in the flat parameter vector (--func)
    exact: float | None = None
    formula: str | None = None
    expected: str | None = None
    passed_numeric: bool | None = None  # --grad: agrees with the finite difference
    passed_exact: bool | None = None  # --grad: agrees with sympy's value
    formula_matches: bool | None = None  # --grad: the formula is the true derivative
    diagnosis: str | None = None
    step: float | None = None
    noise_floor: float | None = None  # fast mode: the estimated error of `numeric`

    @property
    def ratio(self) -> float:
        """abs_error / tolerance: above 1 fails."""
        if self.tolerance > 0:
            return self.abs_error / self.tolerance
        return 0.0 if self.abs_error == 0 else float("inf")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "analytic": json_number(self.analytic),
            "numeric": json_number(self.numeric),
            "abs_error": json_number(self.abs_error),
            "rel_error": json_number(self.rel_error),
            "passed": self.passed,
            "tolerance": json_number(self.tolerance),
        }
        extras: dict[str, Any] = {
            "index": self.index,
            "exact": json_number(self.exact),
            "formula": self.formula,
            "expected": self.expected,
            "passed_numeric": self.passed_numeric,
            "passed_exact": self.passed_exact,
            "formula_matches": self.formula_matches,
            "diagnosis": self.diagnosis,
            "step": json_number(self.step),
            "noise_floor": json_number(self.noise_floor),
        }
        out.update({k: v for k, v in extras.items() if v is not None})
        return out


@dataclass(frozen=True)
class GradcheckResult(Result):
    """A gradient check: per component (full) or per random direction (fast).

    `mode`: "expression" (sympy's gradient against finite differences),
    "gradient" (a hand-written --grad against finite differences and sympy),
    "function" (--func/--grad Python code). `components` are all of them when
    `shown` is "all"; for many parameters the worst ones (`shown` "worst",
    sorted by abs_error / tolerance), with `failed` counting every failure and
    `failing` listing the first MAX_FAILING failing indices.
    """

    command: ClassVar[str] = "gradcheck"
    mode: str = "expression"
    fast: bool = False
    passed: bool = True
    components: tuple[Component, ...] = ()
    max_abs_error: float = 0.0
    max_rel_error: float = 0.0
    method: str = "central"
    eps: float | None = None
    rtol: float = 0.0
    atol: float = 0.0
    kappa: float = 10.0
    variables: tuple[sp.Symbol, ...] = ()
    order: str = "sorted"  # where the component order comes from: "sorted" or "--vars"
    point: dict[sp.Symbol, sp.Expr] | None = None
    n: int = 0
    checked: int = 0
    failed: int = 0
    failing: tuple[int, ...] = ()
    shown: str = "all"
    sampled: bool = False  # --points K without --fast: K random components
    evaluations: int = 0  # of f
    gradient_evaluations: int = 0
    func: str | None = None
    grad: str | None = None
    point_source: str | None = None  # how the --func point was given
    shape: tuple[int, ...] = ()
    seed: int | None = None
    noise_level: float | None = None
    # --fast: the smallest error of one component, in units of RMS(g), that would
    # exceed the typical tolerance along a direction with |u_i| = 1/sqrt(n)
    resolution: float | None = None
    seconds: float | None = None
    # components the default step was too coarse for, checked again with smaller steps
    refined: tuple[str, ...] = ()

    MAX_FAILING: ClassVar[int] = 1000

    @property
    def exit_status(self) -> int:
        return int(ExitStatus.OK if self.passed else ExitStatus.CHECK_FAILED)

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        if self.mode == "function":
            out["expression"] = None
        out["passed"] = self.passed
        out["max_abs_error"] = json_number(self.max_abs_error)
        out["max_rel_error"] = json_number(self.max_rel_error)
        out["components"] = [c.to_dict() for c in self.components]
        out["mode"] = self.mode
        out["fast"] = self.fast
        out["method"] = self.method
        out["eps"] = self.eps
        out["rtol"] = self.rtol
        out["atol"] = self.atol
        out["kappa"] = self.kappa
        if self.mode != "function":
            out["variables"] = [str(v) for v in self.variables]
            out["order"] = self.order
            out["at"] = point_dict(self.point or {})
        else:
            out["func"] = self.func
            out["grad"] = self.grad
            out["point"] = self.point_source
            out["shape"] = list(self.shape)
        out["n"] = self.n
        out["checked"] = self.checked
        out["failed"] = self.failed
        out["failing"] = list(self.failing)
        out["shown"] = self.shown
        out["sampled"] = self.sampled
        out["evaluations"] = self.evaluations
        out["gradient_evaluations"] = self.gradient_evaluations
        if self.seed is not None:
            out["seed"] = self.seed
        if self.noise_level is not None:
            out["noise_level"] = json_number(self.noise_level)
        if self.resolution is not None:
            out["resolution"] = json_number(self.resolution)
        return out


# ---------------------------------------------------------------------------
# hessian


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
