"""Options shared by every command, as Annotated aliases (declared once, used everywhere)."""

from __future__ import annotations

from typing import Annotated

import typer

from calctool.core.budget import DEFAULT_TIMEOUT

OUTPUT = "Output"


def complete_words(*words: str) -> object:
    """A shell-completion callback offering these values (--method, --dir, ...)."""
    def complete(incomplete: str) -> list[str]:
        return [w for w in words if w.startswith(incomplete)]

    return complete


def complete_point(ctx: typer.Context, incomplete: str) -> list[str]:
    """--at completes to the expression's variable names (x=, y=), read with a regular
    expression: completing must never import sympy."""
    import re

    # While --at still lacks its value, click leaves the words it has not assigned in args.
    text = str(ctx.params.get("expression")
               or " ".join(a for a in ctx.args if not a.startswith("-")))
    names = re.findall(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)(?!\w*\s*\()", text)
    constants = {"e", "pi", "oo", "inf", "E", "I"}
    done, _, last = incomplete.rpartition(",")
    given = {part.split("=")[0] for part in done.split(",") if "=" in part}
    prefix = done + "," if done else ""
    return [f"{prefix}{n}=" for n in sorted(set(names) - constants - given)
            if n.startswith(last)]

Expression = Annotated[str, typer.Argument(
    metavar="EXPRESSION",
    help="The expression, e.g. \"x^3*cos(x)\"; - reads one per line from stdin. "
         "Put one that starts with - after --: calctool diff -- -x^2",
    show_default=False)]
Json = Annotated[bool, typer.Option(
    "--json", help="Print one JSON document (JSON Lines when reading stdin).",
    rich_help_panel=OUTPUT)]
Latex = Annotated[bool, typer.Option("--latex", help="Print LaTeX.", rich_help_panel=OUTPUT)]
LatexStyle = Annotated[str, typer.Option(
    "--latex-style", metavar="display|inline|align",
    autocompletion=complete_words("display", "inline", "align"),
    help="With --latex: each line as \\[...\\] (display, the default), as $...$ (inline), "
         "or all in one align* block (align): a snippet to paste into a document.",
    rich_help_panel=OUTPUT)]
Ascii = Annotated[bool, typer.Option(
    "--ascii", help="ASCII math and tables instead of unicode.", rich_help_panel=OUTPUT)]
Timeout = Annotated[float, typer.Option(
    "--timeout", metavar="SECONDS",
    help="Stop the symbolic work after this many seconds (exit 3).",
    rich_help_panel=OUTPUT)]
At = Annotated[str | None, typer.Option(
    "--at", metavar="POINT", autocompletion=complete_point,
    help="A point: x=1,y=-2 (values may be expressions: x=pi/4), or a bare value when "
         "there is one variable.", show_default=False)]
Plot = Annotated[bool, typer.Option("--plot", help="Draw a terminal plot.")]
Range = Annotated[str | None, typer.Option(
    "--range", metavar="A:B", help="The plot's x range, e.g. -2:2.", show_default=False)]
Ylim = Annotated[str | None, typer.Option(
    "--ylim", metavar="A:B", help="The plot's y range (default: chosen from the values, "
                                  "spikes near poles left out).", show_default=False)]
Save = Annotated[str | None, typer.Option(
    "--save", metavar="FILE", help="Also write the plot to FILE (.svg, .png or .pdf) with "
                                   "matplotlib: pip install 'calctool[figures]'.",
    show_default=False)]

Digits = Annotated[int | None, typer.Option(
    "--digits", "-d", metavar="N", min=1, max=10_000,
    help="Significant digits of the decimals shown (JSON keeps full precision).",
    show_default=False)]

Jobs = Annotated[int, typer.Option(
    "--jobs", "-j", metavar="N",
    help="With - (a batch): answer N lines at once in N worker processes (0: one per core); "
         "answers stay in input order.", rich_help_panel=OUTPUT)]

DEFAULT_TIMEOUT_SECONDS = DEFAULT_TIMEOUT
InputSyntax = Annotated[str, typer.Option(
    "--input", metavar="auto|latex|plain",
    help="How to read the expression: auto (LaTeX when it has a backslash, a brace or $), "
         "latex, or plain.")]


def deprecated(old: str, new: str) -> None:
    """A deprecated spelling still works, with a note on stderr saying the new one."""
    import sys

    sys.stderr.write(f"calctool: note: {old} is deprecated: use {new} (same meaning)\n")


def plot_window(range_: str | None, plot: bool, ylim: str | None = None) -> None:
    """--range and --ylim are the windows of a plot: without --plot (or --save) they would be
    ignored, so they are an error."""
    for flag, given in (("--range", range_), ("--ylim", ylim)):
        if given is not None and not plot:
            from calctool.core.errors import UsageError

            axis = "x" if flag == "--range" else "y"
            raise UsageError(f"{flag} sets the {axis} window of a plot: add --plot or --save "
                             f"(or drop {flag})", code="bad_option")
