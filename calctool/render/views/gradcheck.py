"""How a gradient check reads: what was compared, how, the per-component table, the verdict."""

from __future__ import annotations

from calctool.core.expr.points import show_point
from calctool.core.results.base import bmatrix, number
from calctool.core.results.gradcheck import Component, GradcheckResult, KinkComponent
from calctool.render.report import Alert, Field, Report, TableView, err, function_label

REL_STEP = {"central": "6.1e-6", "forward": "1.5e-8", "richardson": "0.01", "complex": "1e-20"}
MAX_FAILING_NAMED = 8
# A pass is worded "agrees (rel. error ...)" only up to this relative error.
# Beyond it the pass rests on the tolerance's absolute terms (the estimated
# error of the difference, --atol; a derivative of 0 has a relative error of 1
# against any rounding), and the verdict says which, with the absolute error.
PLAIN_REL = 1e-6


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def report(r: GradcheckResult) -> Report:
    if r.mode == "function":
        return _function_report(r)
    return _expression_report(r)


# --------------------------------------------------------------------------- expressions


def _label(c: Component) -> str:
    return f"∂f/∂{c.name}"


def _expression_report(r: GradcheckResult) -> Report:
    hand = r.mode == "gradient"
    what = "your gradient of" if hand else "the gradient of"
    rep = Report(title=f"Gradient check: {what} {{f}}", subject=r.expression)
    variables = sorted(r.expression.free_symbols, key=str)
    rep.fields.append(Field(function_label(variables), r.expression))
    if r.point:
        rep.fields.append(Field("at", show_point(r.point)))
    if hand:
        order = "the order of --vars" if r.order == "--vars" else "sorted variable order"
        rep.fields.append(Field("--grad order", ", ".join(_label(c) for c in r.components)
                                + f" ({order})"))
    rep.fields.append(Field("finite differences", _method_text(r)))
    rep.fields.append(Field("tolerance", _tolerance_text(r)))
    rep.fields.append(Field("result", _verdict(r)))
    if hand:  # six digits: four numbers side by side must fit 60 columns
        columns = ["", "yours", "sympy", "numeric", "rel. error", "check"]
        rows = [[_label(c), number(c.analytic, 6), number(c.exact, 6), number(c.numeric, 6),
                 err(c.rel_error), _check(c)] for c in r.components]
        numeric = frozenset({1, 2, 3, 4})
    else:
        columns = ["", "sympy", "numeric", "rel. error", "check"]
        rows = [[_label(c), number(c.analytic, 7), number(c.numeric, 7), err(c.rel_error),
                 _check(c)] for c in r.components]
        numeric = frozenset({1, 2, 3})
    rep.tables.append(TableView(columns, rows, numeric_columns=numeric))
    for c in r.components:
        rep.notes.extend(_component_notes(c, hand))
    rep.notes.extend(r.refined)
    if not hand and _wrong(r):
        rep.notes.append("sympy's derivative and the finite difference disagree: f may not be "
                         "smooth near the point (a kink within the step), or the step is "
                         "unsuitable; try --method richardson or another --eps")
    rep.primary = _primary(r)
    rep.latex.append(r"\nabla f = " + bmatrix(r.sympy_gradient()))
    rep.latex.append(r"\text{gradient check: %s}" % r.outcome)
    return rep


def _check(c: Component) -> str:
    """The check column: PASS, FAIL, or KINK/JUMP for a component that cannot be checked."""
    if isinstance(c, KinkComponent):
        return "JUMP" if c.kind == "jump" else "KINK"
    return "PASS" if c.passed else "FAIL"


def _wrong(r: GradcheckResult) -> list[Component]:
    """The failed components, without those that could not be checked."""
    return [c for c in r.components if not c.passed and not isinstance(c, KinkComponent)]


def _component_notes(c: Component, hand: bool) -> list[str]:
    if isinstance(c, KinkComponent):
        notes: list[str] = [f"{_label(c)}: {c.diagnosis}"]
        if hand and c.formula_matches is False:
            notes.append(f"{_label(c)}: your formula {c.formula} has the right value here but "
                         f"is not the derivative {c.expected}: they differ elsewhere")
        return notes
    if not hand:
        return []
    notes = []
    if not c.passed:
        why = f" — {c.diagnosis}" if c.diagnosis else ""
        notes.append(Alert(f"{_label(c)} is wrong{why}. Yours: {c.formula}; the true "
                           f"derivative: {c.expected}"))
        if c.passed_exact and not c.passed_numeric:
            notes.append(f"{_label(c)}: yours equals sympy's value but not the finite "
                         "difference: f may not be smooth near the point")
    elif c.formula_matches is False:
        why = f" ({c.diagnosis})" if c.diagnosis else ""
        notes.append(f"{_label(c)} passes at this point only: your formula {c.formula} is not "
                     f"the derivative {c.expected}, they differ elsewhere{why}; check another "
                     "point")
    return notes


