"""The result of `hessian`: the matrix, its value and curvature at a point, critical points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from calctool.core.results.base import (
    Display,
    Result,
    Table,
    bmatrix,
    expr_str,
    inline,
    json_number,
    latex_text,
    number,
    point_dict,
    point_math,
    table,
    tex,
    text,
)

MAX_MATRIX_SHOWN = 8  # larger matrices are summarised in a notebook; to_dict() has them

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
    # At a point where the Hessian provably does not exist (f jumps, a first derivative
    # has a kink): exists False, the reason, and the one-sided values that show it.
    exists: bool = True
    reason: str | None = None
    one_sided: dict[str, str] | None = None

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
        if not self.exists:
            if self.point is not None:
                out["at"] = point_dict(self.point)
            out["exists"] = False
            out["reason"] = self.reason
            if self.one_sided:
                out["one_sided"] = dict(self.one_sided)
        if self.values is not None and self.curvature is not None:
            out["exists"] = True
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

    def display(self) -> Display:
        n = len(self.names)
        if self.function_mode:
            title = f"Hessian of {text(self.func or 'the function')} by finite differences"
        else:
            title = f"Hessian of {inline(self.expression)}"
        answers: list[str] = []
        fields: list[tuple[str, str]] = []
        notes: list[str] = []
        if self.matrix is not None:
            answers.append(f"H = {_matrix_math(self.matrix, n)}")
            fields.append(("variables", text(", ".join(self.names))))
        if not self.exists and self.point is not None:
            answers.append(latex_text("no Hessian at this point"))
            fields.append(("at", inline(point_math(self.point))))
            notes.append(self.reason or "the Hessian does not exist here")
        c = self.curvature
        if c is not None and self.values is not None:
            if self.point is not None:
                where = point_math(self.point)
                at = f"H\\big|_{{{where}}}"
                fields.append(("at", inline(where)))
            else:
                at = "H \\approx" if self.function_mode else "H"
                coords = self.coordinates or ()
                shown = ", ".join(number(v, 6) for v in coords[:6]) + (", …" if len(coords) > 6
                                                                      else "")
                fields.append(("at", text(f"({shown}); {n:,} parameters")))
            values = (self.values_exact if self.values_exact is not None
                      else sp.Matrix([[sp.Float(v, 10) for v in row] for row in self.values]))
            equals = "" if at.endswith("\\approx") else " ="
            answers.append(f"{at}{equals} {_matrix_math(values, n)}")
            eigenvalues = (c.eigenvalues_exact if c.eigenvalues_exact is not None
                           else [sp.Float(e, 10) for e in c.eigenvalues])
            classification = (c.classification if self.critical is not False
                              else "not a critical point")
            if len(eigenvalues) <= MAX_MATRIX_SHOWN:
                answers.append("\\lambda = " + ",\\ ".join(tex(e) for e in eigenvalues)
                               + " \\quad " + latex_text(f"({classification})"))
                fields.append(("eigenvalues", inline(",\\ ".join(tex(e) for e in eigenvalues))))
            else:
                answers.append(latex_text(classification))
                fields.append(("eigenvalues", f"{c.positive} positive, {c.negative} negative, "
                                              f"{c.zero} zero"))
            det = c.determinant_exact if c.determinant_exact is not None else None
            fields.append(("determinant", inline(det) if det is not None
                           else number(c.determinant)))
            fields.append(("classification", text(classification)))
            if self.critical is False:
                fields.append(("curvature", text(c.definiteness)))
                notes.append("∇f ≠ 0 here, so f has no minimum, maximum or saddle at this "
                             "point; the Hessian says how f curves here (at a critical point "
                             f"the test would say: {c.classification})")
            if c.classification == "inconclusive" and self.critical is not False:
                notes.append("inconclusive: an eigenvalue is 0, so the second-derivative test "
                             "cannot decide; higher-order terms do")
        if self.numeric is not None and self.numeric.max_difference is not None:
            fields.append(("finite-difference H", text(
                f"largest difference from the symbolic one "
                f"{number(self.numeric.max_difference, 2)} (estimated error "
                f"{number(self.numeric.error, 2)})")))
        tables: tuple[Table, ...] = ()
        if self.critical_points is not None:
            rows = []
            for cp in self.critical_points:
                coords = sp.Tuple(*[cp.point[v] for v in self.variables])
                eig = cp.curvature.eigenvalues_exact or [sp.Float(e, 6)
                                                          for e in cp.curvature.eigenvalues]
                rows.append([inline(coords if len(self.variables) > 1 else coords[0]),
                             number(cp.value), inline(",\\ ".join(tex(e) for e in eig)),
                             text(cp.curvature.classification)])
            point = "(" + ", ".join(self.names) + ")" if n > 1 else self.names[0]
            tables = (table([point, "f", "eigenvalues of H", "classification"], rows,
                            title="critical points (∇f = 0)"),)
            found = len(self.critical_points)
            fields.append(("critical points", f"{found}" + ("" if self.complete
                                                            else " found (there may be more)")))
            if not found and not self.families:
                answers.append(latex_text("no critical points"))
            for cp in self.critical_points[:MAX_MATRIX_SHOWN]:
                coords_math = ",\\ ".join(f"{tex(v)} = {tex(cp.point[v])}"
                                            for v in self.variables)
                answers.append(f"{coords_math}: " + latex_text(cp.curvature.classification))
            notes.extend(f"infinitely many critical points: {family}"
                         for family in self.families)
            if self.solver_note:
                notes.append(self.solver_note)
            if self.complex_solutions:
                notes.append(f"{self.complex_solutions} complex solution"
                             f"{'s' if self.complex_solutions > 1 else ''} of ∇f = 0 left out "
                             "(only real points are critical points)")
        if not answers:
            answers.append(latex_text("Hessian"))
        answer = answers[0] if len(answers) == 1 else \
            "\\begin{gathered}" + " \\\\ ".join(answers) + "\\end{gathered}"
        return Display(title, answer, tuple(fields), tables, tuple(notes))


def _matrix_math(m: sp.Matrix, n: int) -> str:
    """A matrix as a bmatrix, or its size when it is too large to read."""
    if n > MAX_MATRIX_SHOWN:
        return latex_text(f"a {n}×{n} matrix (to_dict() has it)")
    return bmatrix(m)
