"""Batch mode (`-`): one answer line per input line, in order, whatever a line does.

Everything about one line — decoding, parsing, computing, rendering,
serialising — happens inside one boundary in a worker process forked from
this one after the command's modules are imported (so a fork costs
milliseconds and no line pays for an import). The parent reads stdin, hands
the worker one line at a time and writes the worker's answer. A line that
outlives --timeout by the grace period, or that kills its worker (the CPU
limit, a crash inside C code), becomes one error line echoing its input, and
a fresh worker takes the next line: the output never loses or shifts a line.

Input is read as bytes: each line is decoded as UTF-8 on its own (a line that
is not UTF-8 is an error line, not a lost batch), a byte-order mark before
the first line is dropped, and a line longer than MAX_LINE_BYTES is refused
without being held in memory.
"""

from __future__ import annotations

import io
import os
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from calctool.cli.runner import HARD_GRACE_SECONDS, Compute, attempt, cpu_backstop
from calctool.cli.settings import Settings
from calctool.core.errors import (
    CalcError,
    ComputationTimeout,
    ComputeError,
    ExitStatus,
    UsageError,
)

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

# The longest input line read (1 MiB): the parser refuses anything over 10,000
# characters anyway, so a longer line is reported without being kept.
MAX_LINE_BYTES = 1 << 20
ECHO_CHARS = 200  # how much of an over-long line its error line echoes
BOM = "\ufeff"

Answer = tuple[str, int]  # the text to write (one line) and the line's exit status


def run_batch(settings: Settings, compute: Compute, stdin: BinaryIO | TextIO | None) -> int:
    """Answer every line of `stdin`; the exit status is that of the first failing line."""
    stdin = _binary(stdin)
    if stdin is None:
        raise UsageError("the expression '-' reads lines from standard input, which is closed",
                         code="no_input")
    from calctool.render.progress import batch_counter

    answer = _WorkerAnswers(settings, compute) if hasattr(os, "fork") else \
        _InProcessAnswers(settings, compute)
    status = 0
    with answer, batch_counter(settings.output) as advance:
        for number, raw in enumerate(read_lines(stdin)):
            text, line_status = _answer_line(settings, answer, raw, first=number == 0)
            settings.output.stdout.write(text)
            settings.output.stdout.flush()
            status = status or line_status
            advance()
    return status


def _binary(stream: BinaryIO | TextIO | None) -> BinaryIO | None:
    """The byte stream under stdin (a text stream without one, as in tests, is encoded)."""
    if stream is None or isinstance(stream, io.BufferedIOBase | io.RawIOBase):
        return stream
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return buffer
    data = stream.read()
    return io.BytesIO(data.encode("utf-8", errors="surrogateescape") if isinstance(data, str)
                      else data)


def read_lines(stream: BinaryIO, limit: int | None = None) -> Iterator[bytes | None]:
    """The lines of a byte stream without their ends; None for a line over `limit` bytes
    (MAX_LINE_BYTES by default), whose rest is read and dropped, never held in memory."""
    limit = MAX_LINE_BYTES if limit is None else limit
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of the over-long line
                rest = stream.readline(limit)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield raw.rstrip(b"\n").rstrip(b"\r")


def _answer_line(settings: Settings, answer: Callable[[str], Answer], raw: bytes | None, *,
                 first: bool) -> Answer:
    if raw is None:
        error = UsageError(f"the line is longer than {MAX_LINE_BYTES} bytes; expressions are "
                           "limited to 10,000 characters", code="input_too_long")
        return _error_text(settings, error, f"(a line of more than {MAX_LINE_BYTES} bytes)")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        shown = raw.decode("utf-8", errors="replace")
        error = UsageError(f"the line is not valid UTF-8 (byte {raw[exc.start]:#04x} at "
                           f"position {exc.start})", code="bad_encoding")
        return _error_text(settings, error, shown[:ECHO_CHARS])
    if first and line.startswith(BOM):
        line = line[len(BOM):]
    return answer(line)


def _error_text(settings: Settings, error: CalcError, echo: str) -> Answer:
    from calctool.render.output import emit_error_line

    buffer = io.StringIO()
    emit_error_line(replace(settings.output, stdout=buffer), error, echo, settings.command)
    return buffer.getvalue(), int(error.exit_status)


