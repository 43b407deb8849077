"""Batch mode never loses or shifts a line: whatever one line does, one answer line.

The worker that answers lines is forked from this test process, so a compute
function defined here runs in it: a line can kill its worker or block every
signal, and the next line must still get its own answer.
"""

from __future__ import annotations

import io
import json
import os
import signal
import time

import pytest

from calctool.cli import batch
from calctool.cli.settings import Settings
from calctool.core.ops.diff import diff
from calctool.render.output import Output


def _settings(stdout: io.StringIO, timeout: float = 2.0) -> Settings:
    return Settings("diff", Output(format="json", stdout=stdout, stderr=io.StringIO()),
                    timeout=timeout)


def _compute(text: str) -> object:
    if text == "die":  # a crash inside C code, as the worker sees it
        os.kill(os.getpid(), signal.SIGKILL)
    if text == "stuck":  # work no timer can interrupt: every signal blocked
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGINT})
        time.sleep(30)
    if text == "bug":
        raise ZeroDivisionError("a bug on this line")
    return diff(text)


def _run(lines: bytes, timeout: float = 2.0) -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO()
    status = batch.run_batch(_settings(out, timeout), _compute, io.BytesIO(lines))
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_line_that_kills_its_worker_is_one_error_line() -> None:
    status, out = _run(b"x^2\ndie\nx^3\ndie\nsin(x)\n")
    assert [o["input"] for o in out] == ["x^2", "die", "x^3", "die", "sin(x)"]
    assert [o["ok"] for o in out] == [True, False, True, False, True]
    assert out[1]["error"]["code"] == "worker_died"  # type: ignore[index]
    assert "SIGKILL" in out[1]["error"]["message"]  # type: ignore[index]
    assert out[4]["result"] == "cos(x)"
    assert status == 3


def test_a_line_no_timer_can_stop_is_cut_off_and_the_next_line_answered(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "HARD_GRACE_SECONDS", 0.5)
    start = time.monotonic()
    status, out = _run(b"x^2\nstuck\nx^3\n", timeout=0.5)
    assert time.monotonic() - start < 10
    assert [o["input"] for o in out] == ["x^2", "stuck", "x^3"]
    assert out[1]["error"]["code"] == "timeout"  # type: ignore[index]
    assert out[2]["result"] == "3*x**2"
    assert status == 3


def test_a_bug_on_one_line_is_an_internal_error_line_and_the_batch_goes_on() -> None:
    status, out = _run(b"bug\nx^2\n")
    assert out[0]["error"]["code"] == "internal_error"  # type: ignore[index]
    assert "ZeroDivisionError" in out[0]["error"]["message"]  # type: ignore[index]
    assert out[1]["result"] == "2*x"
    assert status == 70


@pytest.mark.parametrize(("data", "inputs", "codes"), [
    # a byte-order mark before the first line is not part of it
    (b"\xef\xbb\xbfx^2\nx^3\n", ["x^2", "x^3"], [None, None]),
    # one undecodable byte spoils its own line only
    (b"x^2\nab\xff\nx^3", ["x^2", "ab\ufffd", "x^3"], [None, "bad_encoding", None]),
    # Windows line ends, and a last line without one
    (b"x^2\r\nx^3", ["x^2", "x^3"], [None, None]),
    # a blank line is an input too: it gets its own (error) line
    (b"x^2\n\nx^3\n", ["x^2", "", "x^3"], [None, "empty_input", None]),
])
def test_bytes_become_lines_one_by_one(data: bytes, inputs: list[str],
                                       codes: list[str | None]) -> None:
    _, out = _run(data)
    assert [o["input"] for o in out] == inputs
    assert [(o.get("error") or {}).get("code") for o in out] == codes  # type: ignore[union-attr]


def test_an_overlong_line_is_refused_without_being_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MAX_LINE_BYTES", 1000)
    _, out = _run(b"x^2\n" + b"x+" * 5000 + b"x\nx^3\n")
    assert [o["ok"] for o in out] == [True, False, True]
    assert out[1]["error"]["code"] == "input_too_long"  # type: ignore[index]


def test_read_lines_never_holds_more_than_the_limit() -> None:
    class Counting(io.BytesIO):
        biggest = 0

        def readline(self, size: int | None = -1) -> bytes:
            line = super().readline(size)
            Counting.biggest = max(Counting.biggest, len(line))
            return line

    stream = Counting(b"a" * 100_000 + b"\nb\n")
    assert list(batch.read_lines(stream, limit=64)) == [None, b"b"]
    assert Counting.biggest <= 65


def test_closed_stdin_is_a_usage_error() -> None:
    with pytest.raises(Exception) as info:
        batch.run_batch(_settings(io.StringIO()), _compute, None)
    assert getattr(info.value, "code", None) == "no_input"


def test_in_order_under_a_mix_of_everything() -> None:
    """Good, bad, crashing and undecodable lines interleaved: inputs echoed in order."""
    lines = []
    for k in range(40):
        lines += [f"{k + 1}*x^2".encode(), b"sin(x", b"die" if k % 10 == 0 else b"x", b"\xff"]
    _, out = _run(b"\n".join(lines) + b"\n")
    assert len(out) == len(lines)
    assert [o["input"] for o in out] == [line.decode("utf-8", "replace") for line in lines]
    goods = [o for o in out if str(o["input"]).endswith("*x^2")]
    assert [o["result"] for o in goods] == [f"{2 * (k + 1)}*x" for k in range(40)]


def test_rendering_happens_inside_the_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    """A result whose rendering fails is that line's error, not the end of the batch
    (9^31000*9^31000*x once printed one line and exited 70)."""
    from calctool.render import output

    real = output.emit_line

    def fails_on_x2(out: Output, result: object) -> None:
        if getattr(result, "input", None) == "x^2":
            raise ValueError("Exceeds the limit for integer string conversion")
        real(out, result)  # type: ignore[arg-type]

    monkeypatch.setattr(output, "emit_line", fails_on_x2)
    status, out = _run(b"x^3\nx^2\nx^4\n")
    assert [o["input"] for o in out] == ["x^3", "x^2", "x^4"]
    assert out[0]["result"] == "3*x**2"
    assert out[1]["error"]["code"] == "internal_error"  # type: ignore[index]
    assert "integer string conversion" in out[1]["error"]["message"]  # type: ignore[index]
    assert out[2]["result"] == "4*x**3"
    assert status == 70


def test_prints_of_python_code_never_reach_the_json(cli_process, tmp_path) -> None:
    """--func code that prints (or writes to fd 1) leaves stdout one JSON document."""
    code = tmp_path / "noisy.py"
    code.write_text("import os\nimport numpy as np\n"
                    "def loss(w):\n    print('debug')\n    os.write(1, b'raw\\n')\n"
                    "    return float(np.sum(w**2))\n"
                    "def grad(w):\n    print('grad')\n    return 2*w\n")
    r = cli_process("gradcheck", "--func", f"{code}:loss", "--grad", f"{code}:grad",
                    "--at", "1,2", "--json")
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout)["passed"] is True
    assert "debug" in r.stderr and "raw" in r.stderr
