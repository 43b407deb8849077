"""The `eval` operation: values at one point, at many (vectorised), on a grid, from CSV."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded
from calctool.core.engines.domain import mark_outside, require_inside
from calctool.core.engines.values import Value
from calctool.core.engines.values import evaluate as value_at
from calctool.core.errors import KEYWORDS, DomainError, Spelling, UsageError
from calctool.core.expr.parse import (
    Condition,
    ParsedInput,
    free_variables,
    input_variables,
    parse_input,
    symbol,
)
from calctool.core.expr.points import (
    Grid,
    Point,
    PointLike,
    RangeLike,
    expression_text,
    resolve_point,
    show_coordinate,
    show_point,
    to_grids,
    whole_number,
)
from calctool.core.results.base import noting
from calctool.core.results.eval import (
    UNCHECKED,
    EvalPoint,
    EvalResult,
    PointTable,
    plural,
)

if TYPE_CHECKING:
    from calctool.core.engines.plotdata import PlotData

MAX_DIGITS = 10_000
MAX_POINTS = 10_000_000
# Points listed one by one (JSON, a table, CSV on stdout): writing 10^6 takes
# seconds and hundreds of MB, past any --timeout. --summary and --output take
# up to MAX_POINTS.
MAX_LISTED_POINTS = 100_000
MAX_PRECISE_POINTS = 10_000
# Points where float64 gives no finite value are evaluated again one by one,
# exactly (the single-point path), because the true value is often finite: an
# intermediate overflowed or underflowed (log(sigmoid(-2000)) is log(0.0) in
# floats, -2000 in fact). At most this many points, within half of what
# --timeout has left (RECHECK_SECONDS without a time limit), and at most
# PER_POINT_SECONDS each; the others keep the float result, marked UNCHECKED.
# Exactly means sympy: 0.5 to 10 ms a point. (Evaluating the unevaluated tree
# numerically is faster but wrong at removable singularities: log(x - 1) at 1.)
MAX_RECHECKED = 2000
RECHECK_SECONDS = 5.0
PER_POINT_SECONDS = 1.0


@noting
def evaluate(f: str | sp.Expr, *, at: PointLike | Iterable[PointLike] | None = None,
             ranges: str | Mapping[Any, Any] | Sequence[str] | None = None,
             csv_text: str | None = None, digits: int = 15, summary: bool = False,
             output: str | None = None, timeout: float | None = DEFAULT_TIMEOUT,
             spelling: Spelling = KEYWORDS, plot: bool = False,
             plot_range: RangeLike | None = None,
             ylim: RangeLike | None = None) -> EvalResult:
    """The value of `f` (text or a sympy expression) at one point, at several, on a grid
    or at CSV points.

    `at`: one point ("x=1,y=2", {"x": 1, "y": 2}, or a bare number for one
    variable), or a list of points; with `ranges` or `csv_text`, one point
    fixing the other variables. `ranges`: {"x": (a, b, n)}, "x=a:b:n" or a
    list of such strings (a grid over several variables). Many points give a
    PointTable; with `summary` only its statistics are reported, and with
    `output` the table is written to a .csv or .npy file. `plot`: f over
    `plot_range` ("a:b"; by default around the point, or the grid's span) with
    the points marked (at most MAX_MARKED), `ylim` its y-window; f must have
    one variable. The work stops
    after `timeout` seconds (None: no limit). Messages name the parameters as
    `spelling` does (the CLI passes its flags).
    """
    say = spelling
    text = expression_text(f)
    digits = whole_number(digits, what=say.name("digits"))
    if not 1 <= digits <= MAX_DIGITS:
        raise UsageError(f"{say.name('digits')} must be between 1 and {MAX_DIGITS}, not {digits}",
                         code="bad_value")
    with bounded(timeout, spelling=say):
        parsed = parse_input(text)
        result = _evaluate(text, parsed, at=_point_list(at), ranges=ranges, csv_text=csv_text,
                           digits=digits, summary=summary, output=output, say=say)
        if plot:
            result = replace(result, plot=_plot(result, parsed, plot_range, ylim, say))
        return result


MAX_MARKED = 25  # points of a table marked on its plot; more are only the curve


def _plot(r: EvalResult, parsed: ParsedInput, plot_range: RangeLike | None,
          ylim: RangeLike | None, say: Spelling) -> PlotData:
    """f over the range, the evaluated points on it (filled: f has that value there)."""
    from calctool.core.engines.plotdata import (
        parse_plot_range,
        parse_ylim,
        sample,
        written_domain,
    )

    names = {str(v) for v in free_variables(parsed.expr)} | set(parsed.names)
    if len(names) != 1:
        listing = ", ".join(sorted(names)) or "no variable"
        raise UsageError(f"{say.name('plot')} draws a function of one variable; this one has "
                         f"{listing}", code="bad_option")
    var = symbol(names.pop())
    marks: list[tuple[str, float, float]] = []
    center, span = None, None
    if r.point is not None:
        x0 = float(sp.N(r.point.point[var], 17))
        y0 = r.point.value.number
        center = x0
        if y0 is not None and math.isfinite(y0):
            marks.append((f"({x0:g}, {y0:g})", x0, y0))
    elif r.table is not None:
        import numpy as np

        xs = np.asarray(r.table.columns[r.table.names.index(str(var))], dtype=float)
        ys = np.asarray(r.table.values, dtype=float)
        if len(xs):
            span = (float(np.min(xs)), float(np.max(xs)))
        if len(xs) <= MAX_MARKED:
            marks = [("the points evaluated", float(x), float(y))
                     for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]
    if plot_range is None and span is not None and span[1] > span[0]:
        pad = 0.05 * (span[1] - span[0])
        lo, hi = span[0] - pad, span[1] + pad
    else:
        lo, hi = parse_plot_range(plot_range, center, 5.0, spelling=say)
    marks = [m for m in marks if lo <= m[1] <= hi]
    return sample([(f"f({var})", parsed.expr, written_domain(parsed.conditions))], var, lo, hi,
                  title="{f}", points=marks, subject=parsed.expr,
                  ylim=parse_ylim(ylim, spelling=say), spelling=say)


def _point_list(at: object) -> list[object]:
    """One point or several: a list (or tuple) of points is several."""
    if at is None:
        return []
    if isinstance(at, (str, Mapping, sp.Basic)) or not isinstance(at, Iterable):
        return [at]
    return list(at)


def _evaluate(text: str, parsed: ParsedInput, *, at: Sequence[object], ranges: object,
              csv_text: str | None, digits: int, summary: bool, output: str | None,
              say: Spelling) -> EvalResult:
    expr = parsed.expr
    variables = input_variables(parsed)
    if ranges or csv_text is not None:
        table = _many(expr, variables, at, ranges, csv_text, digits,
                      listed=not summary and output is None, say=say)
    else:
        table = None
    if table is None:
        if not at and variables:
            names = ",".join(f"{v}=..." for v in variables)
            raise UsageError(f"give a point: {say.given('at', names)}", code="missing_variable")
        points: list[Point] = [{} if a == "" else resolve_point(a, variables, param="at",
                                                                spelling=say)
                               for a in at] or [{}]
        if len(points) == 1:
            require_inside(parsed.conditions, points[0],
                           show_point(points[0]))
            return EvalResult(text, expr, tuple(variables), point=_single(expr, points[0], digits),
                              digits=digits)
        table = _listed(expr, variables, points, digits)
    if parsed.conditions:
        table = _outside_domain(table, parsed.conditions)
    if output is not None:
        _write(table, output)
    table = replace(table, notes=_notes(table, output, say))
    return EvalResult(text, expr, tuple(variables), table=table, digits=digits,
                      summary_only=summary, output=output)


def _outside_domain(table: PointTable, conditions: Sequence[Condition]) -> PointTable:
    """Rows outside the domain the input was written with (sqrt(x)^2 at x < 0) are
    undefined, whatever the simplified formula gives there."""
    import numpy as np

    order = [symbol(n) for n in table.names]
    outside = mark_outside(conditions, order, [np.asarray(c, dtype=float)
                                               for c in table.columns])
    if not outside:
        return table
    values = np.array(table.values, dtype=float)
    values[list(outside)] = np.nan
    problems = {**table.problems, **outside}
    large = {i: t for i, t in table.large.items() if i not in outside}
    return replace(table, values=values, problems=problems, large=large)


def _notes(table: PointTable, output: str | None, say: Spelling) -> tuple[str, ...]:
    notes = []
    if table.unchecked:
        notes.append(f"{plural(table.unchecked, 'point')} of {len(table)} gave inf or nan in "
                     f"float64 and {'was' if table.unchecked == 1 else 'were'} not evaluated "
                     f"again exactly (at most {MAX_RECHECKED} points are, in half the "
                     f"{say.name('timeout')}): counted as undefined, though the true value "
                     f"may be finite; evaluate a point exactly with {say.name('at')}")
    if table.large:
        n = len(table.large)
        where = f" ({output} has inf there)" if output else ""
        notes.append(f"{plural(n, 'value')} {'is' if n == 1 else 'are'} finite but too large "
                     f"for a float64: given as decimal text{where}")
    return tuple(notes)


def _single(expr: sp.Expr, point: dict[sp.Symbol, sp.Expr], digits: int) -> EvalPoint:
    only = EvalPoint(point, value_at(expr, point, digits, tidy=True))
    if not only.value.ok:
        where = show_point(point)
        where = f" at {where}" if where else ""
        raise DomainError(f"{sp.sstr(expr)} has no real value{where}: {only.value.problem}",
                          code="undefined")
    return only


def _listed(expr: sp.Expr, variables: list[sp.Symbol], points: list[dict[sp.Symbol, sp.Expr]],
            digits: int) -> PointTable:
    """A few points given one by one (--at repeated): each evaluated exactly."""
    values = [value_at(expr, p, digits) for p in points]
    columns = tuple([float(sp.N(p[v], 17)) for p in points] for v in variables)
    return PointTable(
        names=tuple(str(v) for v in variables), columns=columns,
        values=[v.number if v.number is not None else math.nan for v in values],
        problems={i: v.problem for i, v in enumerate(values) if v.problem},
        texts=tuple(v.text for v in values), large=_large(values))


def _large(values: Sequence[Value]) -> dict[int, str]:
    """Rows whose value is finite but too large for a float (exp(800)): row -> decimal text."""
    return {i: v.text for i, v in enumerate(values)
            if v.ok and v.number is not None and math.isinf(v.number)}


def _write(table: PointTable, path: str) -> None:
    import numpy as np

    data = np.column_stack([*(np.asarray(c, dtype=float) for c in table.columns),
                            np.asarray(table.values, dtype=float)])
    try:
        if path.endswith(".npy"):
            np.save(path, data)
        else:
            header = ",".join([*table.names, "value"])
            np.savetxt(path, data, delimiter=",", header=header, comments="", fmt="%.17g")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}", code="bad_file") from None


def _many(expr: sp.Expr, variables: list[sp.Symbol], at: Sequence[object],
          ranges: object, csv_text: str | None, digits: int, *, listed: bool,
          say: Spelling) -> PointTable:
    """Points on a grid or from CSV, evaluated together with numpy."""
    import numpy as np

    if len(at) > 1:
        raise UsageError(f"with {say.name('ranges')} or {say.name('csv_text')}, "
                         f"{say.name('at')} may fix the other variables once", code="bad_value")
    fixed = (resolve_point(at[0], variables, param="at", spelling=say, require_all=False)
             if at else {})
    by_name = {v.name: v for v in variables}
    columns: dict[sp.Symbol, Any] = {}
    if csv_text is not None:
        columns.update(_read_csv(csv_text, by_name))
    if ranges:
        grids = to_grids(ranges, param="ranges", spelling=say)
        columns.update(_grid_columns(grids, variables, say))
    if csv_text is not None and ranges:
        raise UsageError(f"use either {say.name('ranges')} or {say.name('csv_text')}, not both",
                         code="bad_value")
    for v in fixed:
        if v in columns:
            raise UsageError(f"{v} is given both by {say.name('at')} and by the grid",
                             code="bad_value")
    n = len(next(iter(columns.values())))
    if listed and n > MAX_LISTED_POINTS:
        raise UsageError(f"{n} points are more than the {MAX_LISTED_POINTS} that are listed one "
                         "by one", code="too_many_points",
                         hint=f"add {say.name('summary')} (count, min, max, mean) or write "
                              f"them all with {say.usage('output', 'FILE.csv')} or "
                              f"{say.usage('output', 'FILE.npy')}")
    for v, value in fixed.items():
        columns[v] = np.full(n, float(sp.N(value, 17)))
    missing = [v.name for v in variables if v not in columns]
    if missing:
        raise UsageError(f"no values for {', '.join(missing)}: add them to the grid or fix them "
                         f"with {say.given('at', ','.join(m + '=...' for m in missing))}",
                         code="missing_variable")
    order = list(variables)
    names = tuple(str(v) for v in order)
    if digits > 15:
        # Beyond float64: each point in arbitrary precision, one by one.
        if n > MAX_PRECISE_POINTS:
            raise UsageError(f"{say.name('digits')} above 15 evaluates point by point: at most "
                             f"{MAX_PRECISE_POINTS} points", code="bad_value")
        precise = [value_at(expr, {v: sp.Float(columns[v][i], digits + 5) for v in order},
                            digits) for i in range(n)]
        return PointTable(names, tuple(columns[v] for v in order),
                          np.array([v.number if v.number is not None else np.nan
                                    for v in precise]),
                          {i: v.problem for i, v in enumerate(precise) if v.problem},
                          tuple(v.text for v in precise), large=_large(precise))
    from calctool.core.engines.numeric import evaluate_many

    values = evaluate_many(expr, order, [columns[v] for v in order])
    bad = np.flatnonzero(~np.isfinite(values))
    if not bad.size:
        return PointTable(names, tuple(columns[v] for v in order), values)
    problems, large = _recheck(expr, order, columns, values, bad)
    return PointTable(names, tuple(columns[v] for v in order), values, problems, large=large)


def _recheck(expr: sp.Expr, order: list[sp.Symbol], columns: dict[sp.Symbol, Any],
             values: Any, bad: Any) -> tuple[dict[int, str], dict[int, str]]:
    """Evaluate again exactly the points where float64 gave inf or nan; `values` is updated.

    Returns why each undefined point has no value (points not rechecked, for
    the limits above, keep the float result and the word UNCHECKED) and the
    decimal text of values too large for a float (exp(800)).
    """
    import time

    from calctool.core.budget import time_limit
    from calctool.core.errors import ComputationTimeout

    problems: dict[int, str] = {}
    large: dict[int, str] = {}
    deadline = time.monotonic() + _recheck_seconds()
    for count, i in enumerate(int(i) for i in bad):
        left = deadline - time.monotonic()
        if count >= MAX_RECHECKED or left <= 0:
            problems.update((int(j), UNCHECKED) for j in bad[count:])
            break
        point = {v: _exact(float(columns[v][i])) for v in order}
        try:
            with time_limit(min(PER_POINT_SECONDS, left), "re-evaluating a point"):
                value = value_at(expr, point)
        except ComputationTimeout:
            problems[i] = UNCHECKED
            continue
        if value.problem is not None:
            problems[i] = value.problem
            if value.number is not None:  # oo or -oo
                values[i] = value.number
            elif not (math.isinf(values[i]) and value.problem.startswith("infinite")):
                values[i] = math.nan  # not real, indeterminate: no signed infinity
            continue
        assert value.number is not None
        values[i] = value.number
        if math.isinf(value.number):
            large[i] = value.text
    return problems, large


def _recheck_seconds() -> float:
    """Half the time --timeout has left; RECHECK_SECONDS when there is no time limit.

    `evaluate` runs under budget.time_limit (its `timeout`), whose timer this
    reads: rechecking must end in time for the answer to be given.
    """
    import signal

    left, _ = signal.getitimer(signal.ITIMER_REAL)
    return left / 2 if left > 0 else RECHECK_SECONDS


def _exact(x: float) -> sp.Expr:
    """A float coordinate as an exact number: its shortest decimal (0.1 -> 1/10)."""
    if math.isnan(x):
        return sp.nan
    if math.isinf(x):
        return sp.oo if x > 0 else sp.S.NegativeInfinity
    return sp.Rational(repr(x))


def _grid_columns(grids: Sequence[Grid], variables: Sequence[sp.Symbol],
                  say: Spelling) -> dict[sp.Symbol, Any]:
    import numpy as np

    by_name = {v.name: v for v in variables}
    axes: list[tuple[sp.Symbol, Any]] = []
    for g in grids:
        if g.variable is None:
            if len(variables) != 1:
                raise UsageError(f"{say.name('ranges')} needs a variable name when the "
                                 "expression has several variables: "
                                 f"{say.given('ranges', 'x=0:1:11')}", code="missing_variable")
            var = variables[0]
        elif g.variable in by_name:
            var = by_name[g.variable]
        else:
            raise UsageError(f"{say.name('ranges')}: {g.variable} is not a variable of the "
                             "expression", code="unknown_variable")
        if any(var == seen for seen, _ in axes):
            raise UsageError(f"{say.name('ranges')} gives {var} twice: one range per variable "
                             "(repeat it for other variables: a grid over several)",
                             code="bad_value")
        start, stop = float(sp.N(g.start, 17)), float(sp.N(g.stop, 17))
        if not (math.isfinite(start) and math.isfinite(stop)):
            given = say.given("ranges", f"{var}={show_coordinate(g.start)}:"
                                        f"{show_coordinate(g.stop)}")
            raise UsageError(f"{given}: the ends must be finite numbers within float64 (about "
                             "±1.8e308), the range in which points are evaluated",
                             code="bad_value")
        axes.append((var, np.linspace(start, stop, g.count)))
    total = 1
    for _, axis in axes:
        total *= len(axis)
    if total > MAX_POINTS:
        raise UsageError(f"the grid has {total} points (limit {MAX_POINTS})", code="bad_value")
    if len(axes) == 1:
        return {axes[0][0]: axes[0][1]}
    mesh = np.meshgrid(*[a for _, a in axes], indexing="ij")
    return {var: m.ravel() for (var, _), m in zip(axes, mesh)}


def _read_csv(text: str, by_name: dict[str, sp.Symbol]) -> dict[sp.Symbol, Any]:
    import numpy as np

    rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
    if not rows:
        raise UsageError("the CSV input is empty", code="bad_value")
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    if not all(h in by_name for h in header):
        if len(by_name) == 1 and all(_is_number(c) for c in rows[0]):
            header, body = [next(iter(by_name))], rows  # no header: one column of values
        else:
            unknown = [h for h in header if h not in by_name]
            known = ", ".join(by_name) or "none"
            if all(_NAME_LIKE.fullmatch(h) for h in unknown):
                raise UsageError(f"CSV header names {', '.join(unknown)}, which are not "
                                 f"variables of the expression (its variables: {known})",
                                 code="unknown_variable")
            # Never echo a line that is not a header: it may be any file's first line.
            raise UsageError("the first row of the CSV input is not a header of variable names "
                             f"(the expression's variables: {known})", code="bad_value")
    if not body:
        raise UsageError("the CSV input has a header but no rows", code="bad_value")
    out: dict[sp.Symbol, Any] = {}
    for j, name in enumerate(header):
        col = []
        for lineno, row in enumerate(body, start=2):
            if j >= len(row) or not _is_number(row[j]):
                cell = row[j] if j < len(row) else ""
                shown = repr(cell) if len(cell) <= 24 else "the cell"
                raise UsageError(f"CSV row {lineno}, column {name}: {shown} is not a number",
                                 code="bad_value")
            col.append(float(row[j]))
        out[by_name[name]] = np.array(col)
    return out


_NAME_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,23}")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True

