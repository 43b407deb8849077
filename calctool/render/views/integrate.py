"""How an integrate result reads: F + C and how it was checked; a definite value with its
cross-check, or where and why the integral diverges; Riemann sums; the steps."""

from __future__ import annotations

from typing import Any

import sympy as sp

from calctool.core.engines.steps import Step
from calctool.core.results.integrate import IntegrateResult, checked_words
from calctool.render.report import Field, Report, StepLine, TableView, function_label

MAX_STEP_LINES = 120


class PlusC(sp.Expr):
    """F + C, printed in that order (sympy would sort C first)."""

    def _sympystr(self, printer: Any) -> str:
        return f"{printer._print(self.args[0])} + C"

    _unicodestr = _sympystr

    def _latex(self, printer: Any) -> str:
        return f"{printer._print(self.args[0])} + C"


def report(r: IntegrateResult) -> Report:
    x = r.variable
    assert x is not None
    rep = Report(title="Integral of {f}", subject=r.expression)
    rep.fields.append(Field(function_label([x]), r.expression))
    d = r.definite
    if d is None:
        assert r.antiderivative is not None
        rep.title = "Antiderivative of {f}"
        answer = PlusC(r.antiderivative)
        rep.fields.append(Field(f"∫ f({x}) d{x}", answer))
        rep.primary = answer
        rep.latex.append(r.equation())
    else:
        _definite(r, rep)
    if r.verification is not None:
        if d is not None and r.antiderivative is not None:
            rep.fields.append(Field("antiderivative F", r.antiderivative))
        rep.fields.append(Field("checked", "F' = f: " + checked_words(r.verification)
                                .removeprefix("F' = f ")))
    if r.riemann is not None:
        _riemann(r, rep)
    if r.steps is not None:
        _add_steps(rep, r.steps)
    if r.plot is not None:
        rep.plots.append(r.plot)
    rep.notes.extend(r.notes)
    return rep


def _bounds(r: IntegrateResult) -> str:
    def show(b: sp.Expr | None) -> str:
        return {sp.oo: "∞", sp.S.NegativeInfinity: "-∞"}.get(b, sp.sstr(b))

    return f"{show(r.lower)} to {show(r.upper)}"


def _definite(r: IntegrateResult, rep: Report) -> None:
    d = r.definite
    assert d is not None
    x = r.variable
    label = f"∫ f({x}) d{x}, {x} from {_bounds(r)}"
    if not d.converges:
        assert d.divergence is not None
        v = d.divergence
        rep.fields.append(Field(label, "diverges"))
        where = (f"{x} = {sp.sstr(v.point)}, inside the interval" if v.inside else
                 f"{x} → {sp.sstr(v.point)}" if v.point in (sp.oo, sp.S.NegativeInfinity)
                 else f"{x} = {sp.sstr(v.point)}, an end of the interval")
        rep.fields.append(Field("diverges at", where))
        if d.split:
            rep.fields.append(Field("f not continuous at", ", ".join(sp.sstr(p) for p in d.split)))
        rep.primary = "diverges"
        rep.notes.append(v.reason)
        if v.evidence:
            rep.tables.append(_evidence(r))
        rep.latex.append(r.equation())
        return
    text = r.value_text()
    if d.numeric:
        error = f"{d.error:.1e}" if d.error is not None else "unknown"
        rep.fields.append(Field(label, f"{text} (numeric, error estimate {error})"))
        if d.exact is not None:
            rep.fields.append(Field("in special functions", d.exact))
        rep.primary = text
    else:
        assert d.exact is not None
        approx = text if text and not d.exact.is_Rational and d.exact.is_number else None
        rep.fields.append(Field(label, d.exact, approx))
        rep.primary = d.exact
    if d.split:
        rep.fields.append(Field("split at", ", ".join(sp.sstr(p) for p in d.split)))
    if d.quadrature is not None:
        q, e = d.quadrature
        shown = sp.sstr(sp.Float(q, 15), full_prec=False)
        if d.numeric:
            rep.fields.append(Field("method", "mpmath quadrature (tanh-sinh), 30 and 20 digits "
                                              "compared"))
        else:
            rep.fields.append(Field("numeric check", f"mpmath quadrature {shown} "
                                                     f"(error estimate {e:.1e}): agrees"))
    if d.numeric and d.numeric_reason:
        rep.notes.append(f"numeric: {d.numeric_reason}")
    rep.latex.append(r.equation())


def _evidence(r: IntegrateResult) -> TableView:
    d = r.definite
    assert d is not None and d.divergence is not None
    v = d.divergence
    x = r.variable
    infinite = v.point in (sp.oo, sp.S.NegativeInfinity)
    if infinite:
        columns = [f"{x} = X", "∫ up to X" if v.point is sp.oo else "∫ from X"]
    else:
        columns = ["h", f"∫ stopping {sp.sstr(v.point)} {'-' if v.side == '-' else '+'} h"]
    rows = [[f"{s:.0e}", sp.sstr(sp.Float(p, 12), full_prec=False)] for s, p in v.evidence]
    return TableView(columns, rows, title="partial integrals (numeric quadrature)",
                     numeric_columns=frozenset({0, 1}))


