"""What one run of a command was asked for, fixed when the command starts."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from calctool.core.errors import UsageError
from calctool.render.output import Output

MAX_TIMEOUT = 3600.0
LATEX_STYLES = ("display", "inline", "align")


@dataclass(frozen=True)
class Settings:
    command: str
    output: Output = field(default_factory=Output)
    timeout: float = 10.0
    traceback: bool = False
    syntax: str = "auto"  # --input: auto, latex or plain

    @property
    def json(self) -> bool:
        return self.output.json


def make_settings(command: str, *, json: bool, latex: bool, timeout: float,
                  ascii: bool = False, digits: int | None = None,
                  latex_style: str = "display") -> Settings:
    if json and latex:
        raise UsageError("choose one of --json and --latex", code="bad_option")
    if not 0 < timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds",
                         code="bad_value")
    debug = os.environ.get("CALCTOOL_DEBUG", "") not in ("", "0")
    if latex_style not in LATEX_STYLES:
        raise UsageError(f"--latex-style must be one of {', '.join(LATEX_STYLES)}, not "
                         f"{latex_style!r}", code="bad_value")
    output = Output.detect(json=json, latex=latex, ascii=ascii)
    if digits is not None or latex_style != "display":
        import dataclasses

        # --digits: the decimals shown, on every command (not JSON)
        output = dataclasses.replace(output, digits=digits, latex_style=latex_style)
    return Settings(command, output,
                    timeout=timeout, traceback=debug or "--traceback" in sys.argv)


def with_syntax(settings: Settings, syntax: str) -> Settings:
    """`settings` reading the expression as --input says (auto, latex or plain)."""
    from dataclasses import replace

    from calctool.core.expr.syntax import SYNTAXES

    if syntax not in SYNTAXES:
        raise UsageError(f"--input is one of {', '.join(SYNTAXES)}, not {syntax!r}",
                         code="bad_value")
    return replace(settings, syntax=syntax)
