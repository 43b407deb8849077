"""Shared test helpers: run the CLI in-process or as a real process, probe imports, slow tests.

Fixtures (each returns a function):

* `cli(*args, stdin=None, env=None, tty=False)` runs `calctool.cli.app.main` in this
  process and returns a `Run` (exit code, stdout, stderr; `.json`, `.json_lines`).
  `tty=True` makes stdout look like a terminal (the rich renderer); with
  `env={"COLUMNS": "80", "NO_COLOR": "1"}` that is rich at 80 columns without colour.
* `cli_process(*args, ...)` runs `python -m calctool` in a subprocess, for what only a
  real process shows (signals, broken pipes, memory and CPU limits, start-up).
* `shell(command, cwd=None)` runs a bash command line (pipefail on) with this Python's
  scripts, `calctool` among them, first on PATH.
* `import_probe(argv, env=None)` runs `main(argv)` in a fresh interpreter and returns
  which of sympy, numpy, plotext and rich it imported (the start-up guard).

Slow tests (`@pytest.mark.slow`: the 10,000-line soak, full corpora) are deselected by
default; they run when the environment variable CI is set (CI=true), with
`--run-slow`, or when `-m` names the marker (`-m slow` runs only them).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY_MODULES = ("sympy", "numpy", "plotext", "rich")


# --------------------------------------------------------------------------- options, slow tests


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="run the tests marked slow too (the default when CI is set)")
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from the current renderers, then review "
                          "the diff (git diff tests/golden)")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# In CI (a fresh clone: no .hypothesis database) property tests draw the same
# examples every run, so a green run stays green; locally they keep exploring.
# The fuzz soak (tests/test_soak.py) is where CI meets new inputs, with its seed
# printed.
if _in_ci():
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True)
    _hypothesis_settings.load_profile("ci")


def run_slow(config: pytest.Config) -> bool:
    """Whether slow tests stay selected: CI, --run-slow, or an -m expression naming them."""
    return bool(_in_ci() or config.getoption("--run-slow")
                or "slow" in (config.getoption("-m") or ""))


def _named_explicitly(config: pytest.Config) -> set[str]:
    """Node ids given on the command line (path::name): those run even when slow."""
    named = set()
    for arg in config.args:
        if "::" not in arg:
            continue
        path, _, rest = arg.partition("::")
        try:
            relative = Path(path).resolve().relative_to(config.rootpath).as_posix()
        except ValueError:
            continue
        named.add(f"{relative}::{rest}")
    return named


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if run_slow(config):
        return
    named = _named_explicitly(config)
    keep, slow = [], []
    for item in items:
        explicit = any(item.nodeid == n or item.nodeid.startswith(n + "[") for n in named)
        (slow if item.get_closest_marker("slow") and not explicit else keep).append(item)
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = keep


def pytest_report_header(config: pytest.Config) -> str:
    if run_slow(config):
        return "slow tests: included"
    return "slow tests: deselected (CI=true or --run-slow to run them)"


# --------------------------------------------------------------------------- running the CLI


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        """stdout as exactly one JSON document."""
        return json.loads(self.stdout)

    @property
    def json_lines(self) -> list[Any]:
        """stdout as JSON Lines: one document per line."""
        return parse_json_lines(self.stdout)


def parse_json_lines(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines()]


class _Stream(io.StringIO):
    """A text stream that says whether it is a terminal."""

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """cli("diff", "x^2", "--json", stdin="...") -> Run(code, stdout, stderr), in-process."""
    from calctool.cli.app import main

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            tty: bool = False) -> Run:
        out, err = _Stream(tty), _Stream(False)
        with monkeypatch.context() as m:
            m.setattr(sys, "argv", ["calctool", *args])
            m.setattr(sys, "stdin", io.StringIO(stdin or ""))
            m.setattr(sys, "stdout", out)
            m.setattr(sys, "stderr", err)
            for k, v in (env or {}).items():
                m.setenv(k, v)
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            else:  # pragma: no cover - main always exits
                code = 0
        return Run(code, out.getvalue(), err.getvalue())

    return run


def run_process(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
                timeout: float = 120, cwd: Path | None = None) -> Run:
    """The real program: `python -m calctool ARGS` in a subprocess."""
    r = subprocess.run([sys.executable, "-m", "calctool", *args], input=stdin,
                       capture_output=True, text=True, timeout=timeout, cwd=cwd,
                       env={**os.environ, **(env or {})})
    return Run(r.returncode, r.stdout, r.stderr)


@pytest.fixture
def cli_process() -> Callable[..., Run]:
    """cli_process("diff", "-", stdin=...) -> Run, from a real `python -m calctool`."""
    return run_process


def run_shell(command: str, cwd: Path | None = None, timeout: float = 120) -> Run:
    """bash -c COMMAND (with pipefail), this environment's scripts first on PATH."""
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    r = subprocess.run(["bash", "-c", "set -o pipefail; " + command], cwd=cwd, text=True,
                       capture_output=True, timeout=timeout, env=env)
    return Run(r.returncode, r.stdout, r.stderr)


@pytest.fixture
def shell() -> Callable[..., Run]:
    """shell("printf 'x\\n' | calctool diff -", cwd=...) -> Run, through bash."""
    return run_shell


_PROBE = """\
import sys
from calctool.cli.app import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
watched = sys.stdin.read().split()
sys.stderr.write("\\nIMPORTED=" + ",".join(m for m in watched if m in sys.modules))
"""


def imported_after(argv: list[str], env: dict[str, str] | None = None,
                   watch: tuple[str, ...] = HEAVY_MODULES) -> tuple[set[str], Run]:
    """Run main(argv) in a fresh interpreter: which of `watch` it imported, and the run."""
    r = subprocess.run([sys.executable, "-c", _PROBE, *argv], input=" ".join(watch),
                       capture_output=True, text=True, timeout=60,
                       env={**os.environ, **(env or {})})
    assert "IMPORTED=" in r.stderr, r.stderr
    head, _, found = r.stderr.rpartition("\nIMPORTED=")
    return {m for m in found.strip().split(",") if m}, Run(r.returncode, r.stdout, head)


@pytest.fixture
def import_probe() -> Callable[..., tuple[set[str], Run]]:
    """import_probe(["--help"]) -> (heavy modules imported, Run), in a fresh interpreter."""
    return imported_after


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the files examples and doc cases name, as the current directory."""
    (tmp_path / "points.csv").write_text("x,y\n1,2\n3,4\n")
    (tmp_path / "model.py").write_text(
        "import numpy as np\n\n"
        "def loss(w):\n    return float(np.sum(np.sin(w) + w**2))\n\n"
        "def loss_grad(w):\n    return np.cos(w) + 2*w\n\n"
        "def wrong_grad(w):\n    return np.cos(w) + w\n\n"
        "def boom(w):\n    raise ValueError('boom')\n")
    (tmp_path / "broken.py").write_text("def f(x:\n")
    # The files README and --help examples use, as shipped in examples/.
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples", tmp_path / "examples")
    (tmp_path / "mapping.py").write_text(  # jacobian --func: a vector-valued function
        "import numpy as np\n\n"
        "def polar(v):\n    return [v[0] * np.cos(v[1]), v[0] * np.sin(v[1])]\n\n"
        "def polar_vjp(v, u):  # J(v)^T u\n"
        "    c, s = np.cos(v[1]), np.sin(v[1])\n"
        "    return np.array([c * u[0] + s * u[1], v[0] * (c * u[1] - s * u[0])])\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path
