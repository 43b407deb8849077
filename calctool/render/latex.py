"""LaTeX output: the answer as display math lines."""

from __future__ import annotations

from typing import TextIO

from calctool.render.report import Report


def render(report: Report, out: TextIO) -> None:
    for line in report.latex:
        out.write(line + "\n")
