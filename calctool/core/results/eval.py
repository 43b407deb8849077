"""Results of `eval`: one value, or a table of many points (numpy columns)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import sympy as sp

from calctool.core.engines.values import Value

if TYPE_CHECKING:
    from calctool.core.engines.plotdata import PlotData
from calctool.core.results.base import (
    MAX_ROWS_SHOWN,
    Display,
    Result,
    Table,
    coordinate,
    decimal_math,
    expr_number,
    expr_str,
    inline,
    json_number,
    json_value,
    number,
    point_math,
    table,
    tex,
    text,
    value_math,
)


@dataclass(frozen=True)
class EvalPoint:
    point: dict[sp.Symbol, sp.Expr | float]
    value: Value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            str(k): (expr_number(v) if isinstance(v, sp.Basic) else json_number(v))
            for k, v in self.point.items()
        }
        out["value"] = json_value(self.value)
        if self.value.problem:
            out["error"] = self.value.problem
        return out


# Why a point has no value when float64 gave inf or nan there and it was not
# evaluated again exactly (too many such points, or no time left): its true
# value may be finite (an intermediate overflowed), or it may be undefined.
UNCHECKED = "not finite in float64 (not rechecked)"


@dataclass(frozen=True)
class PointTable:
    """Many points and their values, column by column (numpy arrays, or lists for a few)."""

    names: tuple[str, ...]
    columns: tuple[Any, ...]
    values: Any  # floats; nan where undefined, ±inf for `large` values and signed infinities
    problems: dict[int, str] = field(default_factory=dict)  # row -> why it has no value
    texts: tuple[str, ...] | None = None  # values to more than float precision (--digits)
    # row -> decimal text of a finite value too large for a float (exp(800))
    large: dict[int, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what the reader must know about these values

    def __len__(self) -> int:
        return len(self.values)

    @property
    def unchecked(self) -> int:
        """How many problems are UNCHECKED (float64 gave inf or nan, no exact recheck)."""
        return sum(1 for p in self.problems.values() if p == UNCHECKED)

    def row(self, i: int) -> dict[str, Any]:
        out: dict[str, Any] = {n: json_number(float(c[i]))
                               for n, c in zip(self.names, self.columns)}
        problem = self.problems.get(i)
        value = float(self.values[i])
        # An undefined point has no value (null), except a signed infinity (log at 0: -inf).
        # A finite value too large for a float is its decimal text, as for one point.
        if i in self.large:
            out["value"] = self.large[i]
        else:
            out["value"] = None if problem and not math.isinf(value) else json_number(value)
        if problem:
            out["error"] = problem
        elif self.texts is not None:
            out["value_text"] = self.texts[i]
        return out

    def summary(self) -> dict[str, Any]:
        """count; undefined: the points with no value (UNCHECKED ones included), of which
        `unchecked` may have a finite value; min, max, mean of all the other points."""
        import numpy as np

        values = np.asarray(self.values, dtype=float)
        good = values[np.isfinite(values)]
        if self.large:
            stats = _stats_with_large(good, list(self.large.values()))
        elif good.size:
            mean = float(good.mean())
            if not math.isfinite(mean):  # the sum overflowed: 1e308 + 1e308
                mean = float(np.sum(good / good.size))
            stats = {"min": float(good.min()), "max": float(good.max()),
                     "mean": json_number(mean)}
        else:
            stats = {"min": None, "max": None, "mean": None}
        return {"count": len(values), "undefined": len(self.problems),
                "unchecked": self.unchecked, **stats}


def _stats_with_large(good: Any, large: list[str]) -> dict[str, Any]:
    """min, max, mean when some values are too large for a float: those are decimal text."""
    import mpmath

    entries: list[tuple[Any, float | str]] = [(mpmath.mpf(t), t) for t in large]
    if good.size:
        entries += [(mpmath.mpf(float(v)), float(v)) for v in (good.min(), good.max())]
    with mpmath.workdps(20):
        total = mpmath.fsum(e for e, _ in entries[:len(large)]) + mpmath.mpf(float(good.sum()))
        mean = total / (len(large) + good.size)
    as_float = float(mean)
    return {"min": min(entries, key=lambda e: e[0])[1], "max": max(entries, key=lambda e: e[0])[1],
            "mean": as_float if math.isfinite(as_float) else mpmath.nstr(mean, 15)}


def plural(n: int, noun: str) -> str:
    """'1 point', '2 points'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass(frozen=True)
