"""How a diff result reads: f, its derivative (primes for abstract functions), values."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

import sympy as sp

from calctool.core.expr.points import show_coordinate
from calctool.core.results.base import latex_text, point_math, value_math
from calctool.core.results.diff import KIND_WORDS, DiffResult, OneSided
from calctool.render.report import (
    Field,
    Rate,
    Report,
    StepLine,
    derivative_label,
    function_label,
    prime_notation,
)

if TYPE_CHECKING:
    from calctool.core.engines.steps import Step

# Text output shows at most about this many steps (the deepest levels go first);
# --json always has the whole tree.
MAX_STEP_LINES = 120


def report(r: DiffResult) -> Report:
    variables = sorted(r.expression.free_symbols, key=str)
    f_label = function_label(variables or list(r.variables[:1]), r.function)
    if _names_f(r.expression):
        # f(g(x)) labelled "f(x) = f(g(x))" and "f'(x) = f'(g(x))·g'(x)" would be false as
        # written: the composite is y, its derivative dy/dx
        return _report_as_y(r, variables)
    rep = Report(title="Derivative of {f}", subject=r.expression)
    rep.fields.append(Field(f_label, r.expression))
    if r.gradient is not None:
        rep.fields.append(Field("∇f", prime_notation(sp.Matrix(r.gradient).T)))
        for v, g in zip(r.variables, r.gradient):
            rep.fields.append(Field(derivative_label((v,), 2, name=r.function),
                                    prime_notation(g)))
        rep.primary = sp.Matrix(r.gradient).T
        rep.latex.append(r"\nabla f = " + r.answer_math())
    else:
        assert r.derivative is not None
        label = derivative_label(r.variables, len(variables), name=r.function)
        rep.fields.append(Field(label, prime_notation(r.derivative)))
        rep.primary = prime_notation(r.derivative)
        rep.latex.append(r.equation(partial=False))
    if r.point is not None:
        where = ", ".join(f"{k}={show_coordinate(v)}" for k, v in r.point.items())
        missing = r.missing or (None,) * len(r.values)
        if r.gradient is not None:
            for v, val, why in zip(r.variables, r.values, missing):
                name = derivative_label((v,), 2)
                if why is None:
                    rep.fields.append(Field(f"{name} at {where}", *_value_parts(val)))
                else:
                    _does_not_exist(rep, f"{name} at {where}", why, f"{name} at {where}")
        else:
            label = derivative_label(r.variables, len(variables), name=r.function)
            if missing[0] is None:
                rep.fields.append(Field(f"{label} at {where}", *_value_parts(r.values[0])))
                rep.primary = r.values[0].text
            else:
                _does_not_exist(rep, f"{label} at {where}", missing[0], f"{label} at {where}")
                rep.primary = f"does not exist ({missing[0].kind})"
        rep.latex.extend(_latex_at(r, missing))
    if r.plot is not None:
        rep.plots.append(r.plot)
    if r.steps is not None:
        _add_steps(rep, r.steps)
    if r.expression.has(sp.Heaviside, sp.sign, sp.DiracDelta):
        rep.notes.append("sign, Heaviside and DiracDelta come from kinks and jumps: at those "
                         "points the derivative does not exist (ask with --at to check a point)")
    rep.notes.extend(_jump_notes(r.expression))
    return rep


def _names_f(expr: sp.Expr) -> bool:
    """Does the expression apply a function called f (f(g(x)), f(x)^2)?"""
    from sympy.core.function import AppliedUndef

    return any(a.func.__name__ == "f" for a in expr.atoms(AppliedUndef))


def _report_as_y(r: DiffResult, variables: list[Any]) -> Report:
    """diff of an expression that uses f itself: y = the expression, dy/dx = ...; with
    primes only for the abstract functions inside."""
    rep = Report(title="Derivative of {f}", subject=r.expression)
    rep.fields.append(Field("y", r.expression))
    partial = len(variables) > 1 or len(set(r.variables)) > 1
    d = "∂" if partial else "d"
    if r.gradient is not None:
        for v, g in zip(r.variables, r.gradient):
            rep.fields.append(Field(f"∂y/∂{v}", prime_notation(g)))
        rep.primary = sp.Matrix(r.gradient).T
        rep.latex.append(r"\nabla y = " + r.answer_math())
        return rep
    assert r.derivative is not None
    k = len(r.variables)
    power = "" if k == 1 else ("²³⁴⁵⁶⁷⁸⁹"[k - 2] if k <= 9 else f"^{k}")
    bottom = "".join(f"{d}{v}" for v in reversed(r.variables)) if partial else \
        f"{d}{r.variables[0]}{power}"
    label = f"{d}{power}y/{bottom}"
    rep.fields.append(Field(label, prime_notation(r.derivative)))
    rep.primary = prime_notation(r.derivative)
    rep.latex.append(r.equation(partial=False))
    if r.point is not None:
        where = ", ".join(f"{k_}={show_coordinate(v)}" for k_, v in r.point.items())
        rep.fields.append(Field(f"{label} at {where}", *_value_parts(r.values[0])))
    if r.plot is not None:
        rep.plots.append(r.plot)
    if r.steps is not None:
        _add_steps(rep, r.steps)
    return rep


MAX_JUMP_NOTES = 3


def _jump_notes(expr: sp.Expr) -> list[str]:
    """floor(u)' = 0 holds between the jumps only: say where they are."""
    found = {n for n in sp.preorder_traversal(expr) if isinstance(n, (sp.floor, sp.ceiling))}
    notes = []
    for node in sorted(found, key=sp.default_sort_key)[:MAX_JUMP_NOTES]:
        arg = node.args[0]
        notes.append(f"{sp.sstr(node)} jumps where {sp.sstr(arg)} is an integer and is constant "
                     "in between: its derivative is 0 between the jumps and does not exist at "
                     "them (ask with --at to check a point)")
    return notes


