"""`calctool shell`, driven as a person would: through a pseudo-terminal.

The expected answers are written out by hand (textbook derivatives and
limits), not computed by calctool.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from calctool.cli.session import Completer, Session, unfinished

PROMPT = b"calc> "


class Terminal:
    """`calctool shell` on a pty: type, read up to the next prompt."""

    def __init__(self, history: Path, *args: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            env = {**os.environ, "CALCTOOL_HISTORY": str(history), "COLUMNS": "80",
                   "LINES": "40", "TERM": "xterm", "NO_COLOR": "1"}
            os.execvpe(sys.executable, [sys.executable, "-m", "calctool", "shell", *args], env)
        self.seen = b""

    def until(self, marker: bytes = PROMPT, timeout: float = 120) -> str:
        end = time.monotonic() + timeout
        while marker not in self.seen:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {marker!r} in {timeout} s: {self.seen[-800:]!r}")
            if select.select([self.fd], [], [], left)[0]:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the session ended: {self.seen[-800:]!r}")
                self.seen += chunk
        before, _, self.seen = self.seen.partition(marker)
        return before.decode("utf-8", "replace").replace("\r\n", "\n")

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def ask(self, line: str) -> str:
        """Type a line; what the session printed before the next prompt (the echo too)."""
        self.type(line + "\r")
        return self.until()

    def end(self, keys: str = "\x04", timeout: float = 60) -> int:
        self.type(keys)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            if select.select([self.fd], [], [], 0.2)[0]:
                with contextlib.suppress(OSError):
                    os.read(self.fd, 65536)
        os.kill(self.pid, 9)
        raise AssertionError("the session did not end")


@pytest.fixture
def history(tmp_path: Path) -> Path:
    return tmp_path / "history"


def _json(text: str) -> dict[str, object]:
    line = next(ln for ln in text.splitlines() if ln.startswith("{"))
    return json.loads(line)  # type: ignore[no-any-return]


def test_commands_answer_in_the_session_and_errors_do_not_end_it(history: Path) -> None:
    term = Terminal(history, "--json")
    term.until()
    doc = _json(term.ask("diff x^3*cos(x)"))
    assert doc["result"] == "-x**3*sin(x) + 3*x**2*cos(x)"
    doc = _json(term.ask("limit sin(x)/x --to 0"))
    assert doc["result"] == "1" and doc["exists"] is True
    # an expression with spaces needs no quotes; an option the line gives wins
    out = term.ask("diff x^2 + 3*x*y --at x=1,y=2")
    assert _json(out)["value"] == {"x": 8.0, "y": 3.0}
    # a parse error, an unknown command and an unknown option: messages, not the end
    assert "unmatched ')'" in term.ask("diff sin(x))")
    assert "No such command" in term.ask("differentiate x^2")
    error = _json(term.ask("diff x^2 --colour"))["error"]
    assert error == {"code": "usage_error", "message": "No such option '--colour'."}
    error = _json(term.ask("diff x^2 -x"))["error"]  # an option, as on the command line
    assert "No such option '-x'" in error["message"]  # type: ignore[index]
    assert "put it after --" in error["hint"]  # type: ignore[index]
    assert _json(term.ask("diff x^4"))["result"] == "4*x**3"
    assert term.end("exit\r") == 0


def test_rendered_answers_multi_line_input_and_ctrl_c(history: Path) -> None:
    term = Terminal(history)
    term.until()
    out = term.ask("diff x^3*cos(x)")
    assert "3x²·cos(x)" in out and "−x³·sin(x)" in out
    # an open bracket continues the statement on the next line
    term.type("limit sin(x)/(x\r")
    term.until(b"... ")
    out = term.ask(") --to 0")
    assert "limit (x → 0)" in out and "= 1" in out
    # Ctrl-C stops a long computation, and the session goes on
    term.type("diff x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x --order 6 --timeout 60\r")
    time.sleep(1.5)
    term.type("\x03")
    assert "interrupted" in term.until()
    assert "f'(x) = 2" in term.ask("diff x^2")
    assert term.end() == 0  # Ctrl-D


def test_completion_and_history_between_sessions(history: Path) -> None:
    term = Terminal(history, "--json")
    term.until()
    term.type("dif\t")  # the command
    term.type("x^2*ata\t")  # a function: atan(, atan2( and atanh( share "atan"
    term.type("(x) --ti\t")  # an option
    out = term.ask("5")
    doc = _json(out)
    assert doc["input"] == "x^2*atan(x)"
    assert doc["result"] == "x**2/(x**2 + 1) + 2*x*atan(x)"
    assert term.end() == 0
    assert "diff x^2*atan(x) --timeout 5" in history.read_text()
    # a new session: the up arrow brings the line back
    term = Terminal(history, "--json")
    term.until()
    term.type("\x1b[A")
    doc = _json(term.ask(""))
    assert doc["input"] == "x^2*atan(x)"
    assert term.end() == 0


def test_a_script_piped_in_runs_line_by_line_without_prompts() -> None:
    r = subprocess.run([sys.executable, "-m", "calctool", "shell", "--json"],
                       input="diff x^3*cos(x)\nlimit sin(x)/x --to 0\nbogus\ndiff x^2\n",
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["result"] for d in docs] == ["-x**3*sin(x) + 3*x**2*cos(x)", "1", "2*x"]
    assert "No such command 'bogus'" in r.stderr
    assert "calc>" not in r.stdout


def test_a_statement_ends_when_the_whole_of_it_is_balanced() -> None:
    script = io.StringIO("diff ((x\n+ 1)\n)^2 \\\n--at 1\ndiff x\n")
    session = Session([], stdin=script)
    assert session._statement() == "diff ((x + 1) )^2 --at 1"
    assert session._statement() == "diff x"
    assert session._statement() is None


def test_unfinished_statements() -> None:
    assert unfinished("diff sin(x")
    assert unfinished("diff x^2 \\")
    assert unfinished("diff 'x^2")
    assert not unfinished("diff sin(x)")
    assert not unfinished("diff x^2 --at 1")


def test_the_command_line_joins_the_expression_and_keeps_option_values() -> None:
    session = Session(["--json", "--timeout", "4"])
    line = session.command_line
    assert line(["diff", "x^2", "+", "1", "--at", "2"]) == \
        ["diff", "--at", "2", "x^2 + 1", "--json", "--timeout", "4"]
    # an option's value is never taken for the expression, even one starting with -
    assert line(["diff", "x^2", "--at", "-1", "--latex", "--timeout=9"]) == \
        ["diff", "--at", "-1", "--latex", "--timeout=9", "x^2"]
    # after --, everything is the expression, as on the command line
    assert line(["diff", "--", "-x^2", "+", "1"]) == \
        ["diff", "--json", "--timeout", "4", "--", "-x^2 + 1"]


def test_completion_candidates() -> None:
    complete = Completer(Session([])).candidates
    assert complete("li", "") == ["limit "]
    assert "--timeout " in complete("--ti", "diff x^2 ")
    found = complete("ata", "diff x*")
    assert {"atan(", "atanh("} <= set(found) and all(f.startswith("ata") for f in found)
    assert complete("", "diff x^2 --at ") == []
    assert complete("he", "help ") == ["hessian "]
