"""How a plot result reads: the functions (and derivatives, tangent), then the picture."""

from __future__ import annotations

import sympy as sp

from calctool.core.results.plot import PlotResult
from calctool.render.report import Field, Report


def report(r: PlotResult) -> Report:
    x = r.variable
    lo, hi = r.x_range
    several = len(r.expressions) > 1
    rep = Report(title=f"Plot for {lo:g} ≤ {x} ≤ {hi:g}")
    for i, e in enumerate(r.expressions):
        rep.fields.append(Field(f"f{i + 1}({x})" if several else f"f({x})", e))
    for i, d in enumerate(r.derivatives):
        rep.fields.append(Field(f"f{i + 1}'({x})" if several else f"f'({x})", d))
    t = r.tangent
    if t is not None:
        line = t.line(x)
        if line is None:
            rep.fields.append(Field("tangent line (vertical)", f"{x} = {sp.sstr(t.at)}"))
        else:
            rep.fields.append(Field("tangent line y", line))
    rep.notes.extend(r.notes)
    rep.primary = r.expressions[0] if not several else ", ".join(map(sp.sstr, r.expressions))
    rep.latex.append(",\\quad ".join(sp.latex(e) for e in r.expressions))
    if r.plot is not None:
        rep.plots.append(r.plot)
    return rep
