"""Bounded work: a time limit that interrupts the symbolic engine; room for exact digits."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from calctool.core.errors import KEYWORDS, ComputationTimeout, Spelling

DEFAULT_TIMEOUT = 10.0
_REPEAT = 0.25  # after the first alarm, fire again this often until the work stops
# How the hint of a timeout names the time limit: the spelling of the innermost
# time_limit that was given one (the CLI's runner gives its flag), else keywords.
_HINT_SPELLING: ContextVar[Spelling] = ContextVar("calctool_timeout_spelling",
                                                  default=KEYWORDS)


class _Interrupt(BaseException):
    """Raised by the alarm handler; a BaseException so `except Exception` in sympy can't eat it."""


@contextmanager
def time_limit(seconds: float | None, what: str = "the computation", *,
               spelling: Spelling | None = None) -> Iterator[None]:
    """Raise ComputationTimeout if the block runs longer than `seconds`.

    Its hint names the parameter `timeout` as `spelling` does (`timeout=SECONDS`
    for Python, `--timeout SECONDS` from the CLI); without one, as the enclosing
    time limit's does, so a limit deep in an operation hints in the spelling of
    whoever set the time limit.

    Uses SIGALRM, so it works only in the main thread (elsewhere it does
    nothing). Limits nest: an inner limit never outlives the outer one, and the
    outer limit is re-armed with its remaining time when the inner block ends.
    The alarm repeats every 0.25 s after the first, in case a library swallows
    the first interrupt. Work stuck inside one long C call (huge integer
    arithmetic) cannot be interrupted this way: the parser refuses such input
    before it is evaluated, and the CLI keeps a hard watchdog.
    """
    if spelling is None:
        spelling = _HINT_SPELLING.get()
    token = _HINT_SPELLING.set(spelling)
    try:
        with _alarm(seconds, what, spelling):
            yield
    finally:
        _HINT_SPELLING.reset(token)


@contextmanager
def _alarm(seconds: float | None, what: str, spelling: Spelling) -> Iterator[None]:
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    start = time.monotonic()
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    budget = min(seconds, outer_remaining) if outer_remaining > 0 else seconds
    active = [True]

    def on_alarm(_signum: int, _frame: object) -> None:
        if active[0]:
            raise _Interrupt

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, budget, _REPEAT)
    try:
        yield
    except _Interrupt:
        raise ComputationTimeout(
            f"{what} took longer than {seconds:g} s",
            hint=f"raise the limit with {spelling.usage('timeout', 'SECONDS')}",
        ) from None
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining > 0:
            left = outer_remaining - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), _REPEAT)


# Exact answers may have up to ~30,000 digits (the parser keeps integers below
# 100,000 bits); Python refuses to turn more than 4,300 into text by default.
EXACT_DIGITS = 40_000


@contextmanager
def exact_digits() -> Iterator[None]:
    """Within the block, integers of up to EXACT_DIGITS digits can be printed.

    Python's limit is process-wide, so it is raised only for the block and
    then restored: importing or calling calctool leaves it as it was.
    """
    before = sys.get_int_max_str_digits()
    if before == 0 or before >= EXACT_DIGITS:  # 0: no limit at all
        yield
        return
    sys.set_int_max_str_digits(EXACT_DIGITS)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(before)


@contextmanager
def bounded(seconds: float | None, what: str = "the computation", *,
            spelling: Spelling | None = None) -> Iterator[None]:
    """An operation's budget: `time_limit(seconds)` (its hint in `spelling`), with room
    for exact digits."""
    with exact_digits(), time_limit(seconds, what, spelling=spelling):
        yield
