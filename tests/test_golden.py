"""Golden files: what each renderer prints for each command, so a rendering change is a
reviewed diff.

Every case runs the CLI in-process three times, once per renderer:

* `rich`  - stdout a terminal, COLUMNS=80, NO_COLOR: rich tables and 2-D math, no colour;
* `plain` - stdout a pipe: plain text, one-line math;
* `ascii` - stdout a terminal with --ascii: rich's layout in ASCII only.

and compares stdout (and stderr when there is any; trailing spaces stripped) with
tests/golden/<command>/<case>.<renderer>.txt.
No plots (plotext), no timings, no paths, no random numbers.

After an intended change of the output, regenerate and review:

    python -m pytest tests/test_golden.py --update-golden
    git diff tests/golden
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_HINT = "python -m pytest tests/test_golden.py --update-golden (then review git diff)"

# command -> (case name, arguments after the command)
CASES: dict[str, list[tuple[str, list[str]]]] = {
    "diff": [
        ("product", ["x^3*cos(x)"]),
        ("gradient-at", ["x^2*y + y^3", "--at", "x=1,y=2"]),
        ("mixed-partial", ["x^2*y^3", "--wrt", "x,y"]),
        ("steps-chain", ["sigmoid(w*x+b)", "--wrt", "w", "--steps"]),
        ("kink", ["abs(x)", "--at", "0"]),
        ("implicit-steps", ["x^2 + y^2 = 1", "--implicit", "y", "--order", "2", "--at",
                            "x=3/5,y=4/5", "--steps"]),
    ],
    "eval": [
        ("point", ["sin(x)", "--at", "x=pi/4"]),
        ("digits", ["sqrt(2)", "--digits", "40"]),
        ("range", ["1/x", "--grid", "x=-1:1:5"]),
        ("summary", ["log(x)", "--grid", "x=-1:1:5", "--summary"]),
    ],
    "tangent": [
        ("secants", ["x^2", "--at", "3", "--secants"]),
        ("corner", ["abs(x)", "--at", "0"]),
        ("vertical", ["cbrt(x)", "--at", "0"]),
        ("plane", ["x^2 + y^2", "--at", "x=1,y=2"]),
        ("curve", ["x^2 + y^2 = 25", "--at", "x=3,y=4"]),
        ("curve-vertical", ["x^2 + y^2 = 25", "--at", "x=5,y=0"]),
    ],
    "limit": [
        ("sinc-table", ["sin(x)/x", "--to", "0", "--table"]),
        ("sides-differ", ["abs(x)/x", "--to", "0"]),
        ("from-above", ["1/x", "--to", "0", "--dir", "+"]),
        ("at-infinity", ["(1+1/x)^x", "--to", "oo"]),
    ],
    "gradcheck": [
        ("neuron", ["(sigmoid(w*x+b) - t)^2", "--vars", "w,b", "--at",
                    "w=0.5,b=0.1,x=2,t=0.8"]),
        ("hand-gradient-wrong", ["x^2*y", "--grad", "2*x, x^2", "--at", "x=1,y=2"]),
    ],
    "hessian": [
        ("matrix-at", ["x^3*y - 3*x + y^2*z", "--at", "x=1,y=2,z=1"]),
        ("saddle", ["x^2 - y^2", "--at", "x=0,y=0"]),
        ("critical", ["x^3 - 3*x + y^2", "--critical"]),
        ("numeric", ["x^4 + y^4", "--at", "x=0,y=0", "--fd-check"]),
    ],
    "series": [
        ("maclaurin", ["sin(x)", "--order", "7"]),
        ("laurent", ["1/x", "--at", "0"]),
        ("error-table", ["cos(x)", "--order", "4", "--x", "0.5", "--table"]),
        ("steps", ["log(x)", "--at", "1", "--order", "3", "--steps"]),
        ("two-variables", ["exp(x)*cos(y)", "--at", "x=0,y=0", "--order", "2"]),
    ],
    "jacobian": [
        ("rectangular-at", ["x*y, x+y, sin(x)", "--vars", "x,y", "--at", "x=1,y=2"]),
        ("polar-det", ["r*cos(theta), r*sin(theta)", "--vars", "r,theta"]),
        ("kink", ["abs(x) + y, x*y", "--at", "x=0,y=2"]),
    ],
    "backprop": [  # the notebook's single neuron (week 2, 2.4)
        ("neuron", ["(sigmoid(w*x+b) - t)^2", "--vars", "w,b", "--at",
                    "w=0.5,b=0.1,x=2,t=0.8"]),
    ],
    "plot": [  # the terminal plot is part of the answer (no colour: deterministic)
        ("two-curves", ["sin(x)", "cos(x)", "--range", "-pi:pi"]),
        ("tangent", ["x^2", "--tangent-at", "1", "--derivative", "--range", "-1:3"]),
    ],
    "integrate": [
        ("parts", ["x^2*exp(x)"]),
        ("log-abs", ["1/x"]),
        ("gaussian", ["exp(-x^2)", "--from", "-oo", "--to", "oo"]),
        ("diverges", ["1/x^2", "--from", "-1", "--to", "1"]),
        ("numeric", ["sin(x)/x", "--from", "0", "--to", "1"]),
        ("steps-substitution", ["x/sqrt(1-x^2)", "--steps"]),
        ("riemann", ["x^2", "--from", "0", "--to", "1", "--riemann", "mid", "--n", "4,8,16"]),
    ],
}

RENDERERS = {
    # renderer -> (extra arguments, stdout a terminal)
    "rich": ([], True),
    "plain": ([], False),
    "ascii": (["--ascii"], True),
}
ENV = {"COLUMNS": "80", "LINES": "24", "NO_COLOR": "1", "NO_PROGRESS": "1"}

PARAMS = [pytest.param(command, name, args, renderer, id=f"{command}-{name}-{renderer}")
          for command, cases in CASES.items() for name, args in cases for renderer in RENDERERS]


def golden_path(command: str, name: str, renderer: str) -> Path:
    return GOLDEN / command / f"{name}.{renderer}.txt"


def rendered(cli, command: str, args: list[str], renderer: str) -> str:
    """The golden text: the command line, the exit status, stdout, and stderr if any."""
    extra, tty = RENDERERS[renderer]
    argv = [command, *args, *extra]
    r = cli(*argv, env=ENV, tty=tty)
    assert r.code in (0, 1, 3), f"calctool {shlex.join(argv)}: exit {r.code}\n{r.stderr}"
    assert "Traceback" not in r.stdout + r.stderr
    assert "\x1b[" not in r.stdout, "colour codes despite NO_COLOR"
    text = f"$ calctool {shlex.join(argv)}\n# {renderer}, exit {r.code}\n{r.stdout}"
    if r.stderr:
        text += f"# stderr\n{r.stderr}"
    # rich pads lines to the width: the padding is invisible, and editors strip it
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


@pytest.mark.parametrize(("command", "name", "args", "renderer"), PARAMS)
def test_golden(cli, request: pytest.FixtureRequest, command: str, name: str,
                args: list[str], renderer: str) -> None:
    text = rendered(cli, command, args, renderer)
    path = golden_path(command, name, renderer)
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path.relative_to(GOLDEN.parent)}: {UPDATE_HINT}"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"calctool {command} {shlex.join(args)} renders differently ({renderer}); if that is "
        f"intended: {UPDATE_HINT}")


def test_rich_output_is_80_columns_and_ascii_output_is_ascii() -> None:
    """The golden files show what they claim: rich within 80 columns, ascii in ASCII."""
    for command, cases in CASES.items():
        for name, _ in cases:
            rich = golden_path(command, name, "rich")
            ascii = golden_path(command, name, "ascii")
            if not (rich.exists() and ascii.exists()):
                pytest.fail(f"golden files missing for {command} {name}: {UPDATE_HINT}")
            # after the two header lines, before any stderr
            body = rich.read_text(encoding="utf-8").split("\n", 2)[2].split("# stderr\n")[0]
            assert max(map(len, body.splitlines()), default=0) <= 80, rich
            assert ascii.read_text(encoding="utf-8").isascii(), ascii


def test_every_golden_file_belongs_to_a_case() -> None:
    """A renamed or removed case leaves no stale golden file behind."""
    expected = {golden_path(c, n, r) for c, cases in CASES.items() for n, _ in cases
                for r in RENDERERS}
    stale = sorted(str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.txt")
                   if p not in expected)
    assert not stale, f"golden files with no case (delete them): {stale}"


def test_every_command_has_golden_cases() -> None:
    from calctool.cli.app import COMMANDS

    assert set(COMMANDS) <= set(CASES)
