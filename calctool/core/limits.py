"""Bounded work: a time limit that interrupts the symbolic engine."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from calctool.core.errors import ComputationTimeout

DEFAULT_TIMEOUT = 10.0


class _Interrupt(BaseException):
    """Raised by the alarm handler; a BaseException so `except Exception` in sympy can't eat it."""


@contextmanager
def time_limit(seconds: float | None, what: str = "the computation") -> Iterator[None]:
    """Raise ComputationTimeout if the block runs longer than `seconds`.

    Uses SIGALRM, so it works only in the main thread (elsewhere it does
    nothing). The alarm repeats every 0.25 s after the first, in case a library
    swallows the first interrupt. Work stuck inside one long C call (huge
    integer arithmetic) cannot be interrupted this way: the parser refuses such
    input before it is evaluated, and the CLI keeps a hard watchdog.
    """
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    active = [True]

    def on_alarm(signum: int, frame: object) -> None:
        if active[0]:
            raise _Interrupt

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
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
