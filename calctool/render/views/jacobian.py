"""How a Jacobian reads: the functions, J (a matrix field, or a table when large), its
value at the point with the entries that do not exist named, det J, the check."""

from __future__ import annotations

from typing import Any

import sympy as sp

from calctool.core.expr.points import show_point
from calctool.core.results.base import number
from calctool.core.results.jacobian import JacobianResult, latex_of
from calctool.render.report import Field, Report, TableView, err

MAX_MATRIX_FIELD = 4  # up to this many rows and columns: a field, on its own lines
MAX_MATRIX_TABLE = 12  # larger: a table; larger still: summarised (--json has it)


def report(r: JacobianResult) -> Report:
    m, n = r.shape
    if r.function_mode:
        rep = Report(title=f"Jacobian of {r.func} by finite differences")
        rep.fields.append(Field("function", r.func or ""))
        rep.fields.append(Field("point", f"{r.point_source}; {n:,} parameters, "
                                         f"{m:,} outputs"))
    else:
        rep = Report(title="Jacobian of {f}", subject=sp.Tuple(*r.functions))
        variables = ", ".join(r.names)
        for name, fi in zip(r.rows, r.functions):
            rep.fields.append(Field(f"{name}({variables})", fi))
        assert r.matrix is not None
        _matrix(rep, f"J = ∂(f)/∂({variables})", r, [[r.matrix[i, j] for j in range(n)]
                                                      for i in range(m)])
        rep.primary = r.matrix
    if r.determinant is not None:
        rep.fields.append(Field("det J", r.determinant))
    if r.point is not None and r.values is not None:
        where = show_point(r.point)
        cells = [[_exact(v) for v in row] for row in r.values]
        _matrix(rep, f"J at {where}", r, cells)
        if r.determinant_value is not None:
            rep.fields.append(Field(f"det J at {where}", *_value(r.determinant_value)))
        if r.fd_check is not None:
            c = r.fd_check
            verdict = "agree" if c.agrees else "DISAGREE"
            rep.fields.append(Field("finite differences",
                                    f"{verdict}: max |difference| {err(c.max_abs_difference)}, "
                                    f"error estimate {err(c.max_error_estimate)}"))
        rep.primary = sp.Matrix(cells) if r.exists else "some entries do not exist"
    if r.numbers is not None:
        _matrix(rep, "J (finite differences)", r,
                [[_float(v) for v in row] for row in r.numbers])
        assert r.errors is not None
        worst = max((e for row in r.errors for e in row), default=0.0)
        rep.fields.append(Field("largest error estimate", err(worst)))
        if r.determinant_number is not None:
            rep.fields.append(Field("det J", number(r.determinant_number, 10),
                                    f"± {err(r.determinant_error or 0.0)}"))
        rep.primary = "[" + "; ".join(", ".join(number(v, 8) for v in row)
                                      for row in r.numbers) + "]"
    rep.notes.extend(r.notes)
    rep.latex.extend(latex_of(r))
    return rep


def _matrix(rep: Report, label: str, r: JacobianResult, rows: list[list[Any]]) -> None:
    m, n = r.shape
    if m <= MAX_MATRIX_FIELD and n <= MAX_MATRIX_FIELD:
        rep.fields.append(Field(label, sp.ImmutableMatrix(m, n, [_cell(v) for row in rows
                                                                 for v in row])))
    elif m <= MAX_MATRIX_TABLE and n <= MAX_MATRIX_TABLE:
        body = [[r.rows[i], *rows[i]] for i in range(m)]
        rep.tables.append(TableView(["", *r.names], body, title=label,
                                    numeric_columns=frozenset(range(1, n + 1))))
    else:
        rep.notes.append(f"{label}: the {m}×{n} matrix is not shown, --json has it")


def _cell(v: Any) -> Any:
    return sp.Symbol(v) if isinstance(v, str) else v


def _exact(v: Any) -> Any:
    """An entry's value: exact when a short rational, else 10 digits; DNE (does not
    exist) where it does not exist."""
    if v is None:
        return "DNE"
    if v.exact is not None and v.exact.is_Rational and len(sp.sstr(v.exact)) <= 16:
        return v.exact
    return number(v.number, 10) if v.number is not None else v.text


def _value(v: Any) -> tuple[Any, str | None]:
    if v.exact is not None and not v.exact.is_Number:
        return v.exact, v.text
    return v.text, None


def _float(v: float) -> Any:
    if v == v and abs(v) < 1e15 and v == int(v):
        return sp.Integer(int(v))
    return number(v, 7)
