"""Progress on stderr, only where a person watches it: the one module for progress bars.

Two kinds: a line counter while a batch streams its answers into a pipe or
file, and a bar for one long computation (gradcheck's full check of many
components), which the core drives through a plain `progress(done, total)`
callback. Both draw only when `Output.progress` allows (stderr a terminal,
stdout not, NO_PROGRESS unset) and vanish when done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from calctool.render.output import Output, console

Callback = Callable[[int, int], None]


@contextmanager
def batch_counter(output: Output) -> Iterator[Callable[[], None]]:
    """`advance()` after each input line: a running count of lines and the time taken."""
    if not output.progress:
        yield lambda: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.completed} lines"), TimeElapsedColumn(),
                  console=console(output, stderr=True), transient=True,
                  # rich would otherwise capture stdout, and the answers with it
                  redirect_stdout=False, redirect_stderr=False) as progress:
        task = progress.add_task("batch", total=None)
        yield lambda: progress.advance(task)


class _DelayedBar:
    """A `progress(done, total)` callback that draws a bar once the work has run `delay` s."""

    def __init__(self, output: Output, label: str, delay: float) -> None:
        self.output = output
        self.label = label
        self.delay = delay
        self.start = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if done >= total or time.monotonic() - self.start < self.delay:
                return
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=console(self.output, stderr=True),
                                transient=True, redirect_stdout=False, redirect_stderr=False)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextmanager
def task_bar(output: Output, label: str, delay: float = 0.5) -> Iterator[Callback | None]:
    """A callback for the core's `progress`, or None when no bar should be drawn."""
    if not output.stderr_tty:
        yield None
        return
    bar = _DelayedBar(output, label, delay)
    try:
        yield bar
    finally:
        bar.close()