def answer_one(settings: Settings, compute: Compute, line: str) -> Answer:
    """One line's answer as text: computed, rendered and serialised inside one boundary."""
    from calctool.render.output import emit_error_line, emit_line

    buffer = io.StringIO()
    output = replace(settings.output, stdout=buffer)
    try:
        outcome = attempt(settings, compute, line)
        if isinstance(outcome, CalcError):
            emit_error_line(output, outcome, line, settings.command)
            return buffer.getvalue(), int(outcome.exit_status)
        emit_line(output, outcome)
        return buffer.getvalue(), int(getattr(outcome, "exit_status", ExitStatus.OK))
    except Exception as exc:  # noqa: BLE001 - a bug on one line must not stop the batch
        error = CalcError(f"internal error: {type(exc).__name__}: {exc}", code="internal_error")
        error.exit_status = ExitStatus.INTERNAL_ERROR
        buffer = io.StringIO()
        emit_error_line(replace(output, stdout=buffer), error, line, settings.command)
        return buffer.getvalue(), int(error.exit_status)


class _InProcessAnswers:
    """Where there is no fork: each line in this process (the watchdog still bounds it)."""

    def __init__(self, settings: Settings, compute: Compute) -> None:
        self.settings = settings
        self.compute = compute

    def __enter__(self) -> _InProcessAnswers:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, line: str) -> Answer:
        from calctool.cli.runner import watchdog

        with watchdog(self.settings, line):
            return answer_one(self.settings, self.compute, line)


class _WorkerAnswers:
    """Lines answered by a forked worker process, replaced when a line kills or outlives it."""

    def __init__(self, settings: Settings, compute: Compute) -> None:
        self.settings = settings
        self.compute = compute
        self.pid = 0
        self.conn: Connection | None = None

    def __enter__(self) -> _WorkerAnswers:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def __call__(self, line: str) -> Answer:
        if self.conn is None:
            self._start()
        assert self.conn is not None
        try:
            self.conn.send(line)
            if self.conn.poll(self.settings.timeout + HARD_GRACE_SECONDS):
                text, status = self.conn.recv()
                return str(text), int(status)
            error: CalcError = ComputationTimeout(
                f"the computation took longer than {self.settings.timeout:g} s and could not "
                "be interrupted")
        except (EOFError, OSError):
            error = self._death()
        self._stop()
        return _error_text(self.settings, error, line)

    def _death(self) -> CalcError:
        """Why the worker ended (it is reaped here)."""
        try:
            _, wait_status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return ComputeError("the computation ended abnormally", code="worker_died")
        self.pid = 0
        if os.WIFSIGNALED(wait_status):
            sig = os.WTERMSIG(wait_status)
            if sig == signal.SIGXCPU:
                return ComputationTimeout(
                    f"the computation took longer than {self.settings.timeout:g} s and could "
                    "not be interrupted (it used up its CPU time)")
            if sig == signal.SIGINT:
                raise KeyboardInterrupt
            why = f"signal {signal.Signals(sig).name}"
        else:
            code = os.WEXITSTATUS(wait_status)
            if code == ExitStatus.INTERRUPTED:
                raise KeyboardInterrupt
            why = f"exit {code}"
        return ComputeError(f"the computation ended abnormally ({why}); the next line gets a "
                            "fresh worker", code="worker_died")

    def _start(self) -> None:
        from multiprocessing import Pipe

        parent, child = Pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker
            parent.close()
            _serve(self.settings, self.compute, child)
        child.close()
        self.pid, self.conn = pid, parent

    def _stop(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = 0


def _serve(settings: Settings, compute: Compute, conn: Any) -> None:
    """The worker's loop: answer lines until the parent closes the pipe. Never returns."""
    status = 0
    try:
        # Stray prints (a --func file's print()) must never reach the answers.
        os.dup2(2, 1)
        while True:
            try:
                line = conn.recv()
            except EOFError:
                break
            with cpu_backstop(settings.timeout + 2 * HARD_GRACE_SECONDS):
                conn.send(answer_one(settings, compute, line))
    except KeyboardInterrupt:
        status = int(ExitStatus.INTERRUPTED)
    except BaseException:  # noqa: BLE001 - the worker must end here, never return into the CLI
        status = int(ExitStatus.INTERNAL_ERROR)
    os._exit(status)
