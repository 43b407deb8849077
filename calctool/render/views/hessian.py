"""How a Hessian reads: the matrix as a table, its values at a point, the second-derivative
test with a plain-words reason, the critical points, the finite-difference comparison."""

from __future__ import annotations

from typing import Any

import sympy as sp

from calctool.core.expr.points import show_coordinate, show_point
from calctool.core.results.base import bmatrix, number
from calctool.core.results.hessian import Curvature, HessianResult
from calctool.render.report import Field, Report, TableView, err, function_label

MAX_MATRIX_FIELD = 4  # matrices up to this size are fields, on one line
MAX_MATRIX_TABLE = 8  # larger ones tables, larger still summarised (--json has them)
MAX_EIGENVALUES_LISTED = 10
MAX_EXACT_TEXT = 16  # exact entries longer than this are shown as decimals

CURVES = {
    "positive definite": "f curves up in every direction",
    "negative definite": "f curves down in every direction",
    "indefinite": "f curves up along some directions and down along others",
    "positive semidefinite": "f curves up or stays flat, to second order",
    "negative semidefinite": "f curves down or stays flat, to second order",
    "zero": "flat to second order",
}
WHY = {
    "local minimum": "all eigenvalues > 0: f curves up in every direction",
    "local maximum": "all eigenvalues < 0: f curves down in every direction",
    "saddle point": "eigenvalues of both signs: f curves up along some directions and down "
                    "along others",
}


def report(r: HessianResult) -> Report:
    if not isinstance(r, HessianResult):  # --hvp: its own result and view
        from calctool.render.views.hessian_hvp import report as hvp_report

        return hvp_report(r)
    if r.function_mode:
        rep = Report(title=f"Hessian of {r.func} by finite differences")
        rep.fields.append(Field("function", r.func or ""))
        rep.fields.append(Field("point", f"{r.point_source}; {len(r.names):,} parameters"))
    else:
        rep = Report(title="Hessian of {f}", subject=r.expression)
        variables = sorted(r.expression.free_symbols, key=str)
        rep.fields.append(Field(function_label(variables), r.expression))
    n = len(r.names)
    if r.matrix is not None:
        _matrix(rep, "H = ∇²f" if r.variables == tuple(sorted(r.variables, key=str))
                else f"H = ∇²f by ({', '.join(r.names)})", r.names,
                [[r.matrix[i, j] for j in range(n)] for i in range(n)])
        rep.primary = r.matrix
        rep.latex.append("H = " + bmatrix(r.matrix))
    if not r.exists and r.point is not None:
        where = ", ".join(f"{k}={show_coordinate(v)}" for k, v in r.point.items())
        rep.fields.append(Field(f"H at {where}", "does not exist"))
        if r.one_sided:
            o = r.one_sided
            a = f"{o['variable']} → {where_of(r, o)}"
            rep.fields.append(Field(f"  from below ({a}⁻)", sp.sympify(o["left"])))
            rep.fields.append(Field(f"  from above ({a}⁺)", sp.sympify(o["right"])))
        rep.primary = "no Hessian at this point"
        rep.notes.append(r.reason or "the Hessian does not exist here")
    if r.curvature is not None and r.values is not None:
        _at_point(r, rep)
    if r.critical_points is not None:
        _critical(r, rep)
    return rep


def where_of(r: HessianResult, one_sided: dict[str, str]) -> str:
    """The coordinate of the point along the variable the one-sided values approach."""
    assert r.point is not None
    for k, v in r.point.items():
        if str(k) == one_sided["variable"]:
            return show_coordinate(v)
    return "a"


def _matrix(rep: Report, label: str, names: tuple[str, ...], rows: list[list[Any]]) -> None:
    """A small matrix as a field ([a, b; c, d] in a terminal, [[a, b], [c, d]] in a pipe),
    so that it reads in order with the fields around it; a larger one as a table."""
    n = len(names)
    if n <= MAX_MATRIX_FIELD:
        rep.fields.append(Field(label, sp.ImmutableMatrix(n, n, [_cell(v) for row in rows
                                                                 for v in row]),
                                names=names))
    elif n <= MAX_MATRIX_TABLE:
        rep.tables.append(_matrix_table(names, rows, label))
    else:
        rep.notes.append(f"{label}: the {n}×{n} matrix is not shown, --json has it")


def _cell(v: Any) -> Any:
    return sp.Symbol(v) if isinstance(v, str) else v


def _matrix_table(names: tuple[str, ...], rows: list[list[Any]], title: str) -> TableView:
    n = len(names)
    body = [[names[i], *rows[i]] for i in range(n)]
    return TableView(["", *names], body, title=title, numeric_columns=frozenset(range(1, n + 1)))


