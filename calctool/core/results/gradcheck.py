"""The result of `gradcheck`: analytic against finite-difference gradients, per component."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from calctool.core.errors import ExitStatus
from calctool.core.results.base import (
    Display,
    Result,
    inline,
    json_number,
    latex_text,
    number,
    point_dict,
    point_math,
    table,
    tex,
    text,
)


@dataclass(frozen=True)
class Component:
    """One checked component (or, in fast mode, one random direction).

    `analytic` is the gradient being checked (sympy's, the hand-written one, or
    the user's code; u·g in fast mode), `numeric` the finite difference, and
    `tolerance` what `abs_error` was compared with. In --grad mode `exact` is
    sympy's value of the true derivative, `formula` the hand-written one and
    `expected` sympy's; `diagnosis` names a likely mistake.
    """

    name: str
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    passed: bool
    tolerance: float
    index: int | None = None  # position in the flat parameter vector (--func)
    exact: float | None = None
    formula: str | None = None
    expected: str | None = None
    passed_numeric: bool | None = None  # --grad: agrees with the finite difference
    passed_exact: bool | None = None  # --grad: agrees with sympy's value
    formula_matches: bool | None = None  # --grad: the formula is the true derivative
    diagnosis: str | None = None
    step: float | None = None
    noise_floor: float | None = None  # fast mode: the estimated error of `numeric`
    # --func: the smallest relative error this check could have detected (see
    # ops.gradcheck.RESOLUTION_FLOOR); `weak`: passed, but with a resolution worse than
    # the threshold, so the pass says little
    resolution: float | None = None
    weak: bool | None = None

    @property
    def ratio(self) -> float:
        """abs_error / tolerance: above 1 fails."""
        if self.tolerance > 0:
            return self.abs_error / self.tolerance
        return 0.0 if self.abs_error == 0 else float("inf")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "analytic": json_number(self.analytic),
            "numeric": json_number(self.numeric),
            "abs_error": json_number(self.abs_error),
            "rel_error": json_number(self.rel_error),
            "passed": self.passed,
            "tolerance": json_number(self.tolerance),
        }
        extras: dict[str, Any] = {
            "index": self.index,
            "exact": json_number(self.exact),
            "formula": self.formula,
            "expected": self.expected,
            "passed_numeric": self.passed_numeric,
            "passed_exact": self.passed_exact,
            "formula_matches": self.formula_matches,
            "diagnosis": self.diagnosis,
            "step": json_number(self.step),
            "noise_floor": json_number(self.noise_floor),
            "resolution": json_number(self.resolution),
            "weak": self.weak,
        }
        out.update({k: v for k, v in extras.items() if v is not None})
        return out


@dataclass(frozen=True)
class GradcheckResult(Result):
    """A gradient check: per component (full) or per random direction (fast).

    `mode`: "expression" (sympy's gradient against finite differences),
    "gradient" (a hand-written --grad against finite differences and sympy),
    "function" (--func/--grad Python code). `components` are all of them when
    `shown` is "all"; for many parameters the worst ones (`shown` "worst",
    sorted by abs_error / tolerance), with `failed` counting every failure and
    `failing` listing the first MAX_FAILING failing indices.
    """

    command: ClassVar[str] = "gradcheck"
    mode: str = "expression"
    fast: bool = False
    passed: bool = True
    components: tuple[Component, ...] = ()
    max_abs_error: float = 0.0
    max_rel_error: float = 0.0
    method: str = "central"
    eps: float | None = None
    rtol: float = 0.0
    atol: float = 0.0
    kappa: float = 10.0
    variables: tuple[sp.Symbol, ...] = ()
    order: str = "sorted"  # where the component order comes from: "sorted" or "--vars"
    point: dict[sp.Symbol, sp.Expr] | None = None
    n: int = 0
    checked: int = 0
    failed: int = 0
    failing: tuple[int, ...] = ()
    shown: str = "all"
    sampled: bool = False  # --points K without --fast: K random components
    evaluations: int = 0  # of f
    gradient_evaluations: int = 0
    func: str | None = None
    grad: str | None = None
    point_source: str | None = None  # how the --func point was given
    shape: tuple[int, ...] = ()
    seed: int | None = None
    noise_level: float | None = None
    # --fast: the smallest error of one component, in units of RMS(g), that would
    # exceed the typical tolerance along a direction with |u_i| = 1/sqrt(n)
    resolution: float | None = None
    seconds: float | None = None
    # components the default step was too coarse for, checked again with smaller steps
    refined: tuple[str, ...] = ()
    # --func: no component failed, but the resolution is worse than the threshold
    inconclusive: bool = False
    resolution_threshold: float | None = None
    weak: int = 0  # components (directions) that passed with a weak resolution
    precision: str | None = None  # f returns a low-precision float: "float32"
    notes: tuple[str, ...] = ()
    vjp: bool = False  # --vjp: a vector-Jacobian product checked as the gradient of u·f

    MAX_FAILING: ClassVar[int] = 1000

    @property
    def exit_status(self) -> int:
        return int(ExitStatus.OK if self.passed else ExitStatus.CHECK_FAILED)

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        if self.mode == "function":
            out["expression"] = None
        out["passed"] = self.passed
        out["max_abs_error"] = json_number(self.max_abs_error)
        out["max_rel_error"] = json_number(self.max_rel_error)
        out["components"] = [c.to_dict() for c in self.components]
        out["mode"] = self.mode
        out["fast"] = self.fast
        out["method"] = self.method
        out["eps"] = self.eps
        out["rtol"] = self.rtol
        out["atol"] = self.atol
        out["kappa"] = self.kappa
        if self.mode != "function":
            out["variables"] = [str(v) for v in self.variables]
            out["order"] = self.order
            out["at"] = point_dict(self.point or {})
        else:
            out["func"] = self.func
            out["grad"] = self.grad
            out["point"] = self.point_source
            out["shape"] = list(self.shape)
        out["n"] = self.n
        out["checked"] = self.checked
        out["failed"] = self.failed
        out["failing"] = list(self.failing)
        out["shown"] = self.shown
        out["sampled"] = self.sampled
        out["evaluations"] = self.evaluations
        out["gradient_evaluations"] = self.gradient_evaluations
        if self.seed is not None:
            out["seed"] = self.seed
        if self.noise_level is not None:
            out["noise_level"] = json_number(self.noise_level)
        if self.resolution is not None:
            out["resolution"] = json_number(self.resolution)
        if self.resolution_threshold is not None:
            out["resolution_threshold"] = json_number(self.resolution_threshold)
            out["inconclusive"] = self.inconclusive
            out["weak"] = self.weak
            out["precision"] = self.precision or "float64"
            out["notes"] = list(self.notes)
        if self.vjp:
            out["vjp"] = True
        return out


    def sympy_gradient(self) -> tuple[sp.Expr, ...]:
        """sympy's gradient of the expression, in the order of `variables` (not for a
        Python function)."""
        return tuple(sp.diff(self.expression, v) for v in self.variables)

    @property
    def outcome(self) -> str:
        """PASS; FAIL; INCONCLUSIVE when only components that cannot be checked failed."""
        if self.passed:
            return "PASS"
        if self.inconclusive:
            return "INCONCLUSIVE"
        wrong = [c for c in self.components
                 if not c.passed and not isinstance(c, KinkComponent)]
        return "FAIL" if wrong or self.mode == "function" else "INCONCLUSIVE"

    def display(self) -> Display:
        function = self.mode == "function"
        if function:
            title = f"Gradient check of {text(self.func or 'the function')}"
        else:
            whose = "your gradient" if self.mode == "gradient" else "the gradient"
            title = f"Gradient check: {whose} of {inline(self.expression)}"
        outcome = self.outcome
        what = "directions" if self.fast else "components"
        verdict = (f"{self.checked - self.failed} of {self.checked} {what} pass"
                   if self.checked else "nothing checked")
        answer = latex_text(f"gradient check: {outcome}") + " \\quad " + \
            latex_text(f"({verdict}; max rel. error {number(self.max_rel_error, 2)})")
        fields: list[tuple[str, str]] = []
        if function:
            fields.append(("function", text(self.func or "")))
            if self.grad:
                fields.append(("gradient", text(self.grad)))
            if self.point_source:
                fields.append(("point", text(f"{self.point_source}; {self.n:,} parameters")))
        else:
            if self.point:
                fields.append(("at", inline(point_math(self.point))))
            if self.mode == "expression" and self.expression is not None:
                truth = sp.Matrix(self.sympy_gradient())
                fields.append(("∇f (sympy)", inline(tex(truth.T))))
        fields.append(("result", f"**{outcome}**: {text(verdict)}"))
        fields.append(("max abs. error", number(self.max_abs_error, 2)))
        fields.append(("max rel. error", number(self.max_rel_error, 2)))
        fields.append(("finite differences", text(
            f"{self.method}" + (f", step {self.eps:g}" if self.eps is not None else "")
            + (f", {self.evaluations:,} evaluations of f" if self.evaluations else ""))))
        hand = self.mode == "gradient"
        columns = ["", "yours" if hand else "analytic"] + (["sympy"] if hand else []) + \
            ["numeric", "abs. error", "rel. error", "check"]
        rows = []
        for c in self.components:
            check = ("JUMP" if c.kind == "jump" else "KINK") if isinstance(c, KinkComponent) \
                else "PASS" if c.passed else "FAIL"
            rows.append([text(c.name), number(c.analytic)]
                        + ([number(c.exact)] if hand else [])
                        + [number(c.numeric), number(c.abs_error, 2), number(c.rel_error, 2),
                           check])
        title_rows = "random directions" if self.fast else (
            "the worst components" if self.shown == "worst" else "components")
        tables = (table(columns, rows, title=title_rows),) if rows else ()
        notes = [f"{c.name}: {c.diagnosis}" for c in self.components if c.diagnosis]
        notes.extend(self.refined)
        notes.extend(self.notes)
        if self.failed > len([c for c in self.components if not c.passed]):
            notes.append(f"{self.failed:,} components fail in all; to_dict()['failing'] lists "
                         "their indices")
        return Display(title, answer, tuple(fields), tables, tuple(notes))


@dataclass(frozen=True)
class KinkComponent(Component):
    """A component whose finite difference straddles a kink or jump of f: it cannot be
    checked at this point. `passed` is False; `kind` is "kink", "jump" or "vertical
    tangent", `where` names the function and where it switches (for people)."""

    kind: str = "kink"
    where: str = ""
