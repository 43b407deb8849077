"""Every example shown in --help and in the README runs as shown.

Examples run in-process (the `cli` fixture), each shell pipeline taken apart: a
`printf`/`echo`/`cat` before the `|` becomes stdin, a `| jq ...` after it is
checked by parsing the JSON it would read. A line the in-process runner cannot
take apart runs in bash instead. One README pipeline runs through bash and the
installed `calctool` console script, as a reader would type it.
"""

from __future__ import annotations

import importlib
import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from calctool.cli.app import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
# Statuses whose JSON the runner still checks (a usage error or a bug is never shown).
ACCEPTED = {0, 1, 3}
# An example shows its exit status when it is not 0, in a comment: `# exit 1: ...`.
_EXIT = re.compile(r"#.*?\bexit (\d+)")


def expected_exit(line: str) -> int:
    m = _EXIT.search(line)
    return int(m.group(1)) if m else 0


def _help_examples() -> list[tuple[str, str]]:
    from calctool.cli.app import TOP_EPILOG

    found = [("calctool", line.strip()) for line in TOP_EPILOG.splitlines()
             if line.strip().startswith("calctool ")]
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"calctool.cli.commands.{name}")
        except ModuleNotFoundError:
            continue
        for line in module.EXAMPLES.splitlines():
            line = line.strip()
            if "calctool " in line:
                found.append((name, line))
    return found


def _readme_blocks() -> list[tuple[str, list[str]]]:
    """Each README console example: the command line (its comment kept) and the output
    shown under it (maybe none)."""
    text = (ROOT / "README.md").read_text()
    found: list[tuple[str, list[str]]] = []
    for kind, block in re.findall(r"```(console|sh)\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ ") or kind == "sh":
                command = line[2:] if line.startswith("$ ") else line
                found.append((command, []))
            elif kind == "console" and found:
                found[-1][1].append(line)
    return [(c, out) for c, out in found
            if re.match(r"^(calctool|printf|echo|cat)\b", c.strip()) and "calctool" in c]


def _readme_examples() -> list[str]:
    return [c for c, _ in _readme_blocks()]


def _stdin_of(words: list[str], cwd: Path) -> str | None:
    """What `printf FORMAT`, `echo WORDS` or `cat FILE` writes; None for anything else."""
    if words[0] == "printf" and len(words) == 2:
        return words[1].encode().decode("unicode_escape")
    if words[0] == "echo":
        return " ".join(words[1:]) + "\n"
    if words[0] == "cat" and len(words) == 2:
        return (cwd / words[1]).read_text()
    return None


