"""Which syntax an expression is read in: auto (the default), latex or plain.

`auto` reads LaTeX when the text has a backslash, a brace or a `$` (none of
which the plain syntax uses). The CLI's `--input` sets it for one command;
in Python, `with input_syntax("latex"): calctool.diff(...)`. The setting is
scoped to the `with` block (a ContextVar).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SYNTAXES = ("auto", "latex", "plain")
_SYNTAX: ContextVar[str] = ContextVar("calctool_input_syntax", default="auto")


@contextmanager
def input_syntax(syntax: str) -> Iterator[None]:
    """Read expressions in `syntax` ("auto", "latex" or "plain") inside the block."""
    if syntax not in SYNTAXES:
        raise ValueError(f"syntax is one of {', '.join(SYNTAXES)}, not {syntax!r}")
    token = _SYNTAX.set(syntax)
    try:
        yield
    finally:
        _SYNTAX.reset(token)


def current_syntax() -> str:
    return _SYNTAX.get()
