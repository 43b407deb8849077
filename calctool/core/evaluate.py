"""The `eval` operation: values at one point, at many (vectorised), on a grid, from CSV."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import Any

import sympy as sp

from calctool.core.errors import DomainError, UsageError
from calctool.core.parse import free_variables, parse
from calctool.core.points import Grid, parse_range, resolve_point
from calctool.core.results_eval import EvalPoint, EvalResult, PointTable
from calctool.core.values import evaluate

MAX_DIGITS = 10_000
MAX_POINTS = 10_000_000
MAX_PRECISE_POINTS = 10_000
# Undefined points of a vectorised evaluation are explained one by one
# symbolically, up to this many; the rest are marked "undefined".
MAX_EXPLAINED = 200


def compute_eval(text: str, *, at: Sequence[str] = (), ranges: Sequence[str] = (),
                 csv_text: str | None = None, digits: int = 15, summary: bool = False,
                 output: str | None = None) -> EvalResult:
    """Evaluate `text` at one point, at several (`at`), on a grid or at CSV points.

    Many points give a PointTable; with `summary` only its statistics are
    reported, and with `output` the table is written to a .csv or .npy file.
    """
    if not 1 <= digits <= MAX_DIGITS:
        raise UsageError(f"--digits must be between 1 and {MAX_DIGITS}", code="bad_value")
    if output is not None and not output.endswith((".csv", ".npy")):
        raise UsageError("--output takes a .csv or .npy file name", code="bad_value")
    expr = parse(text)
    variables = free_variables(expr)
    if ranges or csv_text is not None:
        table = _many(expr, variables, at, ranges, csv_text, digits)
    else:
        table = None
    if table is None:
        if not at:
            if variables:
                names = ",".join(f"{v}=..." for v in variables)
                raise UsageError(f"give a point: --at {names}", code="missing_variable")
            at = ("",)
        points = [resolve_point(a, variables) if a else {} for a in at]
        if len(points) == 1:
            return EvalResult(text, expr, tuple(variables), point=_single(expr, points[0], digits),
                              digits=digits)
        table = _listed(expr, variables, points, digits)
    if output is not None:
        _write(table, output)
    return EvalResult(text, expr, tuple(variables), table=table, digits=digits,
                      summary_only=summary, output=output)


def _single(expr: sp.Expr, point: dict[sp.Symbol, sp.Expr], digits: int) -> EvalPoint:
    only = EvalPoint(point, evaluate(expr, point, digits, tidy=True))
    if not only.value.ok:
        where = ", ".join(f"{k}={sp.sstr(v)}" for k, v in point.items())
        where = f" at {where}" if where else ""
        raise DomainError(f"{sp.sstr(expr)} has no real value{where}: {only.value.problem}",
                          code="undefined")
    return only


def _listed(expr: sp.Expr, variables: list[sp.Symbol], points: list[dict[sp.Symbol, sp.Expr]],
            digits: int) -> PointTable:
    """A few points given one by one (--at repeated): each evaluated exactly."""
    values = [evaluate(expr, p, digits) for p in points]
    columns = tuple([float(sp.N(p[v], 17)) for p in points] for v in variables)
    return PointTable(
        names=tuple(str(v) for v in variables), columns=columns,
        values=[v.number if v.number is not None else math.nan for v in values],
        problems={i: v.problem for i, v in enumerate(values) if v.problem},
        texts=tuple(v.text for v in values))


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


def _many(expr: sp.Expr, variables: list[sp.Symbol], at: Sequence[str],
          ranges: Sequence[str], csv_text: str | None, digits: int) -> PointTable:
    """Points on a grid or from CSV, evaluated together with numpy."""
    import numpy as np

    if len(at) > 1:
        raise UsageError("with --range or --csv, --at may fix the other variables once",
                         code="bad_value")
    fixed = resolve_point(at[0], variables, require_all=False) if at else {}
    by_name = {v.name: v for v in variables}  # type: ignore[attr-defined]
    columns: dict[sp.Symbol, Any] = {}
    if csv_text is not None:
        columns.update(_read_csv(csv_text, by_name))
    if ranges:
        grids = [parse_range(r, option="--range") for r in ranges]
        columns.update(_grid_columns(grids, variables))
    if csv_text is not None and ranges:
        raise UsageError("use either --range or --csv, not both", code="bad_value")
    for v in fixed:
        if v in columns:
            raise UsageError(f"{v} is given both by --at and by the grid", code="bad_value")
    n = len(next(iter(columns.values())))
    for v, value in fixed.items():
        columns[v] = np.full(n, float(sp.N(value, 17)))
    missing = [v.name for v in variables if v not in columns]  # type: ignore[attr-defined]
    if missing:
        raise UsageError(f"no values for {', '.join(missing)}: add them to the grid or fix them "
                         f"with --at {','.join(m + '=...' for m in missing)}",
                         code="missing_variable")
    order = list(variables)
    names = tuple(str(v) for v in order)
    if digits > 15:
        # Beyond float64: each point in arbitrary precision, one by one.
        if n > MAX_PRECISE_POINTS:
            raise UsageError(f"--digits above 15 evaluates point by point: at most "
                             f"{MAX_PRECISE_POINTS} points", code="bad_value")
        precise = [evaluate(expr, {v: sp.Float(columns[v][i], digits + 5) for v in order},
                            digits) for i in range(n)]
        return PointTable(names, tuple(columns[v] for v in order),
                          np.array([v.number if v.number is not None else np.nan
                                    for v in precise]),
                          {i: v.problem for i, v in enumerate(precise) if v.problem},
                          tuple(v.text for v in precise))
    from calctool.core.numeric import evaluate_many

    values = evaluate_many(expr, order, [columns[v] for v in order])
    finite = np.isfinite(values)
    problems: dict[int, str] = {}
    for count, i in enumerate(np.flatnonzero(~finite)):
        if count >= MAX_EXPLAINED:
            problems[int(i)] = "undefined"
            continue
        exact_point = {v: sp.nsimplify(float(columns[v][i]), rational=True) for v in order}
        problems[int(i)] = evaluate(expr, exact_point).problem or "overflow"
    return PointTable(names, tuple(columns[v] for v in order), values, problems)


def _grid_columns(grids: Sequence[Grid], variables: Sequence[sp.Symbol]) -> dict[sp.Symbol, Any]:
    import numpy as np

    by_name = {v.name: v for v in variables}  # type: ignore[attr-defined]
    axes: list[tuple[sp.Symbol, Any]] = []
    for g in grids:
        if g.variable is None:
            if len(variables) != 1:
                raise UsageError("--range needs a variable name when the expression has "
                                 "several variables: --range x=0:1:11", code="missing_variable")
            var = variables[0]
        elif g.variable in by_name:
            var = by_name[g.variable]
        else:
            raise UsageError(f"--range: {g.variable} is not a variable of the expression",
                             code="unknown_variable")
        axes.append((var, np.linspace(float(sp.N(g.start, 17)), float(sp.N(g.stop, 17)), g.count)))
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
            raise UsageError(f"CSV header names {', '.join(unknown)}, which are not variables "
                             f"of the expression (its variables: {', '.join(by_name) or 'none'})",
                             code="unknown_variable")
    if not body:
        raise UsageError("the CSV input has a header but no rows", code="bad_value")
    out: dict[sp.Symbol, Any] = {}
    for j, name in enumerate(header):
        col = []
        for lineno, row in enumerate(body, start=2):
            if j >= len(row) or not _is_number(row[j]):
                cell = row[j] if j < len(row) else ""
                raise UsageError(f"CSV row {lineno}: {cell!r} is not a number", code="bad_value")
            col.append(float(row[j]))
        out[by_name[name]] = np.array(col)
    return out


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True

