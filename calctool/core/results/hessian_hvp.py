"""The result of `hessian --func ... --grad ... --hvp`: extreme eigenvalues of a large
Hessian from Hessian-vector products (no matrix)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from calctool.core.results.base import Display, Result, json_number, number, text


@dataclass(frozen=True)
class HVPResult(Result):
    """Lanczos on finite-difference Hessian-vector products at a point of n parameters.

    `largest` (descending) and `smallest` (ascending) Ritz values with their
    residual bounds; `classification` from the smallest: "not a minimum" when
    it proves a negative eigenvalue, else "no negative curvature found" (Ritz
    values are upper bounds of the smallest eigenvalue: never a proof of a
    minimum unless it converged).
    """

    command: ClassVar[str] = "hessian"
    func: str = ""
    grad: str = ""
    point_source: str = ""
    n: int = 0
    largest: tuple[float, ...] = ()
    largest_residuals: tuple[float, ...] = ()
    smallest: tuple[float, ...] = ()
    smallest_residuals: tuple[float, ...] = ()
    iterations: int = 0
    gradient_evaluations: int = 0
    converged: bool = False
    step: float = 0.0
    gradient_norm: float = 0.0
    f_value: float | None = None
    classification: str = ""
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        out["expression"] = None
        out["notes"] = list(self.notes)
        out["mode"] = "hvp"
        out["func"] = self.func
        out["grad"] = self.grad
        out["point"] = self.point_source
        out["n"] = self.n
        out["largest_eigenvalues"] = [json_number(v) for v in self.largest]
        out["largest_residuals"] = [json_number(v) for v in self.largest_residuals]
        out["smallest_eigenvalues"] = [json_number(v) for v in self.smallest]
        out["smallest_residuals"] = [json_number(v) for v in self.smallest_residuals]
        out["iterations"] = self.iterations
        out["gradient_evaluations"] = self.gradient_evaluations
        out["converged"] = self.converged
        out["step"] = json_number(self.step)
        out["gradient_norm"] = json_number(self.gradient_norm)
        out["value"] = json_number(self.f_value)
        out["classification"] = self.classification
        return out

    def display(self) -> Display:
        top = ", ".join(number(v, 10) for v in self.largest)
        low = ", ".join(number(v, 10) for v in self.smallest)
        fields = (("point", text(f"{self.point_source}; {self.n:,} parameters")),
                  ("largest eigenvalues", top), ("smallest Ritz values", low),
                  ("classification", text(self.classification)),
                  ("Lanczos", f"{self.iterations} products, {self.gradient_evaluations} "
                              "gradient evaluations"))
        return Display(f"Hessian of {text(self.func)} by Hessian-vector products",
                       f"\\lambda_{{max}} \\approx {number(self.largest[0], 10)}"
                       if self.largest else "", fields, notes=self.notes)
