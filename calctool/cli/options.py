"""Options shared by every command, as Annotated aliases (declared once, used everywhere)."""

from __future__ import annotations

from typing import Annotated

import typer

from calctool.core.budget import DEFAULT_TIMEOUT

OUTPUT = "Output"

Expression = Annotated[str, typer.Argument(
    metavar="EXPRESSION",
    help="The expression, e.g. \"x^3*cos(x)\"; - reads one per line from stdin. "
         "Put one that starts with - after --: calctool diff -- -x^2",
    show_default=False)]
Json = Annotated[bool, typer.Option(
    "--json", help="Print one JSON document (JSON Lines when reading stdin).",
    rich_help_panel=OUTPUT)]
Latex = Annotated[bool, typer.Option("--latex", help="Print LaTeX.", rich_help_panel=OUTPUT)]
Ascii = Annotated[bool, typer.Option(
    "--ascii", help="ASCII math and tables instead of unicode.", rich_help_panel=OUTPUT)]
Timeout = Annotated[float, typer.Option(
    "--timeout", metavar="SECONDS",
    help="Stop the symbolic work after this many seconds (exit 3).",
    rich_help_panel=OUTPUT)]
At = Annotated[str | None, typer.Option(
    "--at", metavar="POINT",
    help="A point: x=1,y=-2 (values may be expressions: x=pi/4), or a bare value when "
         "there is one variable.", show_default=False)]
Plot = Annotated[bool, typer.Option("--plot", help="Draw a terminal plot.")]
Range = Annotated[str | None, typer.Option(
    "--range", metavar="A:B", help="The plot's x range, e.g. -2:2.", show_default=False)]

Jobs = Annotated[int, typer.Option(
    "--jobs", "-j", metavar="N",
    help="With - (a batch): answer N lines at once in N worker processes (0: one per core); "
         "answers stay in input order.", rich_help_panel=OUTPUT)]

DEFAULT_TIMEOUT_SECONDS = DEFAULT_TIMEOUT
