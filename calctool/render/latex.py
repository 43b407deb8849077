"""LaTeX output: the answer as a snippet to paste into a document.

`--latex-style` chooses the delimiters: each line as \\[...\\] (display, the
default), as $...$ (inline), or all lines in one align* block (align: an
equation's first = is the alignment point; a derivation's aligned rows are
spliced in). A text-mode block (eval's tabular) is written as it is.
"""

from __future__ import annotations

from typing import TextIO

from calctool.render.report import Report

_ALIGNED = ("\\begin{aligned}\n", "\n\\end{aligned}")


def render(report: Report, out: TextIO, *, style: str = "display") -> None:
    out.write(snippet(report.latex, style))


def snippet(lines: list[str], style: str = "display") -> str:
    """The lines of a report's LaTeX, with the delimiters of `style`."""
    parts: list[str] = []
    rows: list[str] = []
    for line in lines:
        if line.startswith("\\begin{tabular}"):
            parts.append(line + "\n")
        elif style == "align":
            rows.extend(_align_rows(line))
        elif style == "inline":
            parts.append(f"${line}$\n")
        elif "\n" in line:
            parts.append(f"\\[\n{line}\n\\]\n")
        else:
            parts.append(f"\\[ {line} \\]\n")
    if rows:
        parts.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n")
    return "".join(parts)


def _align_rows(line: str) -> list[str]:
    """An aligned derivation's own rows; an equation aligned at its first =."""
    head, tail = _ALIGNED
    if line.startswith(head) and line.endswith(tail):
        return line[len(head):-len(tail)].split(" \\\\\n")
    if "&" in line:
        return [line]
    left, eq, right = line.partition(" = ")
    return [f"{left} &= {right}"] if eq else [f"&{line}"]
