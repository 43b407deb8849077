"""The typer application and the one error boundary.

`main()` is the only place where exceptions become messages and exit codes:
usage errors (exit 2, a JSON object under --json), CalcError raised outside a
command's own handling, Ctrl-C (130), broken pipes (quiet), and bugs (70,
one line; the traceback with --traceback or CALCTOOL_DEBUG=1).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from calctool import __version__
from calctool.core.budget import EXACT_DIGITS
from calctool.core.errors import CalcError, ExitStatus

# Each command lives in calctool/cli/commands/<name>.py, defining a function
# of the same name (eval_ for eval) and an EXAMPLES epilog.
COMMANDS = ("diff", "eval", "tangent", "limit", "gradcheck", "hessian", "integrate",
            "series", "jacobian", "backprop", "plot")

# Commands that run the others: the interactive session. Listed apart, for they
# have no JSON document or examples of their own to check.
SESSION_COMMANDS = ("shell",)


def _version(value: bool) -> None:
    if value:
        print(f"calctool {__version__}")
        raise typer.Exit(0)


def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    traceback: Annotated[bool, typer.Option(
        "--traceback", help="On an internal error, print the Python traceback.")] = False,
) -> None:
    """Calculus in the terminal."""


def make_app(commands: tuple[str, ...] = COMMANDS) -> typer.Typer:
    """The typer application with these commands.

    Turning a command's signature into click's parser costs several
    milliseconds; a run of one command builds only that one (help and
    completion of the command name build all).
    """
    import importlib

    app = typer.Typer(
        name="calctool",
        help="Calculus in the terminal: derivatives, values, tangents, limits, integrals, "
             "series, plots, gradient checks, Hessians, Jacobians, backpropagation. Answers "
             "for people, --json for programs.",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback(epilog=TOP_EPILOG)(_root)
    for name in commands:
        module = importlib.import_module(f"calctool.cli.commands.{name}")
        function = getattr(module, name, None) or getattr(module, name + "_")
        app.command(name, epilog=module.EXAMPLES, short_help=_summary(function))(function)
    return app


# The end of `calctool --help`: examples, the exit codes, where the rest is.
TOP_EPILOG = """\
Examples:

\b
  calctool diff "x^3*cos(x)" --steps
  calctool eval "sin(x)" --at x=pi/4
  calctool tangent "x^2" --at 3
  calctool limit "sin(x)/x" --to 0
  calctool gradcheck "x^2*y" --grad "2*x*y, x^2" --at x=1,y=2
  calctool hessian "x^3 - 3*x + y^2" --critical
  calctool integrate "x^2*exp(x)" --steps
  calctool series "sin(x)" --order 7
  calctool backprop "tanh(w*x + b)" --vars w,b --at w=0.5,b=0.1,x=2

