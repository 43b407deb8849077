"""The result of `jacobian`: the matrix of first partials of a vector-valued function."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import sympy as sp

from calctool.core.engines.values import Value
from calctool.core.results.base import (
    Display,
    Result,
    Table,
    bmatrix,
    expr_str,
    inline,
    json_number,
    json_value,
    number,
    point_dict,
    point_math,
    table,
    tex,
    value_math,
)

MAX_MATRIX_SHOWN = 8  # larger matrices are summarised in a notebook; to_dict() has them


@dataclass(frozen=True)
class Entry:
    """J[i][j] at the point when it does not exist: the one-sided values and why."""

    row: int
    column: int
    kind: str  # corner, jump, ..., or "undefined"
    left: float | str | None = None
    right: float | str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "kind": self.kind,
                "left": self.left, "right": self.right}


@dataclass(frozen=True)
class FDCheck:
    """The symbolic values at the point against a finite-difference Jacobian."""

    max_abs_difference: float
    max_error_estimate: float
    agrees: bool
    evaluations: int

    def to_dict(self) -> dict[str, Any]:
        return {"max_abs_difference": json_number(self.max_abs_difference),
                "max_error_estimate": json_number(self.max_error_estimate),
                "agrees": self.agrees, "evaluations": self.evaluations}


@dataclass(frozen=True)
class JacobianResult(Result):
    """J = [d f_i / d x_j]: m rows (the functions), n columns (the variables).

    Expression mode: `functions` and the symbolic `matrix`; `determinant` when
    square; with a point, `values` (None where an entry does not exist: see
    `missing`), `determinant_value`, and `fd_check`. Function mode (`func`):
    the finite-difference `values` with their `errors`, `names` x[0], ...
    """

    command: ClassVar[str] = "jacobian"
    functions: tuple[sp.Expr, ...] = ()
    variables: tuple[sp.Symbol, ...] = ()
    names: tuple[str, ...] = ()  # the columns' names (variables, or x[0], x[1], ...)
    rows: tuple[str, ...] = ()  # the rows' names (f1, f2, ... or f[0], f[1], ...)
    matrix: sp.ImmutableMatrix | None = None
    determinant: sp.Expr | None = None
    point: dict[sp.Symbol, sp.Expr] | None = None
    values: tuple[tuple[Value | None, ...], ...] | None = None  # expression mode, at a point
    numbers: tuple[tuple[float, ...], ...] | None = None  # function mode
    errors: tuple[tuple[float, ...], ...] | None = None  # function mode
    determinant_value: Value | None = None
    determinant_number: float | None = None  # function mode
    determinant_error: float | None = None  # function mode
    missing: tuple[Entry, ...] = ()
    fd_check: FDCheck | None = None
    func: str | None = None
    point_source: str | None = None
    coordinates: tuple[float, ...] | None = None
    f_value: tuple[float, ...] | None = None
    evaluations: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.names)

    @property
    def square(self) -> bool:
        m, n = self.shape
        return m == n

    @property
    def function_mode(self) -> bool:
        return self.func is not None

    @property
    def exists(self) -> bool:
        return not self.missing

    def value_rows(self) -> list[list[float | str | None]]:
        """The values at the point as JSON numbers (null where an entry does not exist)."""
        if self.numbers is not None:
            return [[json_number(v) for v in row] for row in self.numbers]
        assert self.values is not None
        return [[None if v is None else json_value(v) for v in row] for row in self.values]

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        if self.function_mode:
            out["expression"] = None
        out["notes"] = self.all_notes()
        m, n = self.shape
        out["shape"] = [m, n]
        out["variables"] = list(self.names)
        out["functions"] = ([expr_str(f) for f in self.functions] if self.functions
                            else list(self.rows))
        if self.matrix is not None:
            out["matrix"] = [[expr_str(self.matrix[i, j]) for j in range(n)] for i in range(m)]
            out["latex"] = bmatrix(self.matrix)
        if self.determinant is not None:
            out["determinant"] = expr_str(self.determinant)
        if self.point is not None:
            out["at"] = point_dict(self.point)
        if self.values is not None or self.numbers is not None:
            out["values"] = self.value_rows()
            out["exists"] = self.exists
            if self.missing:
                out["missing"] = [e.to_dict() for e in self.missing]
        if self.determinant_value is not None:
            out["determinant_value"] = json_value(self.determinant_value)
        if self.determinant_number is not None:
            out["determinant_value"] = json_number(self.determinant_number)
            out["determinant_error"] = json_number(self.determinant_error)
        if self.errors is not None:
            out["errors"] = [[json_number(v) for v in row] for row in self.errors]
        if self.fd_check is not None:
            out["finite_difference"] = self.fd_check.to_dict()
        if self.function_mode:
            out["func"] = self.func
            out["point"] = self.point_source
            out["at"] = [json_number(v) for v in self.coordinates or ()]
            out["f_value"] = [json_number(v) for v in self.f_value or ()]
            out["evaluations"] = self.evaluations
        return out

    def display(self) -> Display:
        m, n = self.shape
        fields: list[tuple[str, str]] = []
        if self.function_mode:
            title = f"Jacobian of {self.func} by finite differences"
            answer = "J \\approx " + (bmatrix(self.numbers) if m <= MAX_MATRIX_SHOWN
                                       and n <= MAX_MATRIX_SHOWN else f"\\text{{{m}×{n}}}")
            fields.append(("point", self.point_source or ""))
        else:
            title = "Jacobian of " + inline(sp.Matrix(self.functions))
            assert self.matrix is not None
            answer = "J = " + bmatrix(self.matrix)
            if self.determinant is not None:
                fields.append(("det J", inline(self.determinant)))
        fields.append(("shape", f"{m}×{n} (functions × variables)"))
        tables: list[Table] = []
        if self.point is not None:
            fields.append(("at", inline(point_math(self.point))))
        if self.values is not None and m <= MAX_MATRIX_SHOWN and n <= MAX_MATRIX_SHOWN:
            rows = [[self.rows[i]] + [inline(value_math(v)) if v is not None else "does not exist"
                                      for v in self.values[i]] for i in range(m)]
            tables.append(table(["", *self.names], rows, title="J at the point"))
        if self.determinant_value is not None:
            fields.append(("det J there", inline(value_math(self.determinant_value))))
        if self.determinant_number is not None:
            fields.append(("det J", number(self.determinant_number)))
        return Display(title, answer, tuple(fields), tuple(tables), notes=self.notes)


def latex_of(r: JacobianResult) -> list[str]:
    """The LaTeX lines of --latex: J, its value at the point, det J."""
    lines = []
    if r.matrix is not None:
        left = ("J = \\frac{\\partial(" + ", ".join(tex(f) for f in r.functions) + ")}"
                "{\\partial(" + ", ".join(tex(v) for v in r.variables) + ")}")
        lines.append(f"{left} = {bmatrix(r.matrix)}")
    if r.values is not None and r.point is not None and r.exists:
        cells = [[value_math(v) for v in row if v is not None] for row in r.values]
        body = " \\\\ ".join(" & ".join(row) for row in cells)
        lines.append(f"J\\big|_{{{point_math(r.point)}}} = "
                     f"\\begin{{bmatrix}}{body}\\end{{bmatrix}}")
    if r.numbers is not None:
        lines.append("J \\approx " + bmatrix(r.numbers))
    if r.determinant is not None:
        det = f"\\det J = {tex(r.determinant)}"
        if r.determinant_value is not None:
            det += f" = {value_math(r.determinant_value)}"
        lines.append(det)
    elif r.determinant_number is not None:
        lines.append(f"\\det J \\approx {number(r.determinant_number)}")
    return lines
