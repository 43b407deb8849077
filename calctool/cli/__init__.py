"""The command line: typer commands over the library in calctool.core."""

from __future__ import annotations

import sys


def main() -> None:
    """The console script: Ctrl-C while the command line is still being imported is
    a quiet exit 130 too, never a traceback (the boundary in app.main is not there yet)."""
    try:
        from calctool.cli.app import main as run
    except KeyboardInterrupt:
        sys.stderr.write("\ncalctool: interrupted\n")
        sys.exit(130)
    run()