def _number(v: float | None) -> Any:
    """A whole number as a sympy Integer (drawn with a true minus sign), else 10 digits."""
    if v is not None and v == v and abs(v) < 1e15 and v == int(v):
        return sp.Integer(int(v))
    return number(v, 10)


def _where(r: HessianResult) -> str:
    if r.point is not None:
        return show_point(r.point)
    coords = r.coordinates or ()
    shown = ", ".join(number(c, 6) for c in coords[:6]) + (", …" if len(coords) > 6 else "")
    return f"x = ({shown})"


def _short_exact(m: sp.Matrix | None) -> bool:
    return m is not None and all(len(sp.sstr(e)) <= MAX_EXACT_TEXT for e in m)


def _at_point(r: HessianResult, rep: Report) -> None:
    assert r.curvature is not None and r.values is not None
    c = r.curvature
    n = len(r.names)
    where = _where(r)
    if _short_exact(r.values_exact):
        assert r.values_exact is not None
        rows: list[list[Any]] = [[r.values_exact[i, j] for j in range(n)] for i in range(n)]
    else:
        rows = [[number(v, 7) for v in row] for row in r.values]
    _matrix(rep, f"H at {where}" if not r.function_mode else "H (finite differences)",
            r.names, rows)
    if r.numeric is not None and not r.function_mode:
        _matrix(rep, "finite-difference H", r.names,
                [[number(v, 7) for v in row] for row in r.numeric.values])
    if r.f_value is not None and not r.function_mode:
        rep.fields.append(Field(f"f at {where}", _number(r.f_value)))
    rep.fields.append(Field("eigenvalues", *_eigenvalues(c)))
    det_exact = c.determinant_exact
    if det_exact is not None and not det_exact.is_Number:
        rep.fields.append(Field("determinant", det_exact, number(c.determinant, 10)))
    else:
        rep.fields.append(Field("determinant", det_exact if det_exact is not None
                                else number(c.determinant, 10)))
    if r.critical is False:
        # No minimum, maximum or saddle where ∇f ≠ 0: the Hessian tells the curvature only.
        rep.fields.append(Field("classification", "not a critical point (∇f ≠ 0)"))
        rep.fields.append(Field("curvature", f"{c.definiteness}: {CURVES[c.definiteness]}"))
    else:
        rep.fields.append(Field("classification", c.classification))
    if r.gradient is not None:
        shown = "[" + ", ".join(number(g, 8) for g in r.gradient[:6]) + \
            (", …]" if len(r.gradient) > 6 else "]")
        rep.fields.append(Field("∇f", shown + ("" if r.critical else "  (not zero)")))
    if r.numeric is not None:
        _numeric_fields(r, rep)
    if r.critical is False:
        rep.notes.append("∇f ≠ 0 here, so f has no minimum, maximum or saddle at this point; "
                         "the Hessian says how f curves here (at a critical point, this "
                         f"curvature would make a {c.classification}; --json keeps that in "
                         "'classification', beside 'critical': false)")
        rep.primary = f"not a critical point; curvature {c.definiteness}"
    else:
        rep.notes.extend(_curvature_notes(c))
        rep.primary = c.classification
    at = r"H\big|_{%s}" % r",\,".join(f"{sp.latex(k)}={sp.latex(v)}"
                                       for k, v in (r.point or {}).items()) \
        if r.point is not None else "H"
    if r.values_exact is not None and _short_exact(r.values_exact):
        rep.latex.append(f"{at} = " + bmatrix(r.values_exact))
    else:
        rep.latex.append(f"{at} = " + bmatrix([[sp.Float(v, 10) for v in row]
                                               for row in r.values]))
    eigs = c.eigenvalues_exact or [sp.Float(e, 10) for e in c.eigenvalues]
    rep.latex.append(r"\lambda = " + ", ".join(sp.latex(e) for e in eigs)
                     + r" \quad \text{(%s)}" % (c.classification if r.critical is not False
                                                 else "not a critical point"))


def _eigenvalues(c: Curvature) -> tuple[Any, str | None]:
    n = len(c.eigenvalues)
    if c.eigenvalues_exact is not None:
        exact = sp.ImmutableMatrix([list(c.eigenvalues_exact)])
        plain = all(e.is_Rational for e in c.eigenvalues_exact)
        return exact, None if plain else ", ".join(number(e, 6) for e in c.eigenvalues)
    if n <= MAX_EIGENVALUES_LISTED:
        return "[" + ", ".join(number(e, 7) for e in c.eigenvalues) + "]", None
    return (f"{c.positive} positive, {c.negative} negative, {c.zero} zero; smallest "
            f"{number(c.eigenvalues[0], 6)}, largest {number(c.eigenvalues[-1], 6)}"), None


