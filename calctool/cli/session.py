"""The interactive session of `calctool shell`.

One line is one command line without `calctool`. It is split as a shell
would (shlex), its words that are not options or option values are joined
into the expression (so `diff x^2 + 1` needs no quotes), and it runs through
the very entry point the console script uses (`calctool.cli.app.main`), in a
child forked from the session: the child finds sympy, the parser, the
commands and the renderers imported, so an answer costs the computation and
a few milliseconds; an error, a timeout, a memory limit or a crash ends that
child only, and the session reads the next line.

The line editor is the standard library's readline (GNU readline or
libedit): history, TAB completion, Ctrl-R search. Without a terminal (a
script piped in) lines are read plainly and no prompt is written.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import sys
from pathlib import Path
from typing import Any

PROMPT, MORE = "calc> ", "  ... "
HISTORY_LENGTH = 2000
QUIT = ("exit", "quit")
BANNER = ("calctool shell: commands as on the\n"  # lines fit 40 columns
          "command line, without `calctool`:\n"
          "  diff x^3*cos(x)\n"
          "  limit sin(x)/x --to 0\n"
          "help, help COMMAND; TAB completes;\n"
          "exit or Ctrl-D leaves.")


def history_file() -> Path:
    """CALCTOOL_HISTORY, else $XDG_STATE_HOME/calctool/history (~/.local/state/...)."""
    named = os.environ.get("CALCTOOL_HISTORY")
    if named:
        return Path(named)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "calctool" / "history"


def unfinished(text: str) -> bool:
    """Whether a statement continues on the next line: a trailing backslash, an open
    bracket or an open quote."""
    if text.endswith("\\"):
        return True
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
    if depth > 0:
        return True
    try:
        shlex.split(text)
    except ValueError:  # no closing quotation
        return True
    return False


class Session:
    """Read, run, repeat; `run()` returns the session's exit status (0)."""

    def __init__(self, defaults: list[str], stdin: Any = None, stdout: Any = None) -> None:
        self.defaults = defaults
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty() and self.stdout.isatty()
        self.options: dict[str, dict[str, bool]] = {}  # command -> option -> takes a value
        self.readline: Any = None
        self.spare: tuple[int, int] | None = None  # a child forked ahead: pid, its pipe

    # ------------------------------------------------------------------ the loop

    def run(self) -> int:
        self._warm()
        if self.interactive:
            self._editor()
            self.spare = _fork_spare()
            self.stdout.write(BANNER + "\n")
        try:
            while True:
                try:
                    text = self._statement()
                except KeyboardInterrupt:  # Ctrl-C at the prompt drops the line
                    self.stdout.write("\n")
                    continue
                if text is None:
                    if self.interactive:
                        self.stdout.write("\n")
                    return 0
                words = self._words(text)
                if words is None:
                    continue
                if words and words[0] in QUIT:
                    return 0
                if words and words[0] == "shell":
                    sys.stderr.write("calctool: note: this is the shell already\n")
                    continue
                if words:
                    self.execute(words)
        finally:
            self._retire_spare()
            self._save_history()

    def _statement(self) -> str | None:
        """One statement, over several lines when it continues; None at the end of input."""
        lines: list[str] = []
        while True:
            line = self._read(MORE if lines else PROMPT)
            if line is None:
                return " ".join(lines) if lines else None
            line = line.rstrip("\n")
            lines.append(line[:-1] if line.endswith("\\") else line)
            statement = " ".join(part.strip() for part in lines if part.strip())
            if not line.endswith("\\") and not unfinished(statement):
                return statement

    def _read(self, prompt: str) -> str | None:
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:
                return None
        line = self.stdin.readline()
        return line if line else None

    def _words(self, text: str) -> list[str] | None:
        try:
            words = shlex.split(text, comments=False)
        except ValueError as exc:
            sys.stderr.write(f"calctool: error: {exc} (quotes as in a shell)\n")
            return None
        if words and words[0] == "calctool":  # a pasted command line
            words = words[1:]
        if words and words[0] == "help":
            words = [*words[1:2], "--help"]
        return words

    # ------------------------------------------------------------------ one command

    def command_line(self, words: list[str]) -> list[str]:
        """The argv for main(): the expression's words joined, the session's defaults
        added where the line does not say otherwise."""
        name = words[0]
        takes = self._options(name)
        if not takes:  # not a command: main() reports it as the command line would
            return words
        argv, expression, rest = [name], list[str](), iter(words[1:])
        for word in rest:
            if word == "--":
                expression.extend(rest)
                break
            key = word.split("=", 1)[0]
            if word.startswith("-") and word != "-":  # an option, as click reads it
                argv.append(word)  # (an unknown one: main() says so, with its hint)
                if takes.get(key) and "=" not in word:
                    value = next(rest, None)
                    if value is not None:
                        argv.append(value)
                continue
            expression.append(word)
        if expression:
            joined = " ".join(expression)
            argv += ["--", joined] if joined.startswith("-") and joined != "-" else [joined]
        extra = [*self._defaults(argv)]
        if "--" in argv:
            at = argv.index("--")
            return argv[:at] + extra + argv[at:]
        return argv + extra

    def _defaults(self, argv: list[str]) -> list[str]:
        """The session's options that this command line does not override."""
        given = {word.split("=", 1)[0] for word in argv}
        out, words = [], iter(self.defaults)
        for word in words:
            value = [next(words)] if word == "--timeout" else []
            if word in given or (word in ("--json", "--latex") and given & {"--json", "--latex"}):
                continue
            out += [word, *value]
        return out

    def execute(self, words: list[str]) -> int:
        """Run one command line in a forked child; its exit status."""
        argv = self.command_line(words)
        self.stdout.flush()
        sys.stderr.flush()
        pid, pipe = self.spare if self.spare is not None else _fork_spare()
        self.spare = None
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the child's
        try:
            try:
                os.write(pipe, "\0".join(argv).encode("utf-8", "surrogateescape"))
            finally:
                os.close(pipe)
            if self.interactive:  # the next command's child, forked while this one works
                self.spare = _fork_spare()
            while True:
                try:
                    _, status = os.waitpid(pid, 0)
                    break
                except InterruptedError:
                    continue
        finally:
            signal.signal(signal.SIGINT, previous)
        if os.WIFSIGNALED(status):
            sig = signal.Signals(os.WTERMSIG(status)).name
            sys.stderr.write(f"calctool: error: the command ended abnormally ({sig}); "
                             "the session goes on\n")
            return 70
        return os.WEXITSTATUS(status)

    def _retire_spare(self) -> None:
        if self.spare is not None:
            pid, pipe = self.spare
            self.spare = None
            os.close(pipe)  # it reads the end of its input and exits
            os.waitpid(pid, 0)

    # ------------------------------------------------------------------ set-up

    def _warm(self) -> None:
        """Import what every command computes and renders with, once, before any fork."""
        import importlib

        from calctool.cli.app import COMMANDS

        for name in COMMANDS:
            for module in (f"calctool.cli.commands.{name}", f"calctool.core.ops.{name}",
                           f"calctool.core.results.{name}", f"calctool.render.views.{name}"):
                try:
                    importlib.import_module(module)
                except ModuleNotFoundError:
                    continue
        for module in ("calctool.render.rich", "calctool.render.plain", "calctool.render.json",
                       "calctool.render.report", "rich.console", "rich.table", "rich.panel"):
            importlib.import_module(module)
        for name in COMMANDS:
            self._options(name)
        # What a first answer imports on the way (printers, the report, rich's
        # layout), imported here once rather than in every child.
        import io

        from calctool.core.ops.diff import diff
        from calctool.render.output import Format, Output, emit

        result = diff("x^2", timeout=None)
        formats: tuple[Format, ...] = ("rich", "plain", "json", "latex")
        for fmt in formats:
            emit(Output(format=fmt, stdout=io.StringIO(), stderr=io.StringIO()), result)

    def _options(self, name: str) -> dict[str, bool]:
        """The options of a command, each with whether it takes a value (cached)."""
        if name in self.options:
            return self.options[name]
        from calctool.cli.app import COMMANDS, make_app

        takes: dict[str, bool] = {}
        if name in COMMANDS:
            import typer.main

            group = typer.main.get_command(make_app((name,)))
            command = group.commands[name]  # type: ignore[attr-defined]
            for param in command.params:
                for opt in (*param.opts, *getattr(param, "secondary_opts", ())):
                    if opt.startswith("-"):
                        takes[opt] = not getattr(param, "is_flag", False) and \
                            not getattr(param, "count", False)
            takes["--help"] = takes["-h"] = False
        self.options[name] = takes
        return takes

    def _editor(self) -> None:
        try:
            import readline
        except ImportError:  # no line editing on this platform: plain input() still works
            return
        self.readline = readline
        path = history_file()
        with contextlib.suppress(OSError, ValueError):
            readline.read_history_file(path)
        readline.set_history_length(HISTORY_LENGTH)
        readline.set_completer_delims(" \t\n()*+/^,=<>")
        readline.set_completer(Completer(self).complete)
        if "libedit" in (getattr(readline, "__doc__", "") or ""):
            readline.parse_and_bind("bind ^I rl_complete")
        else:
            readline.parse_and_bind("tab: complete")

    def _save_history(self) -> None:
        if self.readline is None:
            return
        path = history_file()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.readline.write_history_file(path)
        except OSError as exc:
            sys.stderr.write(f"calctool: note: the history could not be saved: {exc}\n")


