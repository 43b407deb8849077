"""How an eval result reads: one value (exact and decimal), or a table of points."""

from __future__ import annotations

import math
from typing import Any

import sympy as sp

from calctool.core.engines.values import Value
from calctool.core.expr.points import show_point
from calctool.core.results.eval import EvalResult, plural
from calctool.render.report import Field, Report, TableView, function_label


def report(r: EvalResult) -> Report:
    rep = _report(r)
    if r.plot is not None:
        rep.plots.append(r.plot)
    return rep


def _report(r: EvalResult) -> Report:
    rep = Report(title="Value of {f}", subject=r.expression)
    rep.latex.append(sp.latex(r.expression))
    if r.point is not None:
        p = r.point
        if r.variables:
            where = show_point(p.point)
            rep.fields.append(Field(function_label(list(r.variables)), r.expression))
            label = f"at {where}"
        else:  # a constant: its value is the whole answer
            label = "value"
        rep.fields.append(Field(label, *_value_parts(p.value)))
        rep.primary = p.value.text
        exact = p.value.exact
        rep.latex[0] = sp.latex(exact) if exact is not None else p.value.text
        return rep
    table = r.table
    assert table is not None
    summary = table.summary()
    if r.summary_only or r.output:
        if r.output:
            rep.fields.append(Field("written to", r.output))
        keys = ["count", "undefined", "min", "max", "mean"]
        if summary["unchecked"]:
            keys.insert(2, "unchecked")
        for key in keys:
            value = summary[key]
            rep.fields.append(Field(key, "-" if value is None else f"{value:.{r.digits}g}"
                                    if isinstance(value, float) else str(value)))
        if summary["undefined"] and summary["min"] is not None:
            defined = summary["count"] - summary["undefined"]
            rep.notes.append(f"min, max and mean are over the {plural(defined, 'point')} with a "
                             f"value; {plural(summary['undefined'], 'undefined point')} left out")
        rep.notes.extend(table.notes)
        rep.primary = (f"count={summary['count']} undefined={summary['undefined']} "
                       f"min={summary['min']} max={summary['max']}")
        return rep
    undefined = bool(table.problems)
    rows = []
    for i in range(len(table)):
        cells = [_num(float(c[i])) for c in table.columns]
        problem = table.problems.get(i)
        if problem:
            cells += ["undefined", problem]
        else:
            if i in table.large:
                text = table.large[i]
            elif table.texts:
                text = table.texts[i]
            else:
                text = f"{float(table.values[i]):.{r.digits}g}"
            cells += [text, ""] if undefined else [text]
        rows.append(cells)
    columns = [*table.names, "value"] + (["why"] if undefined else [])
    rep.tables.append(TableView(columns, rows, numeric_columns=frozenset(range(len(table.names)
                                                                                + 1)),
                                csv=True))
    if undefined:
        known = len(table.problems) - table.unchecked  # the others are in table.notes
        if known:
            rep.notes.append(f"{known} of {plural(len(table), 'point')} have no real value")
    rep.notes.extend(table.notes)
    rep.latex = [_tabular(r, rows)]
    values = [row[len(table.names)] for row in rows]
    rep.primary = "; ".join(values[:20]) + (" ..." if len(values) > 20 else "")
    return rep


def _value_parts(value: Value) -> tuple[Any, str | None]:
    """The exact value with its decimal after ≈ (√2 ≈ 1.4142135623731, 10^20 + 1 ≈ 1.0e+20);
    the decimal alone when it is the exact value (5, 0.25) or there is no exact form."""
    exact = value.exact
    if exact is None or exact.is_Float or value.decimal_is_exact:
        return value.text, None
    return exact, value.text


MAX_LATEX_ROWS = 1000


def _tabular(r: EvalResult, rows: list[list[str]]) -> str:
    """The table as a LaTeX tabular: the variables, then f(...)."""
    assert r.table is not None
    names = list(r.table.names)
    head = [sp.latex(sp.Symbol(n)) for n in names]
    f = "f(" + ", ".join(head) + ")"
    lines = [r"\begin{tabular}{" + "r" * (len(names) + 1) + "}",
             " & ".join(f"${h}$" for h in [*head, f]) + r" \\", r"\hline"]
    for row in rows[:MAX_LATEX_ROWS]:
        cells = row[:len(names)]
        value = row[len(names)]
        shown = r"\text{undefined}" if value == "undefined" else f"${value}$"
        lines.append(" & ".join(f"${c}$" for c in cells) + f" & {shown}" + r" \\")
    if len(rows) > MAX_LATEX_ROWS:
        lines.append(r"\multicolumn{%d}{c}{\dots{} %d more rows (--json has all)} \\"
                     % (len(names) + 1, len(rows) - MAX_LATEX_ROWS))
    lines.append(r"\end{tabular}")
    return "\n".join(lines)


def _num(v: float) -> str:
    return str(int(v)) if math.isfinite(v) and v == int(v) and abs(v) < 1e16 else repr(v)
