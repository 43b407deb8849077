"""The error taxonomy: every failure a user can cause has a stable code and exit status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class ExitStatus(IntEnum):
    """Process exit codes (SPEC section 3). Scripts depend on these numbers."""

    OK = 0
    CHECK_FAILED = 1
    BAD_INPUT = 2
    CANNOT_COMPUTE = 3
    INTERNAL_ERROR = 70
    IO_ERROR = 74  # sysexits' EX_IOERR: the answer could not be written (full disk, closed stdout)
    INTERRUPTED = 130


class CalcError(Exception):
    """A failure to report to the user: a stable `code`, a message and an exit status.

    `position` is a 0-based character offset into `source` (the text that was
    being read), used to draw a caret under the offending spot.
    """

    code = "error"
    exit_status = ExitStatus.BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        position: int | None = None,
        source: str | None = None,
        hint: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.position = position
        self.source = source
        self.hint = hint
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.position is not None:
            out["position"] = self.position
        if self.hint:
            out["hint"] = self.hint
        out.update(self.details)
        return out


class ParseError(CalcError):
    """The text is not a valid expression (or point, range, ...)."""

    code = "parse_error"


class UsageError(CalcError):
    """Options that do not fit together, a missing variable, and the like."""

    code = "usage_error"


class DomainError(CalcError):
    """The answer is undefined: division by zero, log of a negative number, ..."""

    code = "domain_error"
    exit_status = ExitStatus.CANNOT_COMPUTE


class ComputeError(CalcError):
    """The answer could not be computed: unsupported, or too large."""

    code = "cannot_compute"
    exit_status = ExitStatus.CANNOT_COMPUTE


class ResourceLimitError(ComputeError):
    """The input would make the engine run away (huge numbers, deep nesting)."""

    code = "resource_limit"


class ComputationTimeout(ComputeError):
    """The symbolic work took longer than --timeout allows."""

    code = "timeout"


@dataclass(frozen=True)
class Spelling:
    """How a message names a parameter: as the Python keyword (`method='magic'`,
    `variables`) by default, or as the command-line flag (`--method magic`,
    `--vars`) when the CLI, which owns its flags, passes them in. An operation
    writes each message once and stays free of flag names."""

    flags: Mapping[str, str] = field(default_factory=dict, hash=False)

    def name(self, param: str) -> str:
        """`variables` in Python, `--vars` on the command line."""
        return self.flags.get(param, param)

    def given(self, param: str, value: object) -> str:
        """A parameter with its value: `eps=1e-10` in Python, `--eps 1e-10` as a flag."""
        flag = self.flags.get(param)
        if flag is None:
            return f"{param}={value!r}"
        return f"{flag} {value:g}" if isinstance(value, float) else f"{flag} {value}"

    def usage(self, param: str, metavar: str) -> str:
        """A parameter with a placeholder: `timeout=SECONDS`, or `--timeout SECONDS`."""
        flag = self.flags.get(param)
        return f"{param}={metavar}" if flag is None else f"{flag} {metavar}"


KEYWORDS = Spelling()  # the Python API's spelling: parameters by their keyword names
