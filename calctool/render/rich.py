"""Rich output for a terminal: tables, colour (unless NO_COLOR), 2-D unicode math."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from calctool.render.math import matrix_block, pretty
from calctool.render.report import (
    Alert,
    Field,
    Report,
    StepLine,
    TableView,
    derivative_label,
    linear,
)

MAX_ROWS = 40  # longer tables show their head and tail


def render(report: Report, console: Console, *, unicode: bool = True) -> None:
    console.print(Text(report.heading(lambda e: pretty(e, unicode=unicode)), style="bold"))
    if report.fields:
        _fields(report.fields, console, unicode=unicode)
    if report.steps:
        _steps(report.steps, console, unicode=unicode)
    for table in report.tables:
        console.print(_fit_table(table, console, unicode=unicode))
    for note in report.notes:
        style = "bold" if isinstance(note, Alert) else "dim italic"
        console.print(Text(f"note: {_negative(note) if unicode else note}", style=style))


# Values narrower than this beside their labels, or too narrow for a number of
# theirs, go under their labels instead (long labels: "f at w=0.5, b=0.1, x=2").
MIN_VALUE_WIDTH = 16
_NUMBER = re.compile(r"[−-]?\d[\d.]*(?:e[-+−]?\d+)?")


def _fields(fields: list[Field], console: Console, *, unicode: bool) -> None:
    label_width = max(len(f.label) for f in fields) + 3
    beside = console.width - label_width
    stacked = beside < MIN_VALUE_WIDTH
    rows = []
    for f in _fit_matrices(fields, max(20, beside), unicode=unicode):
        text = _field_value(f, max(20, beside), unicode=unicode)
        longest = max((len(n) for n in _NUMBER.findall(text.plain)), default=0)
        stacked = stacked or longest > beside
        rows.append((f, text))
    if stacked:  # label on its line, the value indented below with the whole width
        width = max(20, console.width - 2)
        for f in _fit_matrices(fields, width, unicode=unicode):
            console.print(Text.assemble((f.label, "cyan"), " ", ("=", "dim")))
            grid = Table.grid()
            grid.add_column(width=2, no_wrap=True)
            grid.add_column(overflow="fold")
            grid.add_row("", _field_value(f, width, unicode=unicode))
            console.print(grid)
        return
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="cyan", no_wrap=True)  # label
    grid.add_column(no_wrap=True)  # "="
    # Values fold rather than end in "…": a cut path or number misleads.
    grid.add_column(overflow="fold")
    for f, text in rows:
        grid.add_row(f.label, Text("=", style="dim"), text)
    console.print(grid)


def _field_value(f: Field, width: int, *, unicode: bool) -> Text:
    block = matrix_block(f.value, width=width) if unicode else None
    shown = block or pretty(f.value, unicode=unicode)
    text = Text(_negative(shown) if unicode and isinstance(f.value, str) else shown,
                style=_verdict_style(f.value))
    if f.approx:
        approx = _negative(f.approx) if unicode else f.approx
        text.append(f" {'≈' if unicode else '~'} {approx}", style="green")
    return text


def _verdict_style(value: Any) -> str:
    """A check's verdict stands out: FAIL in red, PASS in green (gradcheck's result)."""
    if isinstance(value, str):
        if value.startswith("FAIL"):
            return "bold red"
        if value.startswith("PASS"):
            return "bold green"
    return ""


def _fit_matrices(fields: list[Field], width: int, *, unicode: bool) -> list[Field]:
    """Fields as given, except that a symmetric matrix too wide to draw as one
    becomes its entries on and above the diagonal, one field each (∂²f/∂x∂y)."""
    import sympy as sp

    out: list[Field] = []
    for f in fields:
        m = f.value
        if (not unicode or not f.names or not isinstance(m, sp.MatrixBase)
                or matrix_block(m, width=width) is not None or not m.is_symmetric()):
            out.append(f)
            continue
        out.append(Field(f.label, "entry by entry (too wide for the terminal as a matrix):"))
        for i, a in enumerate(f.names):
            for j in range(i, len(f.names)):
                label = derivative_label((sp.Symbol(f.names[j]), sp.Symbol(a)), len(f.names))
                out.append(Field("  " + label, m[i, j]))
    return out


def _steps(lines: list[StepLine], console: Console, *, unicode: bool) -> None:
    """A derivation: numbered steps indented by depth, math on one line each.

    A step that fits the width reads "1.2 power rule: d/dx(x³) = 3x²"; a longer
    one puts its title on a line and each "= ..." under the first part.
    """
    from rich.padding import Padding

    console.print(Text("Steps", style="bold"))
    for line in lines:
        if line.heading:
            console.print(Padding(Text(line.title, style="bold"), (0, 0, 0, 1), expand=False))
            continue
        indent = 1 + 2 * line.depth
        number = f"{line.number}." if line.depth == 0 else line.number
        title = line.title
        if line.substitution is not None:
            title += ", " + " = ".join(linear(v, unicode=unicode) for v in line.substitution)
        parts = [linear(p, unicode=unicode, partial=line.partial) for p in line.parts]
        width = console.width - indent - len(number) - 1
        body = Text(title, style="cyan")
        # One line when it fits; else "title: a", then one "  = b" line per part.
        if len(title) + 2 + len(" = ".join(parts)) <= width:
            body.append(": " + " = ".join(parts), style="default")
        else:
            fits = len(title) + 2 + len(parts[0]) <= width
            body.append((": " if fits else "\n") + parts[0], style="default")
            for p in parts[1:]:
                body.append("\n  = " + p, style="default")
        if line.note:
            body.append("\n" + line.note, style="dim italic")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        grid.add_row(number, body)
        console.print(Padding(grid, (0, 0, 0, indent), expand=False))


_DECIMAL = re.compile(r"([-+−]?)(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _fit_table(view: TableView, console: Console, *, unicode: bool) -> Any:
    """The table, its numbers shown to fewer significant digits (no fewer than
    four) when that lets it fit the terminal instead of breaking digits over
    lines; when even that does not fit, one record per row (`_records`), so a
    number or a label is never split or cut. --json and pipes keep every digit."""
    from rich.measure import Measurement

    unbounded = console.options.update_width(10_000)  # the width it wants, not what it gets
    narrower = [view]
    if view.droppable:  # then without the columns it may leave out
        narrower.append(_without(view, view.droppable))
    for candidate in narrower:
        for digits in (None, 8, 7, 6, 5, 4):
            table = _table(candidate, unicode=unicode, digits=digits)
            if Measurement.get(console, unbounded, table).maximum <= console.width:
                return table
    return _records(view, console, unicode=unicode)


def _without(view: TableView, columns: frozenset[int]) -> TableView:
    """The table without `columns`, its caption saying so."""
    import dataclasses

    keep = [i for i in range(len(view.columns)) if i not in columns]
    names = ", ".join(dict.fromkeys(view.columns[i] for i in sorted(columns)))
    said = f"{names} not shown: too narrow (--json has them)"
    return dataclasses.replace(
        view, columns=[view.columns[i] for i in keep],
        rows=[[row[i] for i in keep] for row in view.rows],
        numeric_columns=frozenset(k for k, i in enumerate(keep) if i in view.numeric_columns),
        droppable=frozenset(), note=f"{view.note}; {said}" if view.note else said)


def _records(view: TableView, console: Console, *, unicode: bool) -> Any:
    """A table too wide for the terminal, row by row: the first cell as a heading,
    then one "column  value" line per other cell, numbers whole (rounded to no
    fewer than four digits when a line is still too long)."""
    from rich.console import Group
    from rich.padding import Padding

    parts: list[Any] = []
    if view.title:
        parts.append(Text(view.title, style="bold"))
    label_width = max((len(c) for c in view.columns[1:]), default=0)
    room = max(8, console.width - 2 - label_width - 2)
    rows = view.rows
    shown: list[Any] = rows
    if len(rows) > MAX_ROWS:
        half = MAX_ROWS // 2
        shown = rows[:half] + [None] + rows[-half:]
    for row in shown:
        if row is None:
            parts.append(Text("⋮" if unicode else "..."))
            continue
        texts = [pretty(cell, unicode=unicode) for cell in row]
        if unicode:
            texts = [_negative(t) for t in texts]
        for digits in (8, 7, 6, 5, 4):
            if all(len(t) <= room for i, t in enumerate(texts) if i in view.numeric_columns):
                break
            numbers = [t for i, t in enumerate(texts) if i in view.numeric_columns]
            keep = _distinct_digits(numbers, digits)
            texts = [_round(t, keep) if i in view.numeric_columns else t
                     for i, t in enumerate(texts)]
        parts.append(Text(f"{view.columns[0]} {texts[0]}" if view.columns[0] else texts[0],
                          style="bold"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="cyan", no_wrap=True)
        # numbers stay whole; words may wrap between words
        grid.add_column(overflow="fold")
        for i, (column, cell, text) in enumerate(zip(view.columns[1:], row[1:], texts[1:]),
                                                 start=1):
            grid.add_row(column, Text(text, style=_cell_style(cell, text),
                                      no_wrap=i in view.numeric_columns))
        parts.append(Padding(grid, (0, 0, 0, 2)))
    caption = view.note
    if len(rows) > MAX_ROWS:
        caption = ((caption + "; ") if caption else "") + \
            f"{len(rows)} rows, {len(rows) - MAX_ROWS} not shown (use --json for all)"
    if caption:
        parts.append(Text(caption, style="dim"))
    return Group(*parts)


def _cell_style(cell: Any, text: str) -> str:
    style = "red" if isinstance(cell, str) and cell == "undefined" else None
    return style or ("green" if text == "PASS" else "red bold" if text == "FAIL" else "")


_NEGATIVE = re.compile(r"(^|[\s(,\[])-(?=[\d.])")


def _negative(text: str) -> str:
    """-1.5 -> −1.5 in text, as the math beside it writes it ("6.1e-6", "--dim" stay)."""
    return _NEGATIVE.sub("\\1−", text)


def _distinct_digits(texts: list[str], digits: int) -> int:
    """At least `digits`, and enough that numbers that differ (yours and the
    numeric derivative in a failing row) still differ when rounded."""
    def value(t: str) -> float | None:
        try:
            return float(t.replace("−", "-"))
        except ValueError:
            return None

    while digits < 17:
        shown: dict[str, float | None] = {}
        if all(shown.setdefault(_round(t, digits), value(t)) == value(t) for t in texts):
            break
        digits += 1
    return digits


def _round(text: str, digits: int) -> str:
    """A decimal in `text` to `digits` significant digits, if it has more."""
    m = _DECIMAL.fullmatch(text)
    if m is None:
        return text
    sign, mantissa, _ = m.groups()
    if len(mantissa.replace(".", "").lstrip("0")) <= digits:
        return text
    value = float(text.replace("−", "-"))
    shown = f"{value:.{digits}g}"
    return shown.replace("-", "−") if sign == "−" else shown


def _table(view: TableView, *, unicode: bool, digits: int | None = None) -> Table:
    from rich import box

    table = Table(title=view.title, box=box.SIMPLE_HEAD if unicode else box.ASCII,
                  caption=view.note, header_style="bold")
    for i, column in enumerate(view.columns):
        # A number cut short with "…" would be a wrong number: numbers fold instead.
        numeric = i in view.numeric_columns
        table.add_column(column, justify="right" if numeric else "left",
                         overflow="fold" if numeric else "ellipsis")
    rows = view.rows
    if len(rows) > MAX_ROWS:
        half = MAX_ROWS // 2
        shown: list[Any] = rows[:half] + [None] + rows[-half:]
    else:
        shown = rows
    for row in shown:
        if row is None:
            table.add_row(*(["⋮" if unicode else "..."] * len(view.columns)))
            continue
        texts = [pretty(cell, unicode=unicode) for cell in row]
        if unicode:
            texts = [_negative(t) for t in texts]
        if digits is not None:
            numbers = [t for i, t in enumerate(texts) if i in view.numeric_columns]
            keep = _distinct_digits(numbers, digits)
            texts = [_round(t, keep) if i in view.numeric_columns else t
                     for i, t in enumerate(texts)]
        table.add_row(*(Text(text, style=_cell_style(cell, text))
                        for cell, text in zip(row, texts)))
    if len(rows) > MAX_ROWS:
        table.caption = ((view.note + "; ") if view.note else "") + \
            f"{len(rows)} rows, {len(rows) - MAX_ROWS} not shown (use --json for all)"
    return table