def _riemann(r: IntegrateResult, rep: Report) -> None:
    t = r.riemann
    assert t is not None
    rows = []
    for row in t.rows:
        rows.append([str(row.n), sp.sstr(sp.Float(row.total, 15), full_prec=False),
                     f"{row.error:.3e}" if row.error is not None else "",
                     f"{row.order:.2f}" if row.order is not None else ""])
    rep.tables.append(TableView(["n", f"{t.method} sum", "error", "order"], rows,
                                title=f"{t.method} Riemann sums",
                                numeric_columns=frozenset({0, 1, 2, 3})))
    observed = t.observed_order
    seen = f"observed order {observed:.2f}" if observed is not None else \
        "no order observed (the errors reach rounding level)"
    rep.notes.append(f"error ≈ C/n^p: {seen}; the {t.method} rule has order {t.expected_order} "
                     "for smooth f")


# ---------------------------------------------------------------------------
# Steps


def _add_steps(rep: Report, root: Step) -> None:
    top = root.substeps
    depth_limit = 0
    while depth_limit < 50:
        shown = sum(1 for s in top for d, _ in s.walk() if d <= depth_limit + 1)
        if shown > MAX_STEP_LINES:
            break
        depth_limit += 1
    total = sum(s.count() for s in top)
    for k, step in enumerate(top, start=1):
        _lines(rep.steps, step, str(k), 0, depth_limit)
    hidden = total - len(rep.steps)
    if hidden > 0:
        rep.notes.append(f"{hidden} deeper steps are not shown; --json has them all")
    rep.latex.append(_steps_latex(rep.steps))


def _lines(lines: list[StepLine], step: Step, number: str, depth: int, limit: int) -> None:
    lines.append(_line(step, number, depth))
    if depth >= limit:
        return
    for k, child in enumerate(step.substeps, start=1):
        _lines(lines, child, f"{number}.{k}", depth + 1, limit)


def _line(step: Step, number: str, depth: int) -> StepLine:
    x = step.variable
    if step.rule == "rewrite":
        parts: list[Any] = [_plus_c(step.expression), _plus_c(step.result)]
        return StepLine(depth, number, step.title, parts, step.note)
    parts = [sp.Integral(step.expression, x)]
    applied = _applied(step)
    if applied is not None:
        parts.append(applied)
    parts.append(step.result)
    substitution = step.substitution if step.rule == "substitution" else None
    note = step.note if step.rule != "trig_substitution" else f"substitute {step.note}"
    return StepLine(depth, number, step.title, parts, note, substitution)


def _plus_c(e: sp.Basic) -> sp.Basic:
    return e


def _applied(step: Step) -> sp.Basic | None:
    """The rule written out, with what is still to integrate as ∫ ... d(var)."""
    x = step.variable
    parts = getattr(step, "parts", None)
    if step.rule == "parts" and parts is not None and len(step.substeps) > 1:
        u, _, v, du = parts
        return sp.Add(sp.Mul(u, v), sp.Mul(-1, sp.Integral(v * du, x), evaluate=False),
                      evaluate=False)
    if step.rule == "substitution" and step.substeps:
        inner = step.substeps[0]
        return sp.Integral(inner.expression, inner.variable)
    if step.rule in ("partial_fractions", "trig_identity", "algebra", "complete_square") \
            and step.applied is not None:
        return sp.Integral(step.applied, x)
    if step.rule == "constant_multiple" and step.substeps:
        inner = step.substeps[0]
        c = sp.simplify(step.expression / inner.expression)
        integral = sp.Integral(inner.expression, x)
        if c == -1:
            return -integral
        return sp.Mul(sp.UnevaluatedExpr(c), integral, evaluate=False)  # (1/2)·∫ ..., c first
    if step.rule == "sum" and step.substeps:
        return sp.Add(*(sp.Integral(s.expression, x) for s in step.substeps), evaluate=False)
    return None


def _steps_latex(lines: list[StepLine]) -> str:
    rows = []
    for line in lines:
        tag = f"({line.number}) {line.title}"
        first, *rest = (sp.latex(p) for p in line.parts)
        sub = ""
        if line.substitution is not None:
            sub = ", " + " = ".join(sp.latex(v) for v in line.substitution)
        if rest:
            rows.append(f"{first} &= {rest[0]} && \\text{{{_tex_text(tag)}}}{sub}")
            rows.extend(f"&= {p}" for p in rest[1:])
        else:
            rows.append(f"{first} & && \\text{{{_tex_text(tag)}}}{sub}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


_TEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}", "·": r"$\cdot$", "−": "-", "∫": r"$\int$"}


def _tex_text(text: str) -> str:
    return "".join(_TEX_ESCAPES.get(c, c) for c in text)
