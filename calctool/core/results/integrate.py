"""The result of `integrate`: a checked antiderivative, or a definite integral with its
evidence (convergence, splitting points, quadrature cross-check, Riemann sums)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from calctool.core.engines.integrals import Definite, Verification
from calctool.core.engines.plotdata import PlotData
from calctool.core.engines.riemann import RiemannTable
from calctool.core.engines.steps import Step
from calctool.core.results.base import (
    Display,
    Result,
    Table,
    expr_number,
    expr_str,
    inline,
    json_number,
    latex_text,
    number,
    table,
    tex,
)


def bound_text(b: sp.Expr) -> str:
    return expr_str(b)


@dataclass(frozen=True)
class IntegrateResult(Result):
    """∫ f dx (`definite` None) or ∫_lower^upper f dx.

    `antiderivative` is verified (`verification` holds the evidence); for a
    definite integral it is the one the value came from, when there is one.
    """

    command: ClassVar[str] = "integrate"
    variable: sp.Symbol | None = None
    antiderivative: sp.Expr | None = None
    verification: Verification | None = None
    lower: sp.Expr | None = None
    upper: sp.Expr | None = None
    definite: Definite | None = None
    steps: Step | None = None
    riemann: RiemannTable | None = None
    plot: PlotData | None = None
    notes: tuple[str, ...] = ()
    digits: int = 15

    @property
    def is_definite(self) -> bool:
        return self.definite is not None

    @property
    def converges(self) -> bool | None:
        return self.definite.converges if self.definite is not None else None

    def value_text(self) -> str | None:
        """The definite integral's decimal: `digits` significant digits, no more than a
        numeric value's error estimate supports."""
        d = self.definite
        if d is None or not d.converges:
            return None
        digits = self.digits
        if d.numeric and d.error is not None and d.value:
            relative = d.error / abs(d.value) if d.value else d.error
            sure = math.floor(-math.log10(relative)) if relative > 0 else 30
            digits = max(1, min(digits, sure, 30))
        if d.exact is not None and not d.numeric:
            return sp.sstr(sp.N(d.exact, digits), full_prec=False) if not d.exact.is_Integer \
                else str(d.exact)
        if d.text is not None:
            with _Mp(digits + 5) as mpmath:
                return str(mpmath.nstr(mpmath.mpf(d.text), digits))
        return number(d.value, digits) if d.value is not None else None

    # -- JSON ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        out["variable"] = str(self.variable)
        out["definite"] = self.is_definite
        d = self.definite
        if d is None:
            assert self.antiderivative is not None
            out["result"] = expr_str(self.antiderivative)
            out["antiderivative"] = expr_str(self.antiderivative)
            out["constant"] = "C"
            out["latex"] = tex(self.antiderivative) + " + C"
        else:
            assert self.lower is not None and self.upper is not None
            out["from"] = bound_text(self.lower)
            out["to"] = bound_text(self.upper)
            out["converges"] = d.converges
            exact = d.exact if d.converges and d.exact is not None else None
            out["result"] = expr_str(exact) if exact is not None and not d.numeric else (
                self.value_text() if d.converges else None)
            out["exact"] = expr_str(exact) if exact is not None else None
            out["value"] = json_number(d.value) if d.converges and d.value is not None else (
                expr_number(exact) if exact is not None and exact.is_number else None)
            out["value_text"] = self.value_text()
            out["numeric"] = d.numeric
            out["closed_form"] = d.closed_form and exact is not None
            if d.numeric:
                out["error_estimate"] = json_number(d.error)
                out["numeric_reason"] = d.numeric_reason
            out["latex"] = self.answer_math()
            out["split_points"] = [expr_str(p) for p in d.split]
            if d.pieces:
                out["pieces"] = [{"from": expr_str(p.lo), "to": expr_str(p.hi),
                                  "value": expr_str(p.exact) if p.exact is not None else None,
                                  "numeric": json_number(p.numeric)} for p in d.pieces]
            if d.divergence is not None:
                v = d.divergence
                out["divergence"] = {
                    "point": expr_str(v.point), "side": v.side, "inside": v.inside,
                    "behaviour": v.limit, "reason": v.reason,
                    "evidence": [{"step": json_number(s), "partial_integral": json_number(p)}
                                 for s, p in v.evidence]}
            if d.quadrature is not None:
                q, e = d.quadrature
                out["check"] = {"method": "mpmath quadrature (tanh-sinh), 30 digits",
                                "value": json_number(q), "error_estimate": json_number(e),
                                "agrees": True}
            if self.antiderivative is not None:
                out["antiderivative"] = expr_str(self.antiderivative)
        if self.verification is not None:
            out["verification"] = self.verification.to_dict()
        if self.steps is not None:
            out["steps"] = self.steps.to_dict()
        if self.riemann is not None:
            out["riemann"] = self.riemann.to_dict()
        if self.plot is not None:
            out["plot"] = self.plot.to_dict()
        out["notes"] = self.all_notes()
        return out

    # -- LaTeX -----------------------------------------------------------------
    def integral_math(self) -> str:
        x = self.variable
        if self.lower is None or self.upper is None:
            return tex(sp.Integral(self.expression, x))
        return tex(sp.Integral(self.expression, (x, self.lower, self.upper)))

    def answer_math(self) -> str:
        """The answer as LaTeX: F + C, the value, or "diverges"."""
        d = self.definite
        if d is None:
            assert self.antiderivative is not None
            return tex(self.antiderivative) + " + C"
        if not d.converges:
            return latex_text("diverges")
        if d.numeric:
            return "\\approx " + (self.value_text() or "")
        assert d.exact is not None
        shown = tex(d.exact)
        text = self.value_text()
        if text and not d.exact.is_Rational:
            shown += f" \\approx {text}"
        return shown

    def equation(self) -> str:
        answer = self.answer_math()
        relation = "" if answer.startswith("\\approx") else " = "
        if self.definite is not None and not self.definite.converges:
            return f"{self.integral_math()} \\quad " + answer
        return f"{self.integral_math()}{relation}{answer}".replace("  ", " ")

    # -- notebook --------------------------------------------------------------
    def display(self) -> Display:
        fields = [(f"f({self.variable})", inline(self.expression))]
        d = self.definite
        if d is None:
            assert self.antiderivative is not None
            fields.append(("antiderivative", inline(tex(self.antiderivative) + " + C")))
            title = f"Antiderivative of {inline(self.expression)}"
        else:
            title = f"Integral of {inline(self.expression)}"
            if d.converges:
                fields.append(("value", inline(self.answer_math())
                               + (" (numeric)" if d.numeric else "")))
            else:
                fields.append(("converges", "no"))
        if self.verification is not None:
            fields.append(("checked", _checked_words(self.verification)))
        tables: tuple[Table, ...] = ()
        if self.riemann is not None:
            tables = (table(["n", "sum", "error", "order"],
                            [[str(r.n), number(r.total, 15), number(r.error, 3)
                              if r.error is not None else "",
                              number(r.order, 3) if r.order is not None else ""]
                             for r in self.riemann.rows],
                            title=f"{self.riemann.method} sums"),)
        notes = list(self.notes)
        if d is not None and d.divergence is not None:
            notes.insert(0, d.divergence.reason)
        if d is not None and d.numeric and d.numeric_reason:
            notes.append(f"numeric: {d.numeric_reason}")
        return Display(title, self.equation(), tuple(fields), tables, tuple(notes))


def _checked_words(v: Verification) -> str:
    how = "symbolically and " if v.symbolic else ""
    return (f"F' = f {how}at {len(v.points)} points "
            f"(largest relative difference {v.max_rel_error:.1e})")


class _Mp:
    """mpmath at this many digits, as a context manager giving the module."""

    def __init__(self, dps: int) -> None:
        self.dps = dps

    def __enter__(self) -> Any:
        import mpmath

        self._ctx = mpmath.workdps(self.dps)
        self._ctx.__enter__()
        return mpmath

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)


checked_words = _checked_words
