"""How a limit result reads: both one-sided limits, the verdict, and the evidence."""

from __future__ import annotations

from typing import Any

import sympy as sp

from calctool.core.expr.points import show_coordinate
from calctool.core.results.limit import LimitResult, LimitRow
from calctool.render.report import Field, Report, TableView, function_label


def report(r: LimitResult) -> Report:
    x = r.variable
    a = show_coordinate(r.target)
    arrow = f"{x} → {_target_text(r.target)}"
    side = "" if r.infinite_target else {"+-": "", "+": " from above", "-": " from below"}[
        r.direction]
    rep = Report(title=f"Limit of {{f}} as {arrow}{side}", subject=r.expression)
    rep.fields.append(Field(function_label([x]) if x is not None else "f", r.expression))
    if r.cases:
        return _cases(r, rep)
    if not r.infinite_target:
        sides = (("-", r.left, r.left_problem), ("+", r.right, r.right_problem))
        for sign, value, problem in sides:
            if r.direction != "+-" and r.direction != sign:
                continue
            words = "from below" if sign == "-" else "from above"
            label = f"{words} ({x} → {a}{'⁻' if sign == '-' else '⁺'})"
            rep.fields.append(Field(label, *_side(value, problem)))
    sup = {"+-": "", "+": "⁺", "-": "⁻"}[r.direction] if not r.infinite_target else ""
    label = f"limit ({x} → {_target_text(r.target)}{sup})"
    if r.exists:
        assert r.value is not None
        shown, approx = _value(r.value)
        if r.numeric:
            shown, approx = f"{_side_text(r.value, None)} (numeric estimate)", None
        rep.fields.append(Field(label, shown, approx))
        rep.primary = sp.sstr(r.value) if not isinstance(r.value, sp.Float) else _float(r.value)
    else:
        rep.fields.append(Field(label, "does not exist"))
        if r.infinite_target:
            rep.primary = f"does not exist ({r.kind})"
        else:
            parts = []
            if r.direction in ("+-", "-"):
                parts.append(f"from below {_side_text(r.left, r.left_problem)}")
            if r.direction in ("+-", "+"):
                parts.append(f"from above {_side_text(r.right, r.right_problem)}")
            rep.primary = f"does not exist ({', '.join(parts)})"
    rep.latex.append(_latex(r))
    if r.infinite:
        sign = "+" if r.value == sp.oo else "-"
        rep.notes.append(f"the limit is infinite: f grows without bound ({sign}∞). As a real "
                         "number the limit does not exist; one writes lim = "
                         f"{'∞' if sign == '+' else '-∞'} to say how it fails")
    rep.notes.extend(r.notes)
    if r.reason:
        rep.notes.append(r.reason)
    if r.numeric:
        if r.infinite_target:
            where = f"{x} = {'' if r.target is sp.oo else '-'}10^k"
        else:
            where = f"{x} = {a} ± 10^-k" if r.direction == "+-" else \
                f"{x} = {a} {'+' if r.direction == '+' else '-'} 10^-k"
        ks = f"k = {r.sample_ks.start}..{r.sample_ks.stop - 1}"
        rep.notes.append(f"numeric: {r.numeric_reason}; the answer is estimated from f at "
                         f"{where}, {ks}, in {r.digits}-digit arithmetic")
        if r.guess is not None:
            rep.notes.append(f"the estimate matches {sp.sstr(r.guess)} to 10 digits")
    if r.table:
        rep.tables.append(_table(r))
        if r.table_auto:
            rep.notes.append("the table is shown as evidence; --table shows it for any limit")
        else:
            rep.notes.append(f"values computed from exact points in {r.digits}-digit arithmetic, "
                             "so cancellation cannot fake the trend")
    if r.plot is not None:
        rep.plots.append(r.plot)
    return rep