class EvalResult(Result):
    """One value (`single`), or a table of points."""

    command: ClassVar[str] = "eval"
    variables: tuple[sp.Symbol, ...] = ()
    point: EvalPoint | None = None
    table: PointTable | None = None
    digits: int = 15
    summary_only: bool = False
    output: str | None = None  # the file the points were written to
    plot: PlotData | None = None  # --plot: f over the range, the points marked

    @property
    def single(self) -> bool:
        return self.point is not None

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        out["variables"] = [str(v) for v in self.variables]
        if self.point is not None:
            p = self.point
            out["at"] = {k: v for k, v in p.to_dict().items() if k not in ("value", "error")}
            out["value"] = json_value(p.value)
            out["value_text"] = p.value.text
            if p.value.exact is not None:
                out["value_exact"] = expr_str(p.value.exact)
            out["digits"] = self.digits
            if self.plot is not None:
                out["plot"] = self.plot.to_dict()
            return out
        assert self.table is not None
        summary = self.table.summary()
        if not self.summary_only and self.output is None:
            out["points"] = [self.table.row(i) for i in range(len(self.table))]
        out["count"] = summary["count"]
        out["undefined"] = summary["undefined"]
        out["summary"] = summary
        out["notes"].extend(self.table.notes)
        if self.output is not None:
            out["output"] = self.output
        if self.plot is not None:
            out["plot"] = self.plot.to_dict()
        return out

    def display(self) -> Display:
        f = tex(self.expression)
        if self.point is not None:
            p = self.point
            value = value_math(p.value)
            title = f"Value of {inline(self.expression)}"
            if not p.point:  # a constant: its value is the whole answer
                answer = value if p.value.exact == self.expression else f"{f} = {value}"
                return Display(title, answer, (("value", inline(value)),))
            where = point_math({k: v if isinstance(v, sp.Basic) else sp.Float(v)
                                for k, v in p.point.items()})
            shown = (("at", inline(where)), ("value", inline(value)), ("digits", str(self.digits)))
            return Display(title, f"\\left. {f} \\right|_{{{where}}} = {value}", shown)
        assert self.table is not None
        t = self.table
        summary = t.summary()
        args = ", ".join(tex(sp.Symbol(n)) for n in t.names)
        answer = f"f({args}) = {f}" if args else f
        fields: list[tuple[str, str]] = []
        if self.output is not None:
            fields.append(("written to", text(self.output)))
        for key in ("count", "undefined", "min", "max", "mean"):
            v = summary[key]
            fields.append((key, "–" if v is None else
                           text(v) if isinstance(v, str) else
                           number(v, min(self.digits, 15)) if isinstance(v, float) else str(v)))
        tables: tuple[Table, ...] = ()
        if not self.summary_only and self.output is None:
            tables = (self._table(),)
        notes = []
        known = len(t.problems) - t.unchecked
        if known:
            notes.append(f"{known} of {plural(len(t), 'point')} have no real value")
        notes.extend(t.notes)
        return Display(f"Values of {inline(self.expression)}", answer, tuple(fields), tables,
                       tuple(notes))

    def _table(self) -> Table:
        t = self.table
        assert t is not None
        undefined = bool(t.problems)
        rows = []
        for i in range(min(len(t), MAX_ROWS_SHOWN)):
            cells = [coordinate(float(c[i])) for c in t.columns]
            problem = t.problems.get(i)
            if problem:
                cells += ["undefined", text(problem)]
            else:
                shown = t.large[i] if i in t.large else t.texts[i] if t.texts else \
                    number(float(t.values[i]), min(self.digits, 15))
                cells += [inline(decimal_math(shown))] + ([""] if undefined else [])
            rows.append(cells)
        return table([*t.names, "value"] + (["why"] if undefined else []), rows, total=len(t))