def _fork_spare() -> tuple[int, int]:
    """A child forked now that waits for its command line on a pipe: the fork is paid
    while the user types. Its pid and the pipe's writing end."""
    read, write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C at the prompt is not for it
        os.close(write)
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
        os.close(read)
        if not chunks:  # the session ended without needing it
            os._exit(0)
        _child(b"".join(chunks).decode("utf-8", "surrogateescape").split("\0"))
    os.close(read)
    return pid, write


def _child(argv: list[str]) -> None:
    """The forked child: one run of the command line's entry point. Never returns."""
    code = 70
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from calctool.cli.app import main

        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        code = 130
    except BaseException:  # noqa: BLE001 - the child must end here, never return to the loop
        code = 70
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


class Completer:
    """TAB: commands first; then the command's options after -, function names otherwise."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.matches: list[str] = []

    def complete(self, text: str, state: int) -> str | None:
        if state == 0:
            self.matches = self.candidates(text, self._line())
        return self.matches[state] if state < len(self.matches) else None

    def _line(self) -> str:
        readline = self.session.readline
        if readline is None:
            return ""
        return str(readline.get_line_buffer()[: readline.get_begidx()])

    def candidates(self, text: str, before: str) -> list[str]:
        from calctool.cli.app import COMMANDS

        words = before.split()
        if not words:
            return sorted(n + " " for n in (*COMMANDS, "help", *QUIT) if n.startswith(text))
        options = self.session._options(words[0])
        if text.startswith("-"):
            return sorted(o + " " for o in options if o.startswith(text))
        if options.get(words[-1]) and not before.endswith("="):
            return []  # the value of an option such as --at: nothing to suggest
        if words[0] == "help" and len(words) == 1:
            return sorted(n + " " for n in COMMANDS if n.startswith(text))
        return sorted(n for n in _names() if n.startswith(text))


_NAMES: list[str] = []


def _names() -> list[str]:
    """Function names (with their opening bracket) and constants the parser knows."""
    if not _NAMES:
        from calctool.core.expr.parse import CONSTANTS, FUNCTIONS

        _NAMES.extend(sorted({*(f + "(" for f in FUNCTIONS), *CONSTANTS}))
    return _NAMES
