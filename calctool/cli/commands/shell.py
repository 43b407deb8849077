"""`calctool shell`: an interactive session that keeps sympy loaded."""

from __future__ import annotations

import typer

from calctool.cli import options as opt
from calctool.core.errors import UsageError

EXAMPLES = """\
Examples:

\b
  calctool shell
  calctool shell --json
  printf 'diff x^3*cos(x)\\nlimit sin(x)/x --to 0\\n' | calctool shell

\b
In the session, type commands as on the command line, without `calctool`:
  calc> diff x^3*cos(x)
  calc> limit sin(x)/x --to 0
  calc> diff x^2 + 3*x*y --at x=1,y=2
  calc> help diff
"""


def shell(
    json: opt.Json = False,
    latex: opt.Latex = False,
    ascii: opt.Ascii = False,
    timeout: opt.Timeout = opt.DEFAULT_TIMEOUT_SECONDS,
) -> None:
    """An interactive session: every command, answered without paying for start-up again.

    A line is a command as on the command line, without `calctool` (quotes as in
    a shell; an expression may contain spaces). TAB completes commands, options
    and function names; the history is kept between sessions (CALCTOOL_HISTORY
    names its file); a line ending in \\ or with an open bracket continues on the
    next. Each command runs in a fresh process forked from the session, so an
    error, a timeout or a crash ends that command only. --json, --latex, --ascii
    and --timeout given here apply to every command of the session. Ctrl-C stops
    the running command; Ctrl-D, exit or quit end the session.
    """
    from calctool.cli.session import Session

    if json and latex:
        raise UsageError("choose one of --json and --latex", code="bad_option")
    defaults: list[str] = ["--json"] if json else ["--latex"] if latex else []
    if ascii:
        defaults.append("--ascii")
    if timeout != opt.DEFAULT_TIMEOUT_SECONDS:
        defaults += ["--timeout", f"{timeout:g}"]
    raise typer.Exit(Session(defaults).run())
