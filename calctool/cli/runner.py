"""Running a command: one expression or a batch from stdin, under time limits, then emit.

Expected failures (CalcError) become error results here, per expression, so
that one bad line never stops a batch; anything else propagates to the one
boundary in `calctool.cli.app.main`.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from calctool.cli.settings import Settings
from calctool.core.errors import CalcError, ExitStatus

if TYPE_CHECKING:
    from calctool.core.results.base import Result

Compute = Callable[[str], "Result"]

# The hard limit past --timeout: if the interruptible timer could not stop the
# work (stuck in one long C call), the process reports and exits anyway.
HARD_GRACE_SECONDS = 5.0


class OutputClosed(Exception):
    """The reader of stdout went away (`| head -1`)."""


def run(settings: Settings, text: str, compute: Compute) -> int:
    """Compute and print; return the exit status."""
    try:
        return _run(settings, text, compute)
    except BrokenPipeError:
        # Raised past typer, which would turn it into exit 1 ("a check failed").
        raise OutputClosed from None


def _run(settings: Settings, text: str, compute: Compute) -> int:
    if text == "-":
        return _run_batch(settings, compute)
    outcome = _attempt(settings, compute, text)
    if isinstance(outcome, CalcError):
        emit_error(settings, outcome, text)
        return int(outcome.exit_status)
    _warn_lookalikes(outcome)
    emit(settings, outcome)
    return int(getattr(outcome, "exit_status", ExitStatus.OK))


def _warn_lookalikes(result: Result) -> None:
    """A note on stderr for a variable such as `sinx`: likely a missing bracket."""
    if result.expression is None:  # --func: the user's Python code, no expression
        return
    from calctool.core.expr.parse import lookalike_names

    for name, meant in lookalike_names(result.expression):
        sys.stderr.write(f"calctool: note: '{name}' is read as one variable named {name}; "
                         f"if you meant {meant}, write {meant}\n")


def _run_batch(settings: Settings, compute: Compute) -> int:
    """One answer line per input line, in order; the status of the first failure."""
    status = 0
    with _batch_progress() as advance:
        for raw in sys.stdin:
            line = raw.rstrip("\r\n")
            try:
                outcome = _attempt(settings, compute, line)
            except Exception as exc:  # noqa: BLE001 - a bug on one line must not stop the batch
                outcome = CalcError(f"internal error: {type(exc).__name__}: {exc}",
                                    code="internal_error")
                outcome.exit_status = ExitStatus.INTERNAL_ERROR
            if isinstance(outcome, CalcError):
                _batch_error(settings, outcome, line)
                line_status = int(outcome.exit_status)
            else:
                _batch_result(settings, outcome)
                line_status = int(getattr(outcome, "exit_status", ExitStatus.OK))
            status = status or line_status
            advance()
    return status


def _attempt(settings: Settings, compute: Compute, text: str) -> Result | CalcError:
    """The result, or the expected failure (bad input, cannot compute, out of memory)."""
    try:
        with _time_limits(settings):
            return compute(text)
    except CalcError as exc:
        return exc
    except MemoryError:
        return _out_of_memory()


@contextmanager
def _batch_progress() -> Iterator[Callable[[], None]]:
    """A line counter on stderr while answers go to a pipe or file; nothing otherwise."""
    if not sys.stderr.isatty() or sys.stdout.isatty() or "NO_PROGRESS" in os.environ:
        yield lambda: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.completed} lines"), TimeElapsedColumn(),
                  console=console(Settings(""), stderr=True), transient=True,
                  # rich would otherwise capture stdout, and the answers with it
                  redirect_stdout=False, redirect_stderr=False) as progress:
        task = progress.add_task("batch", total=None)
        yield lambda: progress.advance(task)


def _out_of_memory() -> CalcError:
    from calctool.core.errors import ResourceLimitError

    return ResourceLimitError("the computation ran out of memory "
                              "(the limit is set by CALCTOOL_MEMORY_LIMIT, in MiB)")


def _batch_result(settings: Settings, result: Result) -> None:
    if settings.json:
        from calctool.render.json import write

        write(result.to_dict(), sys.stdout)
    else:
        from calctool.render.math import oneline
        from calctool.render.report import build_report

        report = build_report(result)
        if settings.latex:
            sys.stdout.write((report.latex[0] if report.latex else "") + "\n")
        else:
            sys.stdout.write(oneline(report.primary) + "\n")
    sys.stdout.flush()


def _batch_error(settings: Settings, exc: CalcError, line: str) -> None:
    if settings.json:
        from calctool.render.json import write

        write(error_dict(settings.command, exc, line), sys.stdout)
    else:
        sys.stdout.write(f"error: {exc.message}\n")
    sys.stdout.flush()


def error_dict(command: str, exc: CalcError, text: str | None) -> dict[str, Any]:
    return {"ok": False, "command": command, "input": text, "expression": None,
            "error": exc.to_dict()}


def emit(settings: Settings, result: Result) -> None:
    """Print a result in the format the settings ask for."""
    if settings.json:
        from calctool.render.json import write

        write(result.to_dict(), sys.stdout)
        return
    from calctool.render.report import build_report

    report = build_report(result)
    if settings.ascii:
        from calctool.render import ascii

        report = ascii.report(report)
    if settings.latex:
        from calctool.render import latex

        latex.render(report, sys.stdout)
    elif settings.tty:
        from calctool.render import rich as rich_renderer

        rich_renderer.render(report, console(settings), unicode=not settings.ascii)
    else:
        from calctool.render import plain

        plain.render(report, sys.stdout, unicode=not settings.ascii)
    if report.plots:
        from calctool.render.plot import render_plots

        render_plots(report.plots, settings)


def console(settings: Settings, stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    color = stream.isatty() and "NO_COLOR" not in os.environ
    return Console(file=stream, color_system="auto" if color else None,
                   no_color=not color, highlight=False, emoji=False)


def emit_error(settings: Settings | None, exc: CalcError, text: str | None,
               command: str = "") -> None:
    """An error: a JSON object on stdout under --json, else a message with a caret on stderr."""
    if settings is not None and settings.json:
        from calctool.render.json import write

        write(error_dict(settings.command, exc, text), sys.stdout)
        return
    sys.stderr.write(format_error(exc, text))


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


@contextmanager
def _time_limits(settings: Settings) -> Iterator[None]:
    from calctool.core.budget import time_limit

    with _watchdog(settings), time_limit(settings.timeout):
        yield


@contextmanager
def _watchdog(settings: Settings) -> Iterator[None]:
    """Exit 3 if the work outlives --timeout by HARD_GRACE_SECONDS, whatever it is doing."""
    done = threading.Event()

    def expire() -> None:
        if done.wait(settings.timeout + HARD_GRACE_SECONDS):
            return
        message = (f"the computation took longer than {settings.timeout:g} s "
                   "and could not be interrupted")
        if settings.json:
            from calctool.render.json import dumps

            payload = dumps(error_dict(settings.command, CalcError(message, code="timeout"), None))
            os.write(1, (payload + "\n").encode())
        else:
            os.write(2, f"calctool: error: {message}\n".encode())
        os._exit(int(ExitStatus.CANNOT_COMPUTE))

    thread = threading.Thread(target=expire, daemon=True)
    thread.start()
    with _cpu_backstop(settings.timeout + 2 * HARD_GRACE_SECONDS):
        try:
            yield
        finally:
            done.set()


@contextmanager
def _cpu_backstop(seconds: float) -> Iterator[None]:
    """The last resort: the kernel ends the process after this much more CPU time.

    One huge C-level integer operation holds the interpreter lock, so neither
    the alarm nor the watchdog thread can act until it returns; RLIMIT_CPU still
    can (the process dies of SIGXCPU). The parser's size guards make this rare.
    """
    import math
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    limit = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