def _latex_at(r: DiffResult, missing: tuple[Any, ...]) -> list[str]:
    """The value at --at as LaTeX: d/dx(f) evaluated at the point (|_{x = 2}) = value."""
    assert r.point is not None
    where = point_math(r.point)

    def shown(value: Any, why: Any) -> str:
        return value_math(value) if why is None else latex_text(f"does not exist ({why.kind})")

    if r.gradient is not None:
        return [r"\left.\frac{\partial f}{\partial %s}\right|_{%s} = %s"
                % (sp.latex(v), where, shown(val, why))
                for v, val, why in zip(r.variables, r.values, missing)]
    return [r"\left.%s\right|_{%s} = %s" % (r.leibniz(partial=False), where,
                                          shown(r.values[0], missing[0]))]


def _does_not_exist(rep: Report, label: str, why: OneSided, name: str) -> None:
    """No value: what kind of point it is, the one-sided slopes, and why (as tangent says)."""
    kind = KIND_WORDS.get(why.kind, "a " + why.kind)
    rep.fields.append(Field(label, f"does not exist: {kind}"))
    for side, value in (("from below (h → 0⁻)", why.left), ("from above (h → 0⁺)", why.right)):
        rep.fields.append(Field(f"  slope {side}", _slope(value)))
    rep.notes.append(why.reason(name))
    if why.numeric:
        rep.notes.append("the symbolic engine could not take these limits, so the one-sided "
                         "slopes were estimated numerically (30-digit values at h = ±10^-k)")


def _slope(v: Any) -> Any:
    if v is None:
        return "none: f has no values on this side"
    return v


def _value_parts(val: Any) -> tuple[Any, str | None]:
    """Exact and decimal side by side, by the rule of every value (results.base.value_math):
    the exact value with its decimal after ≈ when the decimal says something else (1/12 ≈
    0.0833, √2 ≈ 1.414); the decimal alone when it is the exact value (0.2, 5)."""
    exact = val.exact
    if exact is not None and not exact.is_Float and not val.decimal_is_exact:
        return exact, val.text
    return val.text, None


# ---------------------------------------------------------------------------
# The derivation (--steps)


def _sections(root: Step) -> list[tuple[str | None, tuple[Step, ...]]]:
    """(heading, top-level steps) per differentiation."""
    if root.rule == "differentiate":
        note = root.note
        return [(note[:1].upper() + note[1:] if note else None, root.substeps)]
    out: list[tuple[str | None, tuple[Step, ...]]] = []
    for child in root.substeps:
        heading = child.note or f"by {child.variable}"
        out.append((heading[:1].upper() + heading[1:], child.substeps))
    return out


def _add_steps(rep: Report, root: Step) -> None:
    sections = _sections(root)
    free = root.expression.free_symbols
    partial = frozenset(free) if len(free) > 1 else frozenset()
    # Show as many levels as fit in MAX_STEP_LINES.
    depth_limit = 0
    while depth_limit < 50:
        shown = sum(1 for _, top in sections for s in top for d, _ in s.walk()
                    if d <= depth_limit + 1)
        if shown > MAX_STEP_LINES:
            break
        depth_limit += 1
    total = sum(s.count() for _, top in sections for s in top)
    number = 0
    for heading, top in sections:
        if heading:
            rep.steps.append(StepLine(0, "", heading, heading=True))
        for step in top:
            number += 1
            _add_step_lines(rep.steps, step, str(number), 0, depth_limit, None, partial)
    hidden = total - sum(1 for line in rep.steps if not line.heading)
    if hidden > 0:
        rep.notes.append(f"{hidden} deeper steps are not shown; --json has them all")
    rep.latex.append(_steps_latex(rep.steps))


