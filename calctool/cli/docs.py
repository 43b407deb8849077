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
[README](../README.md) and the [JSON contract](json.md).
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


def generate() -> str:
    """The text of docs/cli.md."""
    from calctool.cli.app import COMMANDS, SESSION_COMMANDS

    commands = COMMANDS + SESSION_COMMANDS
    sections = [HEADER]
    sections.append("".join(f"* [calctool {name}](#calctool-{name})\n" for name in commands))
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