def _split_pipeline(command: str) -> list[list[str]] | None:
    """`a 'b|c' | d` -> [["a", "b|c"], ["d"]]; None for what needs a shell (;, &&, >, $)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars="|&;<>")
    lexer.whitespace_split = True
    stages: list[list[str]] = [[]]
    for token in lexer:
        if token == "|":
            stages.append([])
        elif token in ("&", "&&", ";", "||", "<", ">", ">>") or token.startswith("$"):
            return None
        else:
            stages[-1].append(token)
    return stages if all(stages) else None


def _json_lines(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines()]


def run_example(command: str, cwd: Path, cli, shell) -> Any:
    """Run one example line in-process; in bash when it is more than a simple pipeline."""
    stages = _split_pipeline(command)
    if stages is not None:
        head, jq = stages, None
        if stages[-1][0] == "jq":
            head, jq = stages[:-1], stages[-1]
        stdin = _stdin_of(head[0], cwd) if len(head) == 2 else ""
        if len(head) <= 2 and head[-1][0] == "calctool" and stdin is not None:
            r = cli(*head[-1][1:], stdin=stdin)
            if jq is not None and r.code in ACCEPTED | {2}:
                # jq reads one JSON document per line: every line must be one.
                assert r.stdout.strip(), f"{command}: nothing for jq to read"
                _json_lines(r.stdout)
            return r
    # jq may be missing: an example's `| jq ...` tail is checked by running the
    # part before it and parsing its JSON instead.
    head, bar, _ = command.partition("| jq")
    r = shell(head, cwd=cwd)
    if bar and r.code in ACCEPTED | {2}:
        _json_lines(r.stdout)
    return r



@pytest.mark.parametrize("example", [e for _, e in _help_examples()])
def test_help_examples_run(example: str, workdir: Path, cli, shell) -> None:
    """Each --help example exits as its comment says (0 when it says nothing)."""
    r = run_example(example, workdir, cli, shell)
    assert r.code == expected_exit(example), f"{example}\n{r.stdout}\n{r.stderr}"
    assert "Traceback" not in r.stderr
    assert (r.stdout + r.stderr).strip(), f"{example} printed nothing"


def _jq(stage: str, stdout: str) -> str:
    import subprocess

    args = shlex.split(stage)
    done = subprocess.run(args, input=stdout, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(("example", "shown"), _readme_blocks(),
                         ids=[c[:60] for c, _ in _readme_blocks()])
def test_readme_examples_run(example: str, shown: list[str], workdir: Path, cli,
                             shell) -> None:
    """Each README example exits as its comment says and prints what the README shows
    under it (piped output, so plain text; through jq when the example uses it)."""
    r = run_example(example, workdir, cli, shell)
    assert r.code == expected_exit(example), f"{example}\n{r.stdout}\n{r.stderr}"
    assert "Traceback" not in r.stderr
    if not shown:
        return
    stdout = r.stdout
    command = re.sub(r"\s+#.*$", "", example)
    if "| jq" in command:
        if shutil.which("jq") is None:
            pytest.skip("jq is not installed: the output after | jq is not compared")
        stdout = _jq("jq" + command.split("| jq", 1)[1], stdout)
    assert [line.rstrip() for line in stdout.splitlines()] == [line.rstrip() for line in shown]


def test_the_runner_takes_pipelines_apart(workdir: Path, cli, shell) -> None:
    """The in-process runner feeds printf's output as stdin and checks jq's input."""
    assert _split_pipeline("printf 'a|b\\n' | calctool diff - | jq .x") == \
        [["printf", "a|b\\n"], ["calctool", "diff", "-"], ["jq", ".x"]]
    assert _split_pipeline("calctool diff x > out.txt") is None
    r = run_example("printf 'x^2\\nsin(x)\\n' | calctool diff - --json | jq .result", workdir,
                    cli, shell)
    assert [d["result"] for d in r.json_lines] == ["2*x", "cos(x)"]
    r = run_example("cat points.csv | calctool eval x*y --csv - --json", workdir, cli, shell)
    assert r.code == 0, r.stderr
    assert [p["value"] for p in r.json["points"]] == [2.0, 12.0]


@pytest.mark.skipif(shutil.which("calctool") is None, reason="needs the installed console script")
def test_a_readme_pipeline_through_the_console_script(workdir: Path, shell) -> None:
    """The real thing once: bash, printf, a pipe, the `calctool` script on PATH."""
    example = next(e for e in _readme_examples() if e.startswith("printf") and "--json" in e)
    head = example.partition("| jq")[0]
    r = shell(head, cwd=workdir)
    assert "Traceback" not in r.stderr
    lines = r.json_lines
    stdin = _stdin_of(shlex.split(head.partition("|")[0]), workdir)
    assert stdin is not None
    assert [d["input"] for d in lines] == stdin.splitlines()
    assert lines[0]["ok"] is True


def test_every_command_has_examples() -> None:
    names = {name for name, _ in _help_examples()}
    for name in COMMANDS:
        if importlib.util.find_spec(f"calctool.cli.commands.{name}") is not None:
            assert name in names, f"{name} --help shows no example"


def test_help_shows_examples(cli) -> None:
    for name, example in _help_examples():
        r = cli("--help") if name == "calctool" else cli(name, "--help")
        assert r.code == 0
        assert shlex.split(example)[0] == "calctool" or "|" in example
        assert example in r.stdout.replace("\n  ", "\n"), f"{name} --help lacks {example}"
