"""How `hessian --hvp` reads: the extreme eigenvalues with their residual bounds, what they
say about the point, the cost."""

from __future__ import annotations

from calctool.core.results.base import number
from calctool.core.results.hessian_hvp import HVPResult
from calctool.render.report import Field, Report, TableView, err


def report(r: HVPResult) -> Report:
    rep = Report(title=f"Hessian of {r.func or r.grad} by Hessian-vector products")
    if r.func:
        rep.fields.append(Field("function", r.func))
    rep.fields.append(Field("gradient", r.grad))
    rep.fields.append(Field("point", f"{r.point_source}; {r.n:,} parameters"))
    if r.f_value is not None:
        rep.fields.append(Field("f there", number(r.f_value, 12)))
    rep.fields.append(Field("classification", r.classification))
    rep.fields.append(Field("Lanczos", f"{r.iterations} Hessian-vector products "
                                       f"(central differences of the gradient, step "
                                       f"{r.step:.2g}); {r.gradient_evaluations} gradient "
                                       "evaluations" + ("" if r.converged else
                                                        "; not converged")))
    rows = [["largest", str(i + 1), number(v, 12), err(e)]
            for i, (v, e) in enumerate(zip(r.largest, r.largest_residuals))]
    rows += [["smallest", str(i + 1), number(v, 12), err(e)]
             for i, (v, e) in enumerate(zip(r.smallest, r.smallest_residuals))]
    rep.tables.append(TableView(["end", "#", "eigenvalue (Ritz value)", "residual bound"], rows,
                                numeric_columns=frozenset({1, 2, 3})))
    rep.notes.append("each Ritz value is within its residual bound of an eigenvalue of the "
                     "(finite-difference) Hessian; the smallest Ritz value is an upper bound "
                     "of the smallest eigenvalue")
    rep.notes.extend(r.notes)
    rep.primary = (f"largest eigenvalue {number(r.largest[0], 12)}; {r.classification}"
                   if r.largest else r.classification)
    rep.latex.append(r"\lambda_{\max} \approx " + number(r.largest[0], 12)
                     + r", \quad \lambda_{\min} \le " + number(r.smallest[0], 12))
    return rep
