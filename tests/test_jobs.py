"""--jobs N: batch lines answered by N worker processes, written in input order.

The workers are forked from this test process, so the compute function here
runs in them: a line can kill its worker, block every signal, or wait to be
killed from outside, and every line must still get exactly its own answer.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from calctool.cli import batch
from calctool.cli.settings import Settings
from calctool.core.errors import UsageError
from calctool.core.ops.diff import diff
from calctool.render.output import Output


def _settings(stdout: io.StringIO, timeout: float = 2.0) -> Settings:
    return Settings("diff", Output(format="json", stdout=stdout, stderr=io.StringIO()),
                    timeout=timeout)


PID_FILE = Path(os.environ.get("TMPDIR", "/tmp")) / f"calctool-jobs-test-{os.getpid()}"


def _compute(text: str) -> object:
    if text == "die":  # a crash inside C code, as the worker sees it
        os.kill(os.getpid(), signal.SIGKILL)
    if text == "stuck":  # work no timer can interrupt: every signal blocked
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGINT})
        time.sleep(30)
    if text == "wait":  # waits to be killed from outside (the test's killer thread)
        PID_FILE.write_text(str(os.getpid()))
        time.sleep(30)
    if text.startswith("sleep "):
        time.sleep(float(text.split()[1]))
        return replace(diff("x^2"), input=text)
    if text == "bug":
        raise ZeroDivisionError("a bug on this line")
    return diff(text)


def _run(lines: bytes | io.BytesIO, jobs: int = 2, timeout: float = 2.0,
         out: io.StringIO | None = None) -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO() if out is None else out
    stream = lines if isinstance(lines, io.BytesIO) else io.BytesIO(lines)
    status = batch.run_batch(_settings(out, timeout), _compute, stream, jobs)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_answers_come_in_input_order_whatever_finishes_first() -> None:
    # the first line is the slowest: every other line is answered before it
    lines = [b"sleep 0.6"] + [f"{k}*x^3".encode() for k in range(1, 12)]
    status, out = _run(b"\n".join(lines) + b"\n", jobs=3)
    assert status == 0
    assert [o["input"] for o in out] == [line.decode() for line in lines]
    assert out[0]["result"] == "2*x"
    assert [o["result"] for o in out[1:]] == [f"{3 * k}*x**2" for k in range(1, 12)]


def test_every_kind_of_failure_costs_only_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "HARD_GRACE_SECONDS", 0.5)
    lines = []
    for k in range(12):
        lines += [f"{k + 1}*x^2".encode(), b"sin(x", b"\xff", b"die" if k % 4 == 0 else b"x"]
    lines[9:9] = [b"stuck", b"bug", b""]
    status, out = _run(b"\n".join(lines) + b"\n", jobs=2, timeout=0.5)
    assert [o["input"] for o in out] == [line.decode("utf-8", "replace") for line in lines]
    codes = {str(o["input"]): (o.get("error") or {}).get("code") for o in out}  # type: ignore[union-attr]
    assert codes == {"sin(x": "parse_error", "\ufffd": "bad_encoding", "die": "worker_died",
                     "stuck": "timeout", "bug": "internal_error", "": "empty_input",
                     "x": None, **{f"{k + 1}*x^2": None for k in range(12)}}
    goods = [o for o in out if str(o["input"]).endswith("*x^2")]
    assert [o["result"] for o in goods] == [f"{2 * (k + 1)}*x" for k in range(12)]
    assert status == 2  # the first failing line's (sin(x, a parse error)


def test_a_worker_killed_from_outside_mid_line_is_that_lines_error() -> None:
    PID_FILE.unlink(missing_ok=True)

    def killer() -> None:
        for _ in range(400):
            if PID_FILE.exists() and PID_FILE.read_text():
                time.sleep(0.1)
                os.kill(int(PID_FILE.read_text()), signal.SIGKILL)
                return
            time.sleep(0.025)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        status, out = _run(b"x^2\nx^3\nwait\nx^4\nx^5\n", jobs=2, timeout=20)
    finally:
        thread.join()
        PID_FILE.unlink(missing_ok=True)
    assert [o["input"] for o in out] == ["x^2", "x^3", "wait", "x^4", "x^5"]
    assert out[2]["error"]["code"] == "worker_died"  # type: ignore[index]
    assert "SIGKILL" in out[2]["error"]["message"]  # type: ignore[index]
    assert [o.get("result") for o in out] == ["2*x", "3*x**2", None, "4*x**3", "5*x**4"]
    assert status == 3


def test_a_slow_line_holds_back_a_bounded_window_of_input() -> None:
    """While line 1 computes, the other worker may run ahead only WINDOW_PER_JOB * jobs
    lines: the reader never buffers the rest of the stream."""
    lines = [b"sleep 1.5"] + [b"x^2"] * 500
    stream = io.BytesIO(b"\n".join(lines) + b"\n")

    class Watching(io.StringIO):
        read_when_first_written: int | None = None

        def write(self, s: str) -> int:
            if self.read_when_first_written is None:
                consumed = stream.getvalue()[:stream.tell()].count(b"\n")
                Watching.read_when_first_written = consumed
            return super().write(s)

    status, out = _run(stream, jobs=2, out=Watching())
    assert status == 0 and len(out) == len(lines)
    window = batch.WINDOW_PER_JOB * 2
    assert Watching.read_when_first_written is not None
    assert Watching.read_when_first_written <= window


def test_jobs_zero_is_one_worker_per_core_and_bad_values_are_usage_errors() -> None:
    assert batch.resolve_jobs(0) == len(os.sched_getaffinity(0))
    assert batch.resolve_jobs(3) == 3
    for bad in (-1, batch.MAX_JOBS + 1):
        with pytest.raises(UsageError) as info:
            batch.resolve_jobs(bad)
        assert info.value.code == "bad_value"


def test_the_pool_reads_a_real_descriptor_line_by_line(tmp_path: Path) -> None:
    """stdin as a file descriptor: lines split here, \\r dropped, the last line without
    an end kept, an over-long line refused without being held."""
    data = b"x^2\r\n" + b"x+" * 800 + b"x\n\nsin(x)\nx^3"
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    with open(path, "rb", buffering=0) as raw, pytest.MonkeyPatch.context() as mp:
        mp.setattr(batch, "MAX_LINE_BYTES", 1000)
        lines = batch._lines(raw)  # the reader the pool uses
        assert lines.fd is not None
        got: list[bytes | None] = []
        while not lines.finished:
            if lines.ready():
                got.append(lines.take())
            else:
                lines.fill()
    assert got == [b"x^2", None, b"", b"sin(x)", b"x^3"]


def test_a_coprocess_gets_each_answer_before_it_writes_the_next_line() -> None:
    """A program that writes one line and waits for its answer is answered (the pool
    never blocks reading input while an answer is ready)."""
    proc = subprocess.Popen([sys.executable, "-m", "calctool", "diff", "-", "--json",
                             "--jobs", "2"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    answers = []
    timer = threading.Timer(60, proc.kill)  # a hang fails the test instead of blocking it
    timer.start()
    try:
        for k in range(1, 4):
            proc.stdin.write(f"x^{k + 1}\n".encode())
            proc.stdin.flush()
            answers.append(json.loads(proc.stdout.readline())["result"])
        proc.stdin.close()
        assert proc.wait(30) == 0
    finally:
        timer.cancel()
        proc.kill()
    assert answers == ["2*x", "3*x**2", "4*x**3"]


def test_ctrl_c_stops_a_pool_with_status_130_and_whole_lines() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "calctool", "diff", "-", "--json",
                             "--jobs", "2"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"x^2\n")
    proc.stdin.flush()
    first = proc.stdout.readline()  # the workers are up and answering
    proc.stdin.write(b"x^x^x^x^x^x^x^x^x^x^x^x^x^x\n" * 4)
    proc.stdin.flush()
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and b"interrupted" in err
    for line in (first + out).splitlines():
        json.loads(line)


def test_a_reader_that_goes_away_stops_the_pool_quietly() -> None:
    script = (f"yes x^2 | head -20000 | {sys.executable} -m calctool diff - --jobs 2 | head -1"
              '; echo "status=${PIPESTATUS[-2]}"')
    r = subprocess.run(["bash", "-c", "set -o pipefail; " + script], capture_output=True,
                       text=True, timeout=300)
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr
    assert r.stdout.splitlines() == ["2*x", "status=141"]


def test_a_bad_jobs_is_a_usage_error_even_for_one_expression() -> None:
    for args in (["diff", "x^2"], ["diff", "-"]):
        r = subprocess.run([sys.executable, "-m", "calctool", *args, "--json", "--jobs", "-3"],
                           input="x^2\n", capture_output=True, text=True, timeout=120)
        assert r.returncode == 2, r.stderr
        error = json.loads(r.stdout)["error"]
        assert error["code"] == "bad_value" and "--jobs" in error["message"]