def _method_text(r: GradcheckResult) -> str:
    if r.eps is not None:
        step = f"h = {r.eps:g} (--eps)"
    elif r.method == "complex":
        step = "h = 1e-20"
    elif r.fast:
        step = f"h = {REL_STEP[r.method]}·‖max(1, |x|)‖ along u"
    else:
        step = f"h = {REL_STEP[r.method]}·max(1, |xᵢ|)"
    return f"{r.method}, {step}; {_count(r.evaluations, 'evaluation')} of f"


def _tolerance_text(r: GradcheckResult) -> str:
    text = f"{r.kappa:g} × the estimated error of each difference"
    if r.rtol:
        text += f" + {r.rtol:g}·|g|"
    if r.atol:
        text += f" + {r.atol:g}"
    return text + " (rounding from the measured noise of f, plus truncation)"


def _verdict(r: GradcheckResult) -> str:
    unit = "direction" if r.fast else "component"
    if r.passed:
        if r.checked == 1:
            subject = f"the {unit} agrees"
        else:
            both = "both" if r.checked == 2 else f"all {r.checked:,}"
            subject = f"{both} {unit}s agree"
        return f"PASS: {subject} {_agreement(r)}"
    if r.mode != "function":
        wrong = [_label(c) for c in _wrong(r)]
        kinks = [c for c in r.components if isinstance(c, KinkComponent)]
        parts = []
        if wrong and r.mode == "expression":
            # sympy's derivative is the truth here: it is the difference that failed
            parts.append(f"sympy and the finite difference disagree on {', '.join(wrong)}")
        elif wrong:
            parts.append(f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} wrong")
        if kinks:
            kinds = sorted({c.kind for c in kinks})
            what = f"a {kinds[0]}" if len(kinds) == 1 else "points where f is not differentiable"
            names = ", ".join(_label(c) for c in kinks)
            parts.append(f"{names} cannot be checked at this point: the finite-difference "
                         f"step straddles {what}")
        return f"{r.outcome}: {'; '.join(parts)} ({r.failed} of {r.checked})"
    if r.inconclusive:
        return _inconclusive(r)
    return f"FAIL: {r.failed:,} of {_count(r.checked, unit)} disagree"


def _inconclusive(r: GradcheckResult) -> str:
    unit = "direction" if r.fast else "component"
    return (f"INCONCLUSIVE: none of {_count(r.checked, unit)} disagrees, but "
            f"{r.weak:,} pass{'es' if r.weak == 1 else ''} with a resolution worse than "
            f"{r.resolution_threshold:g}: the check could not have seen an error that small")


def _agreement(r: GradcheckResult) -> str:
    """How a passing check agrees, in words: '(max rel. error 2e-11)' when the relative
    errors are small; otherwise what the pass rests on, with the absolute error (a
    relative error of 1 next to 'agrees' would read as a contradiction)."""
    most = "" if r.checked == 1 else "max "
    if r.max_rel_error <= PLAIN_REL:
        return f"({most}rel. error {err(r.max_rel_error)})"
    if r.rtol and r.max_rel_error <= r.rtol:
        return f"within --rtol {r.rtol:g} ({most}rel. error {err(r.max_rel_error)})"
    if r.atol and r.max_abs_error <= r.atol:
        return f"within --atol {r.atol:g} ({most}abs. error {err(r.max_abs_error)})"
    plural = "s" if r.checked > 1 else ""
    text = (f"within the estimated error of the finite difference{plural}, in absolute terms "
            f"({most}abs. error {err(r.max_abs_error)}")
    if r.checked == 1 and r.components:
        text += f", tolerance {err(r.components[0].tolerance)}"
    return text + ")"


def _primary(r: GradcheckResult) -> str:
    if r.passed:
        return f"PASS {_agreement(r)}"
    if r.mode != "function":
        wrong = _wrong(r)
        parts = [_label(c) + (f" ({c.diagnosis})" if c.diagnosis else "") for c in wrong]
        parts += [f"{_label(c)} cannot be checked here ({c.kind} within the step)"
                  for c in r.components if isinstance(c, KinkComponent)]
        return f"{r.outcome}: " + "; ".join(parts)
    if r.inconclusive:
        return _inconclusive(r)
    return f"FAIL: {r.failed:,} of {_count(r.checked, 'direction' if r.fast else 'component')}"


# --------------------------------------------------------------------------- --func


