"""Output settings shared by every command, fixed once per run."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from calctool.core.errors import UsageError

MAX_TIMEOUT = 3600.0


@dataclass(frozen=True)
class Settings:
    command: str
    json: bool = False
    latex: bool = False
    timeout: float = 10.0
    ascii: bool = False
    traceback: bool = False

    @property
    def tty(self) -> bool:
        return sys.stdout.isatty()

    @property
    def color(self) -> bool:
        return self.tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def make_settings(command: str, *, json: bool, latex: bool, timeout: float,
                  ascii: bool = False) -> Settings:
    if json and latex:
        raise UsageError("choose one of --json and --latex", code="bad_option")
    if not 0 < timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds",
                         code="bad_value")
    debug = os.environ.get("CALCTOOL_DEBUG", "") not in ("", "0")
    return Settings(command, json=json, latex=latex, timeout=timeout, ascii=ascii,
                    traceback=debug or "--traceback" in sys.argv)
