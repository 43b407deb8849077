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

With --jobs N (N > 1; 0 for every core) N such workers answer lines at once
(`_run_pool`): each line goes to an idle worker with its own deadline, the
answers are written in input order as soon as the next one in order is in,
and at most WINDOW_PER_JOB * N lines are read and not yet written, so one
slow line holds back a bounded amount of input, never the whole stream.
Input is read without blocking while workers are busy, so a program that
writes a line and waits for its answer (a coprocess) is answered.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from collections import deque
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
# With --jobs N: at most this many lines per worker read and not yet written.
WINDOW_PER_JOB = 8
MAX_JOBS = 256

Answer = tuple[str, int]  # the text to write (one line) and the line's exit status


def run_batch(settings: Settings, compute: Compute, stdin: BinaryIO | TextIO | None,
              jobs: int = 1) -> int:
    """Answer every line of `stdin`; the exit status is that of the first failing line.
    `jobs`: how many worker processes answer lines at once (0: one per core)."""
    stdin = _binary(stdin)
    if stdin is None:
        raise UsageError("the expression '-' reads lines from standard input, which is closed",
                         code="no_input")
    jobs = resolve_jobs(jobs)
    from calctool.render.progress import batch_counter

    with batch_counter(settings.output) as advance:
        if jobs > 1 and hasattr(os, "fork"):
            return _run_pool(settings, compute, stdin, jobs, advance)
        answer = _WorkerAnswers(settings, compute) if hasattr(os, "fork") else \
            _InProcessAnswers(settings, compute)
        status = 0
        with answer:
            for number, raw in enumerate(read_lines(stdin)):
                text, line_status = _answer_line(settings, answer, raw, first=number == 0)
                settings.output.stdout.write(text)
                settings.output.stdout.flush()
                status = status or line_status
                advance()
        return status


def resolve_jobs(jobs: int) -> int:
    """The number of workers --jobs asks for: 0 is one per core available to this process."""
    if jobs < 0 or jobs > MAX_JOBS:
        raise UsageError(f"--jobs must be between 0 (one per core) and {MAX_JOBS}, not {jobs}",
                         code="bad_value")
    if jobs == 0:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except (AttributeError, OSError):
            return max(1, os.cpu_count() or 1)
    return jobs


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
    line = _decode(settings, raw, first=first)
    return line if isinstance(line, tuple) else answer(line)


def _decode(settings: Settings, raw: bytes | None, *, first: bool) -> str | Answer:
    """The line as text, or its error line when it is too long or not UTF-8."""
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
    return line


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


class _Worker:
    """One forked worker process answering the lines sent to it, one at a time."""

    def __init__(self, settings: Settings, compute: Compute) -> None:
        self.settings = settings
        self.compute = compute
        self.pid = 0
        self.conn: Connection | None = None
        # the line it is answering: its number, text and deadline (pool only)
        self.index: int | None = None
        self.line = ""
        self.deadline = 0.0

    def send(self, line: str) -> None:
        if self.conn is None:
            self._start()
        assert self.conn is not None
        self.conn.send(line)

    def death(self) -> CalcError:
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

    def overtime(self) -> CalcError:
        return ComputationTimeout(
            f"the computation took longer than {self.settings.timeout:g} s and could not "
            "be interrupted")

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

    def stop(self) -> None:
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
        self.index = None


class _WorkerAnswers:
    """Lines answered by a forked worker process, replaced when a line kills or outlives it."""

    def __init__(self, settings: Settings, compute: Compute) -> None:
        self.settings = settings
        self.worker = _Worker(settings, compute)

    def __enter__(self) -> _WorkerAnswers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.worker.stop()

    def __call__(self, line: str) -> Answer:
        worker = self.worker
        try:
            worker.send(line)
            assert worker.conn is not None
            if worker.conn.poll(self.settings.timeout + HARD_GRACE_SECONDS):
                text, status = worker.conn.recv()
                return str(text), int(status)
            error = worker.overtime()
        except (EOFError, OSError):
            error = worker.death()
        worker.stop()
        return _error_text(self.settings, error, line)


# --------------------------------------------------------------------------- --jobs N