def _function_report(r: GradcheckResult) -> Report:
    rep = Report(title=f"Gradient check: {r.grad} against finite differences of {r.func}")
    rep.fields.append(Field("function", r.func or ""))
    rep.fields.append(Field("VJP, J^T u" if r.vjp else "gradient", r.grad or ""))
    rep.fields.append(Field("point", f"{r.point_source}; {_count(r.n, 'parameter')}"
                            + (f", shape {r.shape}" if len(r.shape) > 1 else "")))
    if r.fast:
        mode = (f"fast: {_count(r.checked, 'random direction')} u, u·∇f against the "
                f"derivative of f along u (O(1) evaluations, whatever n is)")
    elif r.sampled:
        mode = f"sample: {r.checked:,} random components of {r.n:,} (--points)"
    else:
        mode = f"full: every component ({r.n:,})"
    rep.fields.append(Field("mode", mode))
    rep.fields.append(Field("finite differences", _method_text(r)))
    rep.fields.append(Field("tolerance", _tolerance_text(r)))
    rep.fields.append(Field("result", _verdict(r)))
    if r.fast:
        rows = [[c.name.split()[-1], number(c.analytic, 7), number(c.numeric, 7), err(c.abs_error),
                 err(c.tolerance), _function_check(c)] for c in r.components]
        rep.tables.append(TableView(["u", "u·∇f (yours)", "numeric", "error",
                                     "tol.", "check"], rows,
                                    numeric_columns=frozenset({0, 1, 2, 3, 4})))
    else:
        # The resolution column when some pass says little (WEAK); digits beyond the
        # noise of such an f mean nothing, and the table keeps within 60 columns.
        weak = any(c.weak for c in r.components)
        digits = 5 if weak else 7
        rows = [[c.name, number(c.analytic, digits), number(c.numeric, digits),
                 err(c.rel_error)]
                + ([err(c.resolution) if c.resolution is not None else ""] if weak else [])
                + [_function_check(c)] for c in r.components]
        title = None
        if r.shown == "worst":
            title = (f"the {len(r.components)} worst of {r.checked:,} components "
                     "(by error / tolerance)")
        columns = ["component", "yours", "numeric", "rel. error"] + \
            (["resolution"] if weak else []) + ["check"]
        rep.tables.append(TableView(columns, rows, title=title,
                                    numeric_columns=frozenset(range(1, len(columns) - 1))))
    if not r.passed and not r.inconclusive:
        rep.notes.extend(_failure_notes(r))
    rep.notes.extend(r.notes)
    if r.fast and r.resolution is not None and not r.inconclusive:
        rep.notes.append(f"resolution: one component off by more than ~{r.resolution:.0e} × "
                         f"RMS(∇f) would show (the measured noise of f is "
                         f"{err(r.noise_level or 0.0)})")
    rep.primary = _primary(r)
    rep.latex.append(r"\text{gradient check of %s: %s}"
                     % (_tex(r.grad or ""), r.outcome))
    return rep


def _function_check(c: Component) -> str:
    """PASS, FAIL, or WEAK: passed, but the check could not have seen an error below its
    resolution, which is worse than the threshold."""
    if not c.passed:
        return "FAIL"
    return "WEAK" if c.weak else "PASS"


def _failure_notes(r: GradcheckResult) -> list[str]:
    if r.fast:
        return [Alert(f"{r.failed} of {r.checked} directional derivatives disagree, so the "
                      "gradient is wrong somewhere; to find the components, run without "
                      "--fast (every component) or with --points K (K random ones)")]
    names = [c.name for c in r.components if not c.passed]
    if r.shown == "worst":
        base = r.components[0].name.split("[")[0] if r.components else "x"
        names = [_index_name(base, i, r.shape) for i in r.failing[:MAX_FAILING_NAMED]]
    more = r.failed - len(names)
    listing = ", ".join(names[:MAX_FAILING_NAMED]) + (f" and {more:,} more" if more > 0 else "")
    notes: list[str] = [Alert(f"wrong: {listing}" + (" (--json lists the failing indices)"
                                                    if more > 0 else ""))]
    if r.sampled:
        notes.append(f"only {r.checked:,} of {r.n:,} components were checked (--points)")
    return notes


def _index_name(base: str, index: int, shape: tuple[int, ...]) -> str:
    """theta[12], or theta[3, 4] for a matrix of parameters (row-major, as numpy)."""
    coords = []
    for size in reversed(shape[1:]):
        index, rest = divmod(index, size)
        coords.append(rest)
    coords.append(index)
    return f"{base}[{', '.join(str(c) for c in reversed(coords))}]"


def _tex(text: str) -> str:
    return text.replace("\\", r"\textbackslash{}").replace("_", r"\_").replace("%", r"\%") \
        .replace("&", r"\&").replace("#", r"\#").replace("$", r"\$")
