"""Notes on how the input was read, gathered while an operation runs.

The parser says how it read ambiguous input (`xy` is one variable; `sinx` is
not sin(x)); an operation says what it assumed (d/dy of an expression without
y is 0). Every operation gathers them with `collecting()` and puts them in its
result, whose `to_dict()` lists them under `notes` and which the terminal
prints: programs and people are told the same things.

The gathering is scoped to the `with` block (a ContextVar, so threads and
batch lines do not mix their notes); outside one, notes are dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_ACTIVE: ContextVar[list[str] | None] = ContextVar("calctool_input_notes", default=None)


@contextmanager
def collecting() -> Iterator[list[str]]:
    """Gather the notes of the work inside the block into the list it yields."""
    notes: list[str] = []
    token = _ACTIVE.set(notes)
    try:
        yield notes
    finally:
        _ACTIVE.reset(token)


def add_note(note: str) -> None:
    """Tell the running operation's reader something (once)."""
    notes = _ACTIVE.get()
    if notes is not None and note not in notes:
        notes.append(note)