\b
Exit status: 0 an answer (also "does not exist", "diverges", "not a
critical point"), 1 a check failed (gradcheck), 2 bad input or usage, 3
cannot decide or no value there, 70 a bug, 130 interrupted.

\b
Each command: calctool COMMAND --help. Every command takes --json (keys in
docs/json.md), --latex, --digits N, --timeout S; flags and exit codes in
docs/cli.md.
"""


def _summary(function: Any) -> str:
    """A command's first sentence, whole (click would cut it at 45 characters)."""
    doc = (function.__doc__ or "").strip()
    first = doc.split("\n\n")[0].replace("\n", " ")
    return " ".join(first.split())


SHORT_USAGE = """\
usage: calctool COMMAND EXPRESSION [OPTIONS]

commands: {commands}
example:  calctool diff "x^3*cos(x)"
more:     calctool --help, or calctool COMMAND --help
"""


def _wants_json(argv: list[str]) -> bool:
    head = argv[: argv.index("--")] if "--" in argv else argv
    return "--json" in head


def _command_name(argv: list[str]) -> str:
    return next((a for a in argv if not a.startswith("-")), "")


def _click() -> Any:
    """The click that typer runs on: recent typer vendors it as typer._click."""
    try:
        from typer import _click as click  # type: ignore[attr-defined]
    except ImportError:  # typer < 0.20 depends on click itself
        import click
    return click


def _usage_error(exc: Exception, argv: list[str]) -> int:
    click = _click()
    import re

    from calctool.render.output import Output, emit_error

    message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
    # typer appends its suggestion once per pass over the command name
    message = re.sub(r"( Did you mean [^?]*\?)\1+", r"\1", message)
    hint = None
    if isinstance(exc, click.exceptions.NoSuchOption) and exc.option_name:
        name = exc.option_name
        token = next((a for a in argv if a.startswith(name)), name)
        if not token.startswith("--"):
            hint = f"if {token} is an expression, put it after --: {_dash_dash(argv, token)}"
    error = CalcError(message, code="usage_error", hint=hint)
    output = Output.detect(json=_wants_json(argv))
    if output.json:
        emit_error(output, error, None, _command_name(argv))
    else:
        ctx = getattr(exc, "ctx", None)
        usage = ctx.get_usage() + "\n" if ctx is not None else ""
        command = _command_name(argv)
        known = command in COMMANDS
        help_hint = f"Try 'calctool {command + ' ' if known else ''}--help' for help.\n"
        sys.stderr.write(usage + f"calctool: error: {message}\n"
                         + (f"hint: {hint}\n" if hint else "") + help_hint)
    return int(ExitStatus.BAD_INPUT)


def _refuse_repeated_options(group: Any, argv: list[str]) -> None:
    """An option that takes one value, given twice, is a usage error (exit 2): click would
    silently keep the last. Options that take several (eval --at, --grid) are `multiple`."""
    click = _click()
    head = argv[: argv.index("--")] if "--" in argv else argv
    command = group.commands.get(head[0]) if head and hasattr(group, "commands") else None
    if command is None:
        return
    for param in command.params:
        if not isinstance(param, click.Option) or param.multiple or param.is_flag \
                or param.count:
            continue
        names = [o for o in param.opts if o.startswith("--")]
        shorts = [o for o in param.opts if not o.startswith("--")]
        given = [t for t in head[1:] if t in names or t in shorts
                 or any(t.startswith(n + "=") for n in names)]
        if len(given) > 1:
            name = names[0] if names else param.opts[0]
            more = (" (several points are for eval: calctool eval EXPR --at x=1 --at x=2)"
                    if name == "--at" else "")
            raise click.UsageError(f"{name} is given {len(given)} times; it takes one value "
                                   f"here{more}")


def _dash_dash(argv: list[str], token: str) -> str:
    """The command line again, options first and the expression after --, quoted for a shell."""
    import shlex

    rest = list(argv)
    rest.remove(token)
    if not rest or rest[0] not in COMMANDS:
        rest.insert(0, "diff")
    return shlex.join(["calctool", *rest, "--", token])


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    click = _click()

    argv = list(sys.argv[1:] if argv is None else argv)
    if sys.stderr is None:  # started with 2>&-: diagnostics have nowhere to go
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the rest of the process
    if sys.stdout is None:  # started with >&-
        sys.stderr.write("calctool: error: standard output is closed: nowhere to write the "
                         "answer\n")
        sys.exit(int(ExitStatus.IO_ERROR))
    for stream in (sys.stdout, sys.stderr):
        # A character the stream's encoding lacks is escaped, never a crash (the
        # renderers already choose ASCII for such streams).
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    _limit_memory()
    import warnings

    # numpy's "invalid value in divide" and the like: calctool reports undefined
    # values itself, in words, so these would only be noise on stderr.
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    # The command line owns its process: exact answers of up to ~30,000 digits print.
    sys.set_int_max_str_digits(max(sys.get_int_max_str_digits(), EXACT_DIGITS))
    debug = "--traceback" in argv or os.environ.get("CALCTOOL_DEBUG", "") not in ("", "0")
    # --traceback works anywhere on the line (before --), not only before the command.
    head = argv[: argv.index("--")] if "--" in argv else argv
    if "--traceback" in head:
        argv.remove("--traceback")
    if not argv and "_CALCTOOL_COMPLETE" not in os.environ:  # (a TAB runs with no argv)
        # a short usage, not the whole help inside an error line
        sys.stderr.write(SHORT_USAGE.format(commands=", ".join(COMMANDS)))
        sys.exit(int(ExitStatus.BAD_INPUT))
    exit_types = tuple({typer.Exit, getattr(click.exceptions, "Exit", typer.Exit)})
    abort_types = tuple({typer.Abort, getattr(click.exceptions, "Abort", typer.Abort)})
    from calctool.cli.runner import OutputClosed

    try:
        known = COMMANDS + SESSION_COMMANDS
        only = (argv[0],) if argv and argv[0] in known else known
        from typer.main import get_command

        command = get_command(make_app(only))
        _refuse_repeated_options(command, argv)
        status = command(args=argv, prog_name="calctool", standalone_mode=False)
        code = int(status) if isinstance(status, int) else 0
        if code == ExitStatus.INTERRUPTED:  # typer turns Ctrl-C into a silent exit 130
            sys.stderr.write("\ncalctool: interrupted\n")
    except exit_types as exc:
        code = exc.exit_code
    except click.exceptions.ClickException as exc:
        code = _usage_error(exc, argv)
    except CalcError as exc:
        from calctool.render.output import Output, emit_error

        emit_error(Output.detect(json=_wants_json(argv)), exc, None, _command_name(argv))
        code = int(exc.exit_status)
    except MemoryError:
        sys.stderr.write(f"calctool: error: the computation ran out of memory "
                         f"(limit {_memory_limit_text()})\n")
        code = int(ExitStatus.CANNOT_COMPUTE)
    except (KeyboardInterrupt, *abort_types):
        sys.stderr.write("\ncalctool: interrupted\n")
        code = int(ExitStatus.INTERRUPTED)
    except (BrokenPipeError, OutputClosed):
        code = _broken_pipe()
    except OSError as exc:  # writing the answer failed: a full disk, a device error
        code = _io_error(exc)
    except Exception as exc:  # noqa: BLE001 - the one boundary: a bug becomes exit 70
        if debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(
            f"calctool: internal error ({type(exc).__name__}: {exc}). This is a bug: please "
            "report it with the command you ran (add --traceback for details).\n")
        code = int(ExitStatus.INTERNAL_ERROR)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _broken_pipe()
    except OSError as exc:
        code = _io_error(exc)
    sys.exit(code)


def _io_error(exc: OSError) -> int:
    """The answer could not be written (ENOSPC, EIO): say so, never call it a bug."""
    sys.stderr.write(f"calctool: error: cannot write the output: {exc.strerror or exc}\n")
    try:  # drop what is still buffered, so the exit does not fail on it again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return int(ExitStatus.IO_ERROR)


# The most address space one run may use (CALCTOOL_MEMORY_LIMIT, in MiB; 0 for no
# limit): a runaway expansion fails with a clear error instead of swapping.
DEFAULT_MEMORY_LIMIT_MIB = 4096


def _limit_memory() -> None:
    import resource

    try:
        mib = int(os.environ.get("CALCTOOL_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT_MIB))
    except ValueError:
        mib = DEFAULT_MEMORY_LIMIT_MIB
    if mib <= 0:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = mib * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft > wanted:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _memory_limit_text() -> str:
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return "none" if soft == resource.RLIM_INFINITY else f"{soft // (1024 * 1024)} MiB"


# What a shell reports for a program killed by SIGPIPE (128 + 13), as `yes | head` shows.
BROKEN_PIPE_STATUS = 141


def _broken_pipe() -> int:
    """The reader went away (`| head`): stop quietly, with the conventional status."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return BROKEN_PIPE_STATUS
