"""Plain text for pipes and files: no colour, no box drawing, one-line math."""

from __future__ import annotations

import sys
from typing import TextIO

from calctool.render.math import oneline
from calctool.render.report import Report, StepLine, TableView, linear


def render(report: Report, out: TextIO, *, unicode: bool = True) -> None:
    width = max((len(f.label) for f in report.fields), default=0)
    for f in report.fields:
        value = oneline(f.value)
        if f.approx:
            value += f" {'≈' if unicode else '~'} {f.approx}"
        out.write(f"{f.label.ljust(width)} = {value}\n")
    if report.steps:
        render_steps(report.steps, out)
    for table in report.tables:
        render_table(table, out)
    # Under a CSV table, notes would corrupt the data: they go to stderr.
    note_stream = sys.stderr if any(t.csv for t in report.tables) else out
    for note in report.notes:
        note_stream.write(f"note: {note}\n")


def render_steps(lines: list[StepLine], out: TextIO) -> None:
    """A derivation, one line per step (sympy's text for the math), indented by depth."""
    out.write("steps:\n")
    for line in lines:
        if line.heading:
            out.write(f"  {line.title}:\n")
            continue
        indent = "  " * (line.depth + 1)
        number = f"{line.number}." if line.depth == 0 else line.number
        title = line.title
        if line.substitution is not None:
            title += f", {' = '.join(linear(v, unicode=False) for v in line.substitution)}"
        math = " = ".join(linear(p, unicode=False) for p in line.parts)
        out.write(f"{indent}{number} {title}: {math}\n")
        if line.note:
            out.write(f"{indent}{' ' * len(number)} note: {line.note}\n")


def render_table(table: TableView, out: TextIO) -> None:
    if table.csv:
        _write_csv(table, out)
        return
    if table.title:
        out.write(f"{table.title}\n")
    rows = [[oneline(c) for c in row] for row in table.rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(table.columns)]
    out.write("  ".join(h.ljust(w) for h, w in zip(table.columns, widths)).rstrip() + "\n")
    for r in rows:
        cells = [c.rjust(w) if i in table.numeric_columns else c.ljust(w)
                 for i, (c, w) in enumerate(zip(r, widths))]
        out.write("  ".join(cells).rstrip() + "\n")
    if table.note:
        out.write(f"{table.note}\n")


def _write_csv(table: TableView, out: TextIO) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([oneline(c) for c in row] for row in table.rows)
