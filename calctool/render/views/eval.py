"""How an eval result reads: one value (exact and decimal), or a table of points."""

from __future__ import annotations

from typing import Any

import sympy as sp

from calctool.core.results import EvalResult
from calctool.render.report import Field, Report, TableView, function_label


def report(r: EvalResult) -> Report:
    rep = Report(title=f"Value of {sp.sstr(r.expression)}")
    if r.single:
        p = r.points[0]
        where = ", ".join(f"{k}={sp.sstr(v)}" for k, v in p.point.items())
        rep.fields.append(Field(function_label(list(r.variables)) if r.variables else "value",
                                r.expression))
        label = f"at {where}" if where else "value"
        exact = p.value.exact
        if exact is not None and not exact.is_Number and sp.sstr(exact) != p.value.text:
            rep.fields.append(Field(label, exact, p.value.text))
        else:
            rep.fields.append(Field(label, p.value.text))
        rep.primary = p.value.text
        rep.latex.append(sp.latex(exact) if exact is not None else p.value.text)
        return rep
    names = [str(v) for v in r.variables]
    rows = []
    for p in r.points:
        cells = [_num(p.point[v]) for v in r.variables]
        cells.append(p.value.text if p.value.ok else "undefined")
        if r.undefined_count:
            cells.append(p.value.problem or "")
        rows.append(cells)
    numeric = frozenset(range(len(names) + 1))
    columns = names + ["value"] + (["why"] if r.undefined_count else [])
    rep.tables.append(TableView(columns, rows, numeric_columns=numeric))
    if r.undefined_count:
        rep.notes.append(f"{r.undefined_count} of {len(r.points)} points have no real value")
    values = [row[len(names)] for row in rows]
    rep.primary = "; ".join(values[:20]) + (" ..." if len(values) > 20 else "")
    rep.latex.append(sp.latex(r.expression))
    return rep


def _num(v: Any) -> str:
    if isinstance(v, sp.Basic):
        return sp.sstr(v)
    return repr(float(v)) if float(v) != int(v) or abs(v) >= 1e16 else str(int(v))