def _curvature_notes(c: Curvature) -> list[str]:
    notes = []
    if c.classification == "inconclusive":
        sign = {"positive semidefinite": " and the others > 0",
                "negative semidefinite": " and the others < 0"}.get(c.definiteness, "")
        zero = "an eigenvalue is 0" if c.zero == 1 else f"{c.zero} eigenvalues are 0"
        notes.append(f"inconclusive: {zero}{sign}, so the second-derivative test cannot "
                     "decide; higher-order terms do (x⁴ + y⁴ has a minimum at 0, x⁴ − y⁴ a "
                     "saddle, x³ + y² neither)")
    else:
        notes.append(f"{c.classification}: {WHY[c.classification]}")
    if not c.exact and c.zero and c.zero_tolerance is not None:
        notes.append(f"eigenvalues within {err(c.zero_tolerance)} of 0 count as 0 (the "
                     "estimated error of the matrix)")
    return notes


def _numeric_fields(r: HessianResult, rep: Report) -> None:
    h = r.numeric
    assert h is not None
    if h.max_difference is not None:
        rep.fields.append(Field("largest difference", f"{err(h.max_difference)} (relative "
                                f"{err(h.max_rel_difference or 0.0)}) between the symbolic and "
                                "finite-difference matrices"))
    rep.fields.append(Field("finite differences", f"central second differences, h ≈ "
                            f"1.2e-4·max(1, |xᵢ|); estimated error {err(h.error)}; "
                            f"{h.evaluations:,} evaluations of f"))


def _critical(r: HessianResult, rep: Report) -> None:
    assert r.critical_points is not None
    grad = sp.ImmutableMatrix([[sp.diff(r.expression.xreplace(r.parameters or {}), v)
                                for v in r.variables]])
    rep.fields.append(Field("∇f = 0", grad))
    if r.parameters:
        rep.fields.append(Field("with", ", ".join(f"{k} = {sp.sstr(v)}"
                                                  for k, v in r.parameters.items())))
    count = len(r.critical_points)
    if count == 0 and not r.families:
        found = ("none: ∇f = 0 has no real solution" if r.complete
                 else "none found (there may be some)")
    else:
        found = f"{count} critical point{'s' if count != 1 else ''}"
        if r.families:
            found = (f"infinitely many: {len(r.families)} "
                     f"famil{'ies' if len(r.families) > 1 else 'y'} of critical points"
                     + (f", and {count} isolated one{'s' if count != 1 else ''}"
                        if count else ""))
        if not r.complete:
            found += " found (there may be more)"
    rep.fields.append(Field("solutions", found))
    rows = []
    for cp in r.critical_points:
        coords = (sp.Tuple(*[cp.point[v] for v in r.variables]) if len(r.variables) > 1
                  else cp.point[r.variables[0]])
        eigs, _ = _eigenvalues(cp.curvature)
        rows.append([coords, _number(cp.value), eigs, cp.curvature.classification])
    if rows:
        point_label = "(" + ", ".join(r.names) + ")" if len(r.names) > 1 else r.names[0]
        rep.tables.append(TableView([point_label, "f", "eigenvalues of H", "classification"],
                                    rows, title="critical points (∇f = 0)",
                                    numeric_columns=frozenset({1})))
    for family in r.families:
        periodic = "any integer" in family
        rep.notes.append(f"infinitely many critical points: {family}"
                         + ("" if periodic else " — not classified"))
    if r.solver_note:
        rep.notes.append(r.solver_note)
    if r.complex_solutions:
        rep.notes.append(f"{r.complex_solutions} complex solution"
                         f"{'s' if r.complex_solutions > 1 else ''} of ∇f = 0 left out "
                         "(only real points are critical points)")
    kinds = [cp.curvature.classification for cp in r.critical_points]
    rep.primary = "; ".join([f"{sp.sstr(sp.Tuple(*[cp.point[v] for v in r.variables]))} {k}"
                             for cp, k in zip(r.critical_points, kinds)]
                            + [f"{family} (not classified)" for family in r.families]
                            ) or "no critical points"
    for cp in r.critical_points:
        coords = ", ".join(f"{sp.latex(v)} = {sp.latex(cp.point[v])}" for v in r.variables)
        rep.latex.append(r"%s: \text{%s}" % (coords, cp.curvature.classification))
