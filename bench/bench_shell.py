"""`calctool shell` round trip vs a one-shot call, through a pseudo-terminal.

    python bench/bench_shell.py [--runs N]

Starts `calctool shell` on a pty, sends `diff x^3*cos(x)` N + 1 times and
times each round trip: from writing the line to the next prompt (the answer
printed). The first is left out; the median of the others is compared with a
one-shot `calctool diff "x^3*cos(x)"` (process start included, as a user
pays it), timed in the same run. Target: the round trip under 50 ms.

On a loaded machine wall time is mostly waiting for a core, so the CPU time
per command is printed too: the session's rusage (itself and the children it
reaped) over N + 1 commands, minus that of a session with one command, / N.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pty
import select
import statistics
import subprocess
import sys
import time

PROMPT = b"calc> "
LINE = "diff x^3*cos(x)"


class Pty:
    """A process on a pseudo-terminal: write lines, read until a marker."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the pty is its terminal
            os.execvpe(argv[0], argv, {**os.environ, **(env or {}), "COLUMNS": "80",
                                       "LINES": "40", "TERM": "xterm"})
        self.seen = b""

    def read_until(self, marker: bytes, timeout: float = 60) -> bytes:
        end = time.monotonic() + timeout
        while marker not in self.seen:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {marker!r} after {timeout} s; seen {self.seen[-500:]!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise EOFError(f"the session ended; seen {self.seen[-500:]!r}")
                self.seen += chunk
        before, _, self.seen = self.seen.partition(marker)
        return before

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def close(self) -> tuple[int, float]:
        """The exit status and the CPU seconds of the session and every child it reaped."""
        _, status, usage = os.wait4(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)
        return os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime


def shell_round_trips(runs: int) -> tuple[list[float], float]:
    """The wall time of each round trip after the first, and the session's CPU seconds."""
    session = Pty([sys.executable, "-m", "calctool", "shell"],
                  env={"CALCTOOL_HISTORY": os.devnull})
    times = []
    try:
        session.read_until(PROMPT)
        for _ in range(runs + 1):
            start = time.perf_counter()
            session.send(LINE + "\r")
            answer = session.read_until(PROMPT)
            times.append(time.perf_counter() - start)
            assert b"sin" in answer, answer
        session.send("exit\r")
        session.read_until(b"exit")
    finally:
        _, cpu = session.close()
    return times[1:], cpu


def one_shot(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "calctool", "diff", "x^3*cos(x)"], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    shell, cpu_n = shell_round_trips(args.runs)
    _, cpu_0 = shell_round_trips(0)  # the same session with one command: start-up's cost
    once = one_shot(max(3, args.runs // 4))
    a, b = statistics.median(shell), statistics.median(once)
    per_command = (cpu_n - cpu_0) / args.runs
    print(f"shell round trip of {LINE!r}, median of {len(shell)} after the first: "
          f"{a * 1000:.1f} ms wall (min {min(shell) * 1000:.1f}, max {max(shell) * 1000:.1f}); "
          f"target < 50 ms: {'ok' if a < 0.05 else 'OVER'}")
    print(f"CPU time per command (session and its child, from the sessions' rusage): "
          f"{per_command * 1000:.1f} ms")
    print(f"one-shot calctool diff, median of {len(once)}: {b * 1000:.0f} ms wall; "
          f"the shell answers {b / a:.0f}x sooner")


if __name__ == "__main__":
    main()
