"""Generate docs/cli.md, the CLI reference, from `--help` of calctool and each command.

    python -m calctool.cli.docs            # rewrite docs/cli.md
    python -m calctool.cli.docs --check    # exit 1 if docs/cli.md is out of date

The help is rendered at a fixed width (COLUMNS=80, so click wraps at 78) whatever
the terminal, so the file is the same on every machine. Nothing imports this
module in a normal run: it costs `calctool` no start-up time.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

WIDTH = 80
DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
REGENERATE = "python -m calctool.cli.docs"

HEADER = f"""\
# CLI reference

<!-- Generated from `--help` at {WIDTH} columns by `{REGENERATE}`.
Do not edit by hand: change the help in calctool/cli/ and run it again.
tests/test_docs.py and `{REGENERATE} --check` fail when this file
is out of date. -->

The exit codes, the JSON keys and the expression syntax are in the
[README](../README.md) and the [JSON contract](json.md); the full syntax
(LaTeX, piecewise, d/dx, `2xy`) in [syntax.md](syntax.md).
"""


@contextlib.contextmanager
def _fixed_width() -> Iterator[None]:
    """COLUMNS pinned (click and shutil.get_terminal_size read it first), restored after."""
    saved = {k: os.environ.get(k) for k in ("COLUMNS", "LINES")}
    os.environ["COLUMNS"], os.environ["LINES"] = str(WIDTH), "24"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def help_text(argv: list[str]) -> str:
    """What `calctool ARGV --help` prints, at the fixed width."""
    from calctool.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    with _fixed_width(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([*argv, "--help"])
        except SystemExit as exc:
            if exc.code not in (0, None):
                raise RuntimeError(f"calctool {' '.join(argv)} --help failed: "
                                   f"{err.getvalue()}") from None
    return out.getvalue()


def flag_help() -> dict[str, dict[str, tuple[str, bool]]]:
    """Every long option of every command: flag -> command -> (its help, hidden)."""
    from typer.main import get_command

    from calctool.cli.app import _click, make_app

    click = _click()
    group: Any = get_command(make_app())
    found: dict[str, dict[str, tuple[str, bool]]] = {}
    for name, command in group.commands.items():
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    found.setdefault(opt, {})[name] = (param.help or "", bool(param.hidden))
    return found


def vocabulary_section() -> str:
    """The flag table and the exit-code rule, from calctool/cli/vocabulary.py."""
    from calctool.cli.app import COMMANDS
    from calctool.cli.vocabulary import ALIASES, EXIT_RULE, FLAGS

    used = flag_help()
    lines = ["## Flags: one meaning each", "",
             "Every flag of every command, with its one meaning. A flag that takes one value "
             "may be given once (twice is a usage error, exit 2); `--at` repeats only in "
             "eval. Where a command's help says more, the last column says why. "
             "tests/test_consistency.py fails when a command's flag is missing here or two "
             "commands describe one flag differently without a reason here.", "",
             "| flag | meaning | commands | where the help differs |", "|---|---|---|---|"]
    for flag in sorted(used, key=lambda f: (f.lstrip("-"))):
        entry = FLAGS.get(flag)
        shown = [c for c in COMMANDS if c in used[flag] and not used[flag][c][1]]
        if not shown:
            continue
        meaning = entry.meaning if entry else "(not documented)"
        differs = "; ".join(f"{c}: {why}" for c, why in (entry.differs if entry else {}).items())
        lines.append(f"| `{flag}` | {meaning} | {', '.join(shown)} | {differs} |")
    lines += ["", "Deprecated spellings (still accepted, hidden from --help; a note on stderr "
              "gives the new one): "
              + ", ".join(f"`{c} {old}` → `{new}`" for (c, old), new in ALIASES.items()) + ".",
              "", "## Exit codes", "", "One rule for every command:", "",
              "| exit | meaning |", "|---|---|",
              *(f"| {code} | {meaning} |" for code, meaning in EXIT_RULE), ""]
    return "\n".join(lines)


def generate() -> str:
    """The text of docs/cli.md."""
    from calctool.cli.app import COMMANDS, SESSION_COMMANDS

    commands = COMMANDS + SESSION_COMMANDS
    sections = [HEADER]
    sections.append("".join(f"* [calctool {name}](#calctool-{name})\n" for name in commands))
    sections.append(vocabulary_section())
    for argv in ([], *([name] for name in commands)):
        title = " ".join(["calctool", *argv])
        body = "\n".join(line.rstrip() for line in help_text(argv).strip("\n").splitlines())
        sections.append(f"## {title}\n\n```text\n$ {title} --help\n{body}\n```\n")
    return "\n".join(sections)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m calctool.cli.docs",
                                     description="Generate docs/cli.md from --help.")
    parser.add_argument("--check", action="store_true",
                        help="do not write: exit 1 if the file differs from what would be "
                             "generated")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help="the file to write or check (default: docs/cli.md)")
    args = parser.parse_args(argv)
    text = generate()
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        if current != text:
            sys.stderr.write(f"{args.output} is out of date with --help: run {REGENERATE}\n")
            return 1
        return 0
    if current != text:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
