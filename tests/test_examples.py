"""Every example shown in --help and in the README runs as shown."""

from __future__ import annotations

import importlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from calctool.cli.app import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
# Examples may show a failure on purpose (exit 1: a gradient check failed; 3: a
# derivative that does not exist); a usage error (2) or a bug (70) never.
ACCEPTED = {0, 1, 3}


def _help_examples() -> list[tuple[str, str]]:
    found = []
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


def _readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text()
    commands = []
    for block in re.findall(r"```(?:console|sh)\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                line = line[2:]
            line = re.sub(r"\s+#.*$", "", line).strip()
            if re.match(r"^(python -m pip install|calctool|printf|echo|cat)\b", line) and \
                    "calctool" in line and "pip install" not in line:
                commands.append(line)
    return commands


def _run_shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # jq may be missing: an example's `| jq ...` tail is checked by running the
    # part before it and parsing its JSON instead.
    head, _, _ = command.partition("| jq")
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.run(["bash", "-c", "set -o pipefail; " + head], cwd=cwd, text=True,
                          capture_output=True, timeout=120, env=env)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder with the files examples refer to."""
    (tmp_path / "points.csv").write_text("x,y\n1,2\n3,4\n")
    (tmp_path / "model.py").write_text(
        "import numpy as np\n\n"
        "def loss(w):\n    return float(np.sum(np.sin(w) + w**2))\n\n"
        "def loss_grad(w):\n    return np.cos(w) + 2*w\n\n"
        "def wrong_grad(w):\n    return np.cos(w) + w\n")
    return tmp_path


@pytest.mark.parametrize(("command", "example"), _help_examples(),
                         ids=[e for _, e in _help_examples()])
def test_help_examples_run(command: str, example: str, workdir: Path) -> None:
    r = _run_shell(example, workdir)
    assert r.returncode in ACCEPTED, f"{example}\n{r.stdout}\n{r.stderr}"
    assert "Traceback" not in r.stderr
    assert (r.stdout + r.stderr).strip(), f"{example} printed nothing"


@pytest.mark.parametrize("example", _readme_examples())
def test_readme_examples_run(example: str, workdir: Path) -> None:
    r = _run_shell(example, workdir)
    # A batch example may show a bad line on purpose: its status is that line's (2).
    accepted = ACCEPTED | {2} if " - " in example else ACCEPTED
    assert r.returncode in accepted, f"{example}\n{r.stdout}\n{r.stderr}"
    assert "Traceback" not in r.stderr


def test_every_command_has_examples() -> None:
    names = {name for name, _ in _help_examples()}
    for name in COMMANDS:
        if importlib.util.find_spec(f"calctool.cli.commands.{name}") is not None:
            assert name in names, f"{name} --help shows no example"


def test_help_shows_examples(cli) -> None:
    for name, example in _help_examples():
        r = cli(name, "--help")
        assert r.code == 0
        assert shlex.split(example)[0] == "calctool" or "|" in example
        assert example in r.stdout.replace("\n  ", "\n"), f"{name} --help lacks {example}"
