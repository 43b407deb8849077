"""Where output goes and what the terminal allows, decided once per run.

`Output.detect()` reads the streams and the environment (NO_COLOR, TERM=dumb,
COLUMNS, LINES) when a command starts; every renderer, plot and progress bar
then gets the same `Output` instead of asking the terminal again (as httpie's
`Environment`). The functions below print a result or an error in the format
it chose: JSON, LaTeX, rich for a terminal, plain text for pipes and files.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TextIO

if TYPE_CHECKING:
    from calctool.core.errors import CalcError
    from calctool.core.results.base import Result

Format = Literal["json", "latex", "rich", "plain"]

# Without a terminal (a pipe, a file) and without COLUMNS/LINES: the size plots get.
DEFAULT_WIDTH, DEFAULT_HEIGHT = 100, 30


@dataclass(frozen=True)
class Output:
    """The output format and what the terminal allows."""

    format: Format = "plain"
    color: bool = False  # ANSI colour on stdout
    unicode: bool = True  # False with --ascii, or when stdout cannot encode it
    utf8: bool = True  # stdout takes any character (else JSON escapes non-ASCII)
    width: int = DEFAULT_WIDTH  # columns of stdout
    height: int = DEFAULT_HEIGHT  # lines of the terminal
    stderr_tty: bool = False  # a bar for one long computation may go to stderr
    progress: bool = False  # a batch's line counter: stderr a terminal, answers elsewhere
    stderr_color: bool = False
    digits: int | None = None  # --digits: significant digits of the decimals shown (not JSON)
    latex_style: str = "display"  # --latex-style: display, inline or align
    stdout: TextIO = field(default_factory=lambda: sys.stdout, repr=False, compare=False)
    stderr: TextIO = field(default_factory=lambda: sys.stderr, repr=False, compare=False)

    @classmethod
    def detect(cls, *, json: bool = False, latex: bool = False, ascii: bool = False,
               stdout: TextIO | None = None, stderr: TextIO | None = None,
               environ: Mapping[str, str] | None = None) -> Output:
        out = sys.stdout if stdout is None else stdout
        err = sys.stderr if stderr is None else stderr
        env = os.environ if environ is None else environ
        tty, err_tty = _isatty(out), _isatty(err)
        colour_allowed = "NO_COLOR" not in env and env.get("TERM") != "dumb"
        size = shutil.get_terminal_size((DEFAULT_WIDTH, DEFAULT_HEIGHT))
        width = _int(env.get("COLUMNS")) or (size.columns if tty else DEFAULT_WIDTH)
        height = _int(env.get("LINES")) or (size.lines if tty else DEFAULT_HEIGHT)
        fmt: Format = "json" if json else "latex" if latex else "rich" if tty else "plain"
        utf8 = _encodes(out, "≈∂∇√−·²")  # PYTHONIOENCODING=ascii, a C locale: it cannot
        return cls(format=fmt, color=tty and colour_allowed, unicode=utf8 and not ascii, utf8=utf8,
                   width=max(width, 20), height=max(height, 10),
                   stderr_tty=err_tty, progress=err_tty and not tty and "NO_PROGRESS" not in env,
                   stderr_color=err_tty and colour_allowed, stdout=out, stderr=err)

    @property
    def json(self) -> bool:
        return self.format == "json"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def _encodes(stream: TextIO, sample: str) -> bool:
    encoding = getattr(stream, "encoding", None)
    if not encoding:  # a StringIO: text stays text
        return True
    try:
        sample.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def console(output: Output, *, stderr: bool = False) -> Any:
    """A rich Console on stdout (or stderr) with the decided width and colour."""
    from rich.console import Console

    color = output.stderr_color if stderr else output.color
    return Console(file=output.stderr if stderr else output.stdout,
                   width=None if stderr else output.width,
                   color_system="auto" if color else None, no_color=not color,
                   highlight=False, emoji=False)


# --------------------------------------------------------------------------- results


def emit(output: Output, result: Result) -> None:
    """Print a result in the chosen format (plots after the text)."""
    if output.json:
        from calctool.render.json import write

        write(result.to_dict(), output.stdout, ascii=not output.utf8)
        return
    from calctool.render.report import build_report

    report = build_report(result)
    if output.digits is not None:
        from calctool.render import digits

        report = digits.apply(report, output.digits)
    if not output.unicode:
        from calctool.render import ascii

        report = ascii.report(report)
    if output.format == "latex":
        from calctool.render import latex

        latex.render(report, output.stdout, style=output.latex_style)
    elif output.format == "rich":
        from calctool.render import rich as rich_renderer

        rich_renderer.render(report, console(output), unicode=output.unicode)
    else:
        from calctool.render import plain

        plain.render(report, output.stdout, unicode=output.unicode)
    if report.plots:
        from calctool.render.plot import render_plots

        render_plots(report.plots, output)


def emit_line(output: Output, result: Result) -> None:
    """One line for one input of a batch: a JSON object, LaTeX, or the answer on one line."""
    if output.json:
        from calctool.render.json import write

        write(result.to_dict(), output.stdout, ascii=not output.utf8)
    else:
        from calctool.render.math import oneline
        from calctool.render.report import build_report

        report = build_report(result)
        if output.digits is not None:
            from calctool.render import digits

            report = digits.apply(report, output.digits)
        if output.format == "latex":
            output.stdout.write((report.latex[0] if report.latex else "") + "\n")
        else:
            output.stdout.write(oneline(report.primary) + "\n")
    output.stdout.flush()


def lookalike_notes(output: Output, result: Result) -> None:
    """The notes on how the input was read (`xy` is one variable, `sinx` is not
    sin(x)), on stderr: the same notes as the result's JSON `notes`."""
    for note in getattr(result, "input_notes", ()):
        output.stderr.write(f"calctool: note: {note}\n")


# --------------------------------------------------------------------------- errors


def error_dict(command: str, exc: CalcError, text: str | None) -> dict[str, Any]:
    return {"ok": False, "command": command, "input": text, "expression": None,
            "error": exc.to_dict()}


def emit_error(output: Output, exc: CalcError, text: str | None, command: str) -> None:
    """An error: a JSON object on stdout under --json, else a message with a caret on stderr."""
    if output.json:
        from calctool.render.json import write

        write(error_dict(command, exc, text), output.stdout, ascii=not output.utf8)
        return
    output.stderr.write(format_error(exc, text))


def emit_error_line(output: Output, exc: CalcError, text: str, command: str) -> None:
    """A failed input of a batch: its JSON object, or `error: ...` on the answer's line."""
    if output.json:
        emit_error(output, exc, text, command)
    else:
        output.stdout.write(f"error: {exc.message}\n")
    output.stdout.flush()


def format_error(exc: CalcError, text: str | None) -> str:
    lines = [f"calctool: error: {exc.message}"]
    source = exc.source if exc.source is not None else text
    if exc.position is not None and source is not None and "\n" not in source:
        shown, pos = _window(source, exc.position)
        lines.append(f"  {shown}")
        lines.append("  " + " " * pos + "^")
    if exc.hint:
        lines.append(f"hint: {exc.hint}")
    return "\n".join(lines) + "\n"


def _window(source: str, position: int, width: int = 70) -> tuple[str, int]:
    """A slice of a long input around the error position, and the caret's offset in it."""
    if len(source) <= width:
        return source, position
    start = max(0, min(position - width // 2, len(source) - width))
    shown = source[start:start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(source) else ""
    return prefix + shown + suffix, position - start + len(prefix)
