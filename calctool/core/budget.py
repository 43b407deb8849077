"""Bounded work: a time limit that interrupts the symbolic engine; room for exact digits."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from calctool.core.errors import ComputationTimeout

DEFAULT_TIMEOUT = 10.0
_REPEAT = 0.25  # after the first alarm, fire again this often until the work stops


class _Interrupt(BaseException):
    """Raised by the alarm handler; a BaseException so `except Exception` in sympy can't eat it."""


@contextmanager
def time_limit(seconds: float | None, what: str = "the computation") -> Iterator[None]:
    """Raise ComputationTimeout if the block runs longer than `seconds`.

    Uses SIGALRM, so it works only in the main thread (elsewhere it does
    nothing). Limits nest: an inner limit never outlives the outer one, and the
    outer limit is re-armed with its remaining time when the inner block ends.
    The alarm repeats every 0.25 s after the first, in case a library swallows
    the first interrupt. Work stuck inside one long C call (huge integer
    arithmetic) cannot be interrupted this way: the parser refuses such input
    before it is evaluated, and the CLI keeps a hard watchdog.
    """
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
            hint="raise the limit with --timeout SECONDS",
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
def bounded(seconds: float | None, what: str = "the computation") -> Iterator[None]:
    """An operation's budget: `time_limit(seconds)`, with room for exact digits."""
    with exact_digits(), time_limit(seconds, what):
        yield