def _run_pool(settings: Settings, compute: Compute, stdin: BinaryIO, jobs: int,
              advance: Callable[[], None]) -> int:
    """Answer the lines with `jobs` workers at once, writing the answers in input order."""
    from multiprocessing.connection import wait

    workers = [_Worker(settings, compute) for _ in range(jobs)]
    lines = _lines(stdin)
    window = WINDOW_PER_JOB * jobs
    done: dict[int, Answer] = {}  # answered, waiting for the lines before them
    read = written = 0
    status = 0
    grace = settings.timeout + HARD_GRACE_SECONDS
    try:
        while True:
            # Hand lines to idle workers while the window has room and input is ready.
            idle = [w for w in workers if w.index is None]
            while idle and read - written < window and lines.ready():
                raw = lines.take()
                line = _decode(settings, raw, first=read == 0)
                if isinstance(line, tuple):
                    done[read] = line
                else:
                    worker = idle.pop()
                    worker.index, worker.line = read, line
                    worker.deadline = time.monotonic() + grace
                    try:
                        worker.send(line)
                    except OSError as exc:
                        if worker.conn is None:  # no worker could be started (fork failed)
                            worker.index = None
                            error = ComputeError(f"could not start a worker process: {exc}",
                                                 code="worker_died")
                            done[read] = _error_text(settings, error, line)
                        # else it died since its last answer: the wait below sees it
                read += 1
            # Write what is next in order.
            while written in done:
                text, line_status = done.pop(written)
                settings.output.stdout.write(text)
                settings.output.stdout.flush()
                status = status or line_status
                written += 1
                advance()
            busy = [w for w in workers if w.index is not None]
            wants_input = bool(idle) and read - written < window and not lines.eof
            if not busy and not done and lines.finished:
                return status
            waiting: list[Any] = [w.conn for w in busy]
            if wants_input and lines.fd is not None:
                waiting.append(lines.fd)
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic()) \
                if busy else None
            ready = wait(waiting, timeout) if waiting else []
            if lines.fd is not None and lines.fd in ready:
                lines.fill()
            for worker in busy:
                if worker.conn in ready:
                    index = _index(worker)
                    done[index] = _receive(settings, worker)
                elif time.monotonic() >= worker.deadline:
                    index, line = _index(worker), worker.line
                    worker.stop()
                    done[index] = _error_text(settings, worker.overtime(), line)
    finally:
        for worker in workers:
            worker.stop()


def _index(worker: _Worker) -> int:
    assert worker.index is not None
    return worker.index


def _receive(settings: Settings, worker: _Worker) -> Answer:
    """The answer a worker sent, or its line's error line if it died on the line."""
    assert worker.conn is not None
    line = worker.line
    try:
        text, line_status = worker.conn.recv()
    except (EOFError, OSError):
        error = worker.death()
        worker.stop()
        return _error_text(settings, error, line)
    worker.index = None
    return str(text), int(line_status)


_END = object()


class _Lines:
    """The input lines for the pool, read without blocking while workers are busy.

    A stream with a file descriptor (stdin) is read with os.read when `wait`
    says it is readable; its lines are split here with read_lines' rules (no
    line end, \r dropped, None for a line over MAX_LINE_BYTES, whose rest is
    dropped as it arrives). Other streams (BytesIO in tests) never block.
    """

    def __init__(self, fd: int | None, stream: BinaryIO) -> None:
        self.fd = fd
        self.eof = False
        self.queue: deque[bytes | None] = deque()
        self.partial = bytearray()
        self.skipping = False  # inside an over-long line, dropping its bytes
        self.iterator = None if fd is not None else read_lines(stream)

    def ready(self) -> bool:
        """Whether a line can be taken now (from a stream without a descriptor, always
        until its end)."""
        if self.queue:
            return True
        if self.iterator is not None and not self.eof:
            raw = next(self.iterator, _END)
            if raw is _END:
                self.eof = True
                return False
            self.queue.append(raw)  # type: ignore[arg-type]
            return True
        return False

    @property
    def finished(self) -> bool:
        return self.eof and not self.queue

    def take(self) -> bytes | None:
        return self.queue.popleft()

    def fill(self) -> None:
        """One read from the descriptor (it is readable): whole lines join the queue."""
        assert self.fd is not None
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            self.eof = True
            if self.partial and not self.skipping:
                self.queue.append(self._strip(bytes(self.partial)))
            self.partial.clear()
            return
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            piece = chunk[start:] if end < 0 else chunk[start:end]
            start = len(chunk) if end < 0 else end + 1
            if not self.skipping:
                self.partial += piece
                if len(self.partial) > MAX_LINE_BYTES:
                    self.queue.append(None)
                    self.partial.clear()
                    self.skipping = True
            if end >= 0:
                if not self.skipping:
                    self.queue.append(self._strip(bytes(self.partial)))
                self.partial.clear()
                self.skipping = False

    @staticmethod
    def _strip(raw: bytes) -> bytes:
        return raw.removesuffix(b"\r")


def _lines(stream: BinaryIO) -> _Lines:
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return _Lines(None, stream)
    return _Lines(fd, stream)


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
