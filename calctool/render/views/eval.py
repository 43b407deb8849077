"""How an eval result reads: one value (exact and decimal), or a table of points."""

from __future__ import annotations

import sympy as sp

from calctool.core.results_eval import EvalResult
from calctool.render.report import Field, Report, TableView, function_label


def report(r: EvalResult) -> Report:
    rep = Report(title="Value of {f}", subject=r.expression)
    rep.latex.append(sp.latex(r.expression))
    if r.point is not None:
        p = r.point
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
        rep.latex[0] = sp.latex(exact) if exact is not None else p.value.text
        return rep
    table = r.table
    assert table is not None
    summary = table.summary()
    if r.summary_only or r.output:
        if r.output:
            rep.fields.append(Field("written to", r.output))
        for key in ("count", "undefined", "min", "max", "mean"):
            value = summary[key]
            rep.fields.append(Field(key, "-" if value is None else f"{value:.{r.digits}g}"
                                    if isinstance(value, float) else str(value)))
        rep.primary = f"count={summary['count']} min={summary['min']} max={summary['max']}"
        return rep
    undefined = bool(table.problems)
    rows = []
    for i in range(len(table)):
        cells = [_num(float(c[i])) for c in table.columns]
        problem = table.problems.get(i)
        if problem:
            cells += ["undefined", problem]
        else:
            text = table.texts[i] if table.texts else f"{float(table.values[i]):.{r.digits}g}"
            cells += [text, ""] if undefined else [text]
        rows.append(cells)
    columns = [*table.names, "value"] + (["why"] if undefined else [])
    rep.tables.append(TableView(columns, rows, numeric_columns=frozenset(range(len(table.names)
                                                                                + 1)),
                                csv=True))
    if undefined:
        rep.notes.append(f"{len(table.problems)} of {len(table)} points have no real value")
    values = [row[len(table.names)] for row in rows]
    rep.primary = "; ".join(values[:20]) + (" ..." if len(values) > 20 else "")
    return rep


def _num(v: float) -> str:
    return str(int(v)) if v == int(v) and abs(v) < 1e16 else repr(v)