def _add_step_lines(lines: list[StepLine], step: Step, number: str, depth: int,
                    depth_limit: int, chain_of: Step | None, partial: frozenset[Any]) -> None:
    lines.append(_step_line(step, number, depth, chain_of, partial))
    if depth >= depth_limit:
        return
    for k, child in enumerate(step.substeps, start=1):
        inner_of = step if step.rule == "chain" and k == 2 else None
        _add_step_lines(lines, child, f"{number}.{k}", depth + 1, depth_limit, inner_of,
                        partial)


def _step_line(step: Step, number: str, depth: int, chain_of: Step | None,
               partial: frozenset[Any]) -> StepLine:
    """lhs = the rule written out = result; the chain rule's inner part reads du/dx = ..."""
    if step.rule in ("rewrite", "simplify"):
        parts: list[Any] = [prime_notation(step.expression), prime_notation(step.result)]
    else:
        parts = []
        if chain_of is not None and chain_of.substitution is not None:
            parts.append(Rate(chain_of.substitution[0], step.variable))
        parts.append(sp.Derivative(prime_notation(step.expression), step.variable))
        if step.applied is not None:
            applied = prime_notation(step.applied)
            if applied.has(sp.Derivative):  # else it is the result already
                parts.append(applied)
        parts.append(prime_notation(step.result))
        if parts[-1] == parts[-2]:  # an unevaluated derivative: say it once
            parts.pop()
    substitution = None
    if step.substitution is not None:
        substitution = (step.substitution[0], prime_notation(step.substitution[1]))
    return StepLine(depth, number, step.title, parts, step.note, substitution, partial=partial)


def _steps_latex(lines: list[StepLine]) -> str:
    """The derivation as an aligned environment: d/dx(...) &= ... && (1.2) the rule."""
    rows = []
    for line in lines:
        if line.heading:
            rows.append(r"&\text{%s}" % _tex_text(line.title))
            continue
        tag = f"({line.number}) {line.title}"
        sub = ""
        if line.substitution is not None:
            sub = ", " + " = ".join(_tex(v) for v in line.substitution)
        first, *rest = (_tex(p, line.partial) for p in line.parts)
        head = first
        if len(rest) > 1 and isinstance(line.parts[0], Rate):  # du/dx = d/dx(inner) = ...
            head += " = " + rest.pop(0)
        if rest:
            rows.append(f"{head} &= {rest[0]} && \\text{{{_tex_text(tag)}}}{sub}")
            rows.extend(f"&= {p}" for p in rest[1:])
        else:  # an unevaluated derivative
            rows.append(f"{head} & && \\text{{{_tex_text(tag)}}}{sub}")
        if line.note:
            rows.append(r"& && \text{\footnotesize %s}" % _tex_text(line.note))
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


_TEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}", "·": r"$\cdot$", "∂": r"$\partial$",
                "σ": r"$\sigma$", "−": "-"}


def _tex_text(text: str) -> str:
    return "".join(_TEX_ESCAPES.get(c, c) for c in text)


def _tex(value: Any, partial: frozenset[Any] = frozenset()) -> str:
    if isinstance(value, Rate):  # du/dx
        d = r"\partial " if value.bottom in partial else "d"
        return r"\frac{%s%s}{%s%s}" % (d, sp.latex(value.top), d, sp.latex(value.bottom))
    return str(_latex_printer()({"partial": partial}).doprint(value))


@lru_cache(maxsize=1)
def _latex_printer() -> type:
    from sympy.printing.latex import LatexPrinter

    class StepLatexPrinter(LatexPrinter):
        """d/dx(...) with brackets, and a rule written out in the rule's order."""

        _default_settings: ClassVar[dict[str, Any]] = {**LatexPrinter._default_settings,
                                                        "partial": frozenset()}

        def _print_Derivative(self, expr: sp.Derivative) -> str:
            ops = []
            for v, n in expr.variable_count:
                name = self._print(v)
                d = r"\partial " if v in self._settings["partial"] else "d"
                ops.append(r"\frac{%s}{%s%s}" % (d, d, name) if n == 1
                           else r"\frac{%s^{%s}}{%s%s^{%s}}" % (d, n, d, name, n))
            return " ".join(reversed(ops)) + r"\left(%s\right)" % self._print(expr.expr)

        def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
            return str(super()._print_Add(expr, "none" if expr.has(sp.Derivative) else order))

        def _print_Mul(self, expr: sp.Mul) -> str:
            saved = self._settings.get("order")
            self._settings["order"] = "none" if expr.has(sp.Derivative) else saved
            try:
                return str(super()._print_Mul(expr))
            finally:
                self._settings["order"] = saved

    return StepLatexPrinter
