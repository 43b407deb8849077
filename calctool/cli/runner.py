"""Running a command: one expression or a batch from stdin, under time limits.

The runner runs and returns an exit status; how results and errors look is
the render layer's (`calctool.render.output`). Expected failures (CalcError)
become error results here, per expression, so that one bad line never stops
a batch; anything else propagates to the one boundary in `calctool.cli.app`.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from calctool.cli.settings import Settings
from calctool.core.errors import CalcError, ExitStatus, Spelling

if TYPE_CHECKING:
    from calctool.core.results.base import Result

Compute = Callable[[str], "Result"]

# The hard limit past --timeout: if the interruptible timer could not stop the
# work (stuck in one long C call), the process reports and exits anyway.
HARD_GRACE_SECONDS = 5.0
# A timeout's hint names the flag: "raise the limit with --timeout SECONDS".
TIMEOUT_FLAG = Spelling({"timeout": "--timeout"})


class OutputClosed(Exception):
    """The reader of stdout went away (`| head -1`)."""


def run(settings: Settings, text: str, compute: Compute, jobs: int = 1) -> int:
    """Compute and print; return the exit status. `jobs`: worker processes for a batch."""
    try:
        return _run(settings, text, compute, jobs)
    except BrokenPipeError:
        # Raised past typer, which would turn it into exit 1 ("a check failed").
        raise OutputClosed from None


def _run(settings: Settings, text: str, compute: Compute, jobs: int) -> int:
    if jobs != 1:  # a bad --jobs is refused before any input is read
        from calctool.cli.batch import resolve_jobs

        jobs = resolve_jobs(jobs)
    if text == "-":
        from calctool.cli.batch import run_batch

        warm(settings)
        return run_batch(settings, compute, sys.stdin, jobs)
    import time

    from calctool.render.output import emit_error, lookalike_notes

    output = settings.output
    started = time.monotonic()
    with watchdog(settings, text), cpu_backstop(settings.timeout + 2 * HARD_GRACE_SECONDS), \
            stdout_to_stderr():
        outcome = attempt(settings, compute, text)
    if isinstance(outcome, CalcError):
        emit_error(output, outcome, text, settings.command)
        return int(outcome.exit_status)
    lookalike_notes(output, outcome)
    # --timeout covers the whole command: drawing a plot is part of it.
    rendered = render_within(settings, outcome, settings.timeout - (time.monotonic() - started))
    if isinstance(rendered, CalcError):
        emit_error(output, rendered, text, settings.command)
        return int(rendered.exit_status)
    return int(getattr(outcome, "exit_status", ExitStatus.OK))


def render_within(settings: Settings, outcome: Result, seconds: float) -> CalcError | None:
    """Print the result within the time left, or return the timeout."""
    from calctool.core.budget import time_limit
    from calctool.render.output import emit

    if settings.timeout and seconds <= 0:
        seconds = 0.01
    try:
        with time_limit(seconds if settings.timeout else None, "the command",
                        spelling=TIMEOUT_FLAG):
            emit(settings.output, outcome)
    except CalcError as exc:
        return exc
    return None


def warm(settings: Settings) -> None:
    """Import what the command computes and renders with, before any clock starts.

    --timeout counts from when the computation starts; an import interrupted
    half-way by the timer would also leave the module broken for the rest of a
    batch. The four places of a command are named after it (JSON needs no view).
    """
    import importlib

    command = settings.command
    view = () if settings.output.json else (f"calctool.render.views.{command}",)
    for name in ("calctool.core.expr.parse", f"calctool.core.ops.{command}",
                 f"calctool.core.results.{command}", *view):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:  # a command without one of the four places
            continue


def attempt(settings: Settings, compute: Compute, text: str) -> Result | CalcError:
    """The result, or the expected failure (bad input, cannot compute, out of memory)."""
    from calctool.core.budget import time_limit
    from calctool.core.expr.syntax import input_syntax

    warm(settings)
    try:
        with time_limit(settings.timeout, spelling=TIMEOUT_FLAG), input_syntax(settings.syntax):
            return compute(text)
    except CalcError as exc:
        return exc
    except MemoryError:
        return _out_of_memory()


def _out_of_memory() -> CalcError:
    from calctool.core.errors import ResourceLimitError

    return ResourceLimitError("the computation ran out of memory "
                              "(the limit is set by CALCTOOL_MEMORY_LIMIT, in MiB)")


@contextmanager
def watchdog(settings: Settings, text: str | None = None) -> Iterator[None]:
    """Exit 3 if the work outlives --timeout by HARD_GRACE_SECONDS, whatever it is doing."""
    done = threading.Event()
    answers = _dup(1)  # the real stdout, even while the work's stdout goes to stderr

    def expire() -> None:
        if done.wait(settings.timeout + HARD_GRACE_SECONDS):
            return
        message = (f"the computation took longer than {settings.timeout:g} s "
                   "and could not be interrupted")
        if settings.json:
            from calctool.render.json import dumps
            from calctool.render.output import error_dict

            payload = dumps(error_dict(settings.command, CalcError(message, code="timeout"), text),
                            ascii=True)
            os.write(answers if answers is not None else 1, (payload + "\n").encode())
        else:
            os.write(2, f"calctool: error: {message}\n".encode())
        os._exit(int(ExitStatus.CANNOT_COMPUTE))

    thread = threading.Thread(target=expire, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        if answers is not None:
            os.close(answers)


def _dup(fd: int) -> int | None:
    try:
        return os.dup(fd)
    except OSError:
        return None


@contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """While the work runs, its stdout is stderr: a --func file's print(), or C code
    writing to file descriptor 1, must never reach the answer (one JSON document)."""
    import contextlib

    with contextlib.redirect_stdout(sys.stderr):
        try:
            fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else -1
        except (OSError, ValueError):
            fd = -1
        saved = _dup(fd) if fd >= 0 else None
        if saved is None:
            yield
            return
        try:
            sys.__stdout__.flush()  # type: ignore[union-attr]
            os.dup2(2, fd)
            yield
        finally:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.__stderr__.flush()  # type: ignore[union-attr]
            os.dup2(saved, fd)
            os.close(saved)


@contextmanager
def cpu_backstop(seconds: float) -> Iterator[None]:
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