def _cases(r: LimitResult, rep: Report) -> Report:
    """A limit that depends on the sign of a parameter: one line per case."""
    sup = {"+-": "", "+": "⁺", "-": "⁻"}[r.direction] if not r.infinite_target else ""
    arrow = f"{r.variable} → {_target_text(r.target)}{sup}"
    shown = []
    for condition, case in r.cases:
        value = _side_text(case.value, None) if case.exists and case.value is not None \
            else f"does not exist ({case.kind})"
        rep.fields.append(Field(f"limit ({arrow}), {condition}", value))
        shown.append(f"{value} if {condition}")
    rep.primary = "; ".join(shown)
    rep.latex.append(r"\begin{cases} " + r" \\ ".join(
        (sp.latex(c.value) if c.exists and c.value is not None else r"\text{none}")
        + r" & " + condition
        for condition, c in r.cases) + r" \end{cases}")
    rep.notes.extend(r.notes)
    if r.reason:
        rep.notes.append(r.reason)
    return rep


def _target_text(a: sp.Expr) -> str:
    if a is sp.oo:
        return "∞"
    if a is sp.S.NegativeInfinity:
        return "−∞"
    return show_coordinate(a)  # 0.1 as typed, not 1/10


def _side(value: sp.Expr | None, problem: str | None) -> tuple[Any, str | None]:
    if problem:
        return f"undefined: f is {problem}", None
    if value is None:
        return "not computed", None
    if isinstance(value, sp.AccumBounds):
        if value.min is sp.S.NegativeInfinity and value.max is sp.oo:
            return "none: unbounded", None
        return f"none: oscillates between {sp.sstr(value.min)} and {sp.sstr(value.max)}", None
    return _value(value)


def _side_text(value: sp.Expr | None, problem: str | None) -> str:
    if problem:
        return "undefined"
    if value is None:
        return "-"
    if isinstance(value, sp.AccumBounds):
        return "oscillating"
    return _float(value) if isinstance(value, sp.Float) else sp.sstr(value)


def _value(v: sp.Expr) -> tuple[Any, str | None]:
    if isinstance(v, sp.Float):
        return _float(v), None
    if v.is_number and not v.is_Rational and v.is_finite:
        return v, f"{float(sp.N(v, 17)):.10g}"
    return v, None


def _float(v: sp.Expr) -> str:
    return sp.sstr(sp.Float(v, 10), full_prec=False)


def _latex(r: LimitResult) -> str:
    direction = "+-" if r.direction == "+-" or r.infinite_target else r.direction
    lim = sp.latex(sp.Limit(r.expression, r.variable, r.target, direction))
    if r.exists and r.value is not None:
        return f"{lim} = {sp.latex(r.value)}"
    return lim + r" \text{ does not exist}"


def _table(r: LimitResult) -> TableView:
    a = show_coordinate(r.target)
    if r.infinite_target:
        columns = [str(r.variable), f"f({r.variable})"]
        rows = [[_step(row), _cell(row.below if row.below is not None else row.above)]
                for row in r.table]
        title = f"f({r.variable}) as {r.variable} grows" if r.target is sp.oo \
            else f"f({r.variable}) as {r.variable} → -∞"
    else:
        columns = ["h"]
        if r.direction in ("+-", "-"):
            columns.append(f"f({a} - h)")
        if r.direction in ("+-", "+"):
            columns.append(f"f({a} + h)")
        rows = []
        for row in r.table:
            cells = [_step(row)]
            if r.direction in ("+-", "-"):
                cells.append(_cell(row.below))
            if r.direction in ("+-", "+"):
                cells.append(_cell(row.above))
            rows.append(cells)
        title = f"f near {r.variable} = {a}"
    return TableView(columns, rows, title=title, numeric_columns=frozenset(range(len(columns))))


def _step(row: LimitRow) -> str:
    step = row.step
    if step.is_negative:
        return f"-1e{row.k}"
    if step >= 1:
        return f"1e{row.k}"
    return f"1e-{row.k}"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if v in (sp.oo, sp.S.NegativeInfinity):
        return sp.sstr(v)
    return sp.sstr(sp.Float(v, 15), full_prec=False)
