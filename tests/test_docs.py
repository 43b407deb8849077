"""Docs that cannot drift: docs/cli.md is what --help says, docs/json.md lists the keys
that results really have.

docs/json.md's tables are read as data: each `## <command>` section's table lists the
keys of that command's results (*when* "always": on every result), each
`### \\`key\\`` or `### \\`key[]\\`` table the keys of that object (or of each item of
that list). Real results are produced in-process for the cases the doc describes,
and every key they have must be documented, every "always" key present, and every
documented key produced by some case.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from calctool.cli import docs
from calctool.cli.app import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
JSON_MD = ROOT / "docs" / "json.md"
CLI_MD = ROOT / "docs" / "cli.md"
EVERY = "Every result"
ERROR = "Errors.error"
ERROR_TOP = {"ok", "command", "input", "expression", "error"}

# --------------------------------------------------------------------------- docs/cli.md


def test_cli_reference_is_current() -> None:
    assert CLI_MD.exists(), f"docs/cli.md is missing: run {docs.REGENERATE}"
    assert CLI_MD.read_text(encoding="utf-8") == docs.generate(), (
        f"docs/cli.md differs from --help: run {docs.REGENERATE} and commit docs/cli.md")


def test_cli_reference_covers_every_command() -> None:
    text = CLI_MD.read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"## calctool {name}\n" in text
        assert f"Usage: calctool {name} [OPTIONS]" in text


def test_cli_reference_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    wide = None
    for columns in ("200", "40"):
        monkeypatch.setenv("COLUMNS", columns)
        text = docs.generate()
        wide = wide or text
        assert text == wide
    assert max(len(line) for line in wide.split("## calctool", 1)[1].splitlines()) <= 100


def test_check_mode_fails_on_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) \
        -> None:
    target = tmp_path / "cli.md"
    assert docs.main(["--check", "--output", str(target)]) == 1  # missing
    assert docs.main(["--output", str(target)]) == 0
    assert docs.main(["--check", "--output", str(target)]) == 0
    target.write_text(target.read_text(encoding="utf-8").replace("--json", "--jsn", 1))
    assert docs.main(["--check", "--output", str(target)]) == 1
    assert docs.REGENERATE in capsys.readouterr().err


# --------------------------------------------------------------------------- docs/json.md


def json_tables(text: str | None = None) -> dict[str, dict[str, str]]:
    """{section: {key: when}}: "## name" sections, and "### `key`" / "### `key[]`" ones
    (named "name.key") for the objects inside a result."""
    text = JSON_MD.read_text(encoding="utf-8") if text is None else text
    tables: dict[str, dict[str, str]] = {}
    parent = section = None
    for line in text.splitlines():
        if line.startswith("## "):
            parent = section = line[3:].strip()
        elif line.startswith("### "):
            m = re.fullmatch(r"### `(\w+)(?:\[\])?`", line.strip())
            section = f"{parent}.{m.group(1)}" if m else None
        elif section and line.startswith("| `"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            for key in re.findall(r"`([^`]+)`", cells[0]):
                assert key not in tables.get(section, {}), f"{key} twice in {section}"
                tables.setdefault(section, {})[key] = cells[1]
    return tables


def always(table: dict[str, str]) -> set[str]:
    return {k for k, when in table.items() if when == "always"}


def test_the_doc_parses_into_a_table_per_command() -> None:
    tables = json_tables()
    for name in (*COMMANDS, EVERY, ERROR):
        assert tables.get(name), f"docs/json.md has no key table for {name}"
    assert always(tables[EVERY]) == {"ok", "command", "input", "expression", "notes"}
    head = "| key | when | meaning |\n|---|---|---|\n"
    sample = (f"## diff\n\n{head}| `a`, `b` | always | x \\| y |\n"
              f"\n### `a[]`\n\n{head}| `c` | `--c` | z |\n")
    assert json_tables(sample) == {"diff": {"a": "always", "b": "always"},
                                   "diff.a": {"c": "`--c`"}}


# The cases docs/json.md describes, per command (arguments after the command; --json added).
CASES: dict[str, list[list[str]]] = {
    "diff": [
        ["x^3*cos(x)"],
        ["x^3*cos(x)", "--at", "2"],
        ["x^2*y"],
        ["x^2*y", "--at", "x=1,y=2"],
        ["x^2*y^3", "--wrt", "x,y"],
        ["sin(x)", "--order", "2", "--steps"],
        ["sigmoid(w*x+b)", "--wrt", "w", "--steps"],
        ["x^2*y", "--steps"],
        ["relu(x)", "--steps"],
        ["x^2", "--plot", "--range", "0:1"],
        ["x^2 + y^2 = 1", "--implicit", "y", "--order", "2", "--at", "x=3/5,y=4/5",
         "--steps"],
        ["x^2 + y^2 = 1", "--implicit", "y", "--at", "x=1,y=0"],
        ["abs(x)", "--at", "0"],  # exists: false, one-sided slopes
        ["abs(x) + y", "--at", "x=0,y=0"],  # a gradient component that does not exist
    ],
    "eval": [
        ["sin(x)", "--at", "x=pi/4"],
        ["sqrt(2)", "--digits", "50"],
        ["exp(1000)"],
        ["x^2", "--at", "1", "--at", "2"],
        ["x^2", "--at", "1", "--at", "2", "--digits", "20"],
        ["log(x)", "--grid", "x=-1:1:3"],
        ["exp(x)", "--grid", "x=999:1000:2"],
        ["x*y", "--csv", "points.csv"],
        ["x", "--grid", "x=0:1:5", "--summary"],
        ["x", "--grid", "x=0:1:3", "--output", "out.csv"],
        ["sin(x)", "--at", "x=pi/4", "--plot"],
        ["1/x", "--grid", "x=-2:2:9", "--plot", "--range", "-3:3"],
    ],
    "tangent": [
        ["x^2", "--at", "3"],
        ["x^2", "--at", "1", "--secants", "--plot"],
        ["abs(x)", "--at", "0"],
        ["cbrt(x)", "--at", "0"],
        ["x^2 + y^2", "--at", "x=1,y=2"],
        ["abs(x) + y^2", "--at", "x=0,y=1"],
        ["x^2 + y^2 = 25", "--at", "x=3,y=4"],
    ],
    "limit": [
        ["sin(x)/x", "--to", "0", "--table"],
        ["abs(x)/x", "--to", "0"],
        ["1/x", "--to", "0", "--dir", "+"],
        ["(1+1/x)^x", "--to", "oo", "--table"],
        ["sqrt(x)", "--to", "0"],
        ["sqrt(-x)", "--to", "0"],
        ["sin(x)/x", "--to", "0", "--numeric"],
        ["(1+1/x)^x", "--to", "oo", "--numeric"],  # a guess: e
        ["x^3/sin(1/x)", "--to", "0", "--dir", "+"],  # unbounded: poles close in
        ["a*x", "--to", "x=oo"],  # cases by the sign of a
        ["a*x", "--to", "x=oo", "--assume", "a>0"],  # notes
        ["x^2", "--to", "1", "--plot"],
    ],
    "gradcheck": [
        ["(sigmoid(w*x+b) - t)^2", "--vars", "w,b", "--at", "w=0.5,b=0.1,x=2,t=0.8"],
        ["x^2*y", "--grad", "2*x, x^2", "--at", "x=1,y=2"],
        ["--func", "model.py:loss", "--grad", "model.py:loss_grad", "--dim", "20"],
        ["--func", "model.py:loss", "--grad", "model.py:wrong_grad", "--dim", "1000", "--fast"],
        ["--func", "model.py:loss", "--grad", "model.py:wrong_grad", "--dim", "50",
         "--points", "5"],
        ["--func", "mapping.py:polar", "--vjp", "mapping.py:polar_vjp", "--at", "2,0.5"],
    ],
    "hessian": [
        ["x*y*z"],
        ["x^2*y", "--at", "x=1,y=2"],
        ["x^4 + y^4", "--at", "x=0,y=0", "--fd-check"],
        ["--func", "model.py:loss", "--at", "0.1,0.2"],
        ["x^3 - 3*x + y^2", "--critical"],
        ["x^2*y^2", "--critical"],
        ["sin(x) + y^2", "--critical"],
        ["a*x^2 + y^2", "--vars", "x,y", "--critical", "--at", "a=1"],
        ["x*abs(x)", "--at", "x=0"],  # exists: false, the one-sided values
        ["--func", "model.py:loss", "--grad", "loss_grad", "--hvp", "--dim", "40"],
    ],
    "series": [
        ["sin(x)", "--order", "7"],
        ["1/x", "--at", "0"],
        ["sin(x)/x", "--order", "4"],
        ["cos(x)", "--order", "4", "--x", "0.5", "--table", "--steps"],
        ["exp(x)*cos(y)", "--at", "x=0,y=0", "--order", "2"],
        ["exp(a*x)", "--at", "x=0", "--order", "3"],
        ["sin(x)", "--order", "7", "--plot", "--range", "-6:6"],
    ],
    "jacobian": [
        ["x*y, x+y, sin(x)", "--vars", "x,y", "--at", "x=1,y=2"],
        ["r*cos(theta), r*sin(theta)", "--vars", "r,theta", "--at", "r=2,theta=pi/3"],
        ["abs(x) + y, x*y", "--at", "x=0,y=2"],
        ["--func", "mapping.py:polar", "--at", "2,0.5"],
    ],
    "backprop": [
        ["(sigmoid(w*x+b) - t)^2", "--vars", "w,b", "--at", "w=0.5,b=0.1,x=2,t=0.8"],
    ],
    "plot": [
        ["sin(x)", "cos(x)", "--range", "-pi:pi"],
        ["x^2", "--derivative", "--tangent-at", "1", "--range", "-1:3"],
    ],
    "integrate": [
        ["x^2*exp(x)"],
        ["sin(x)^2", "--steps"],
        ["x*log(x)", "--steps"],
        ["1/(x^2-1)", "--steps"],
        ["x/sqrt(1-x^2)", "--steps"],
        ["exp(a*x)", "--wrt", "x"],
        ["exp(-x^2)", "--from", "-oo", "--to", "oo"],
        ["1/x^2", "--from", "-1", "--to", "1"],
        ["sin(x)/x", "--from", "0", "--to", "1"],
        ["x^2", "--from", "0", "--to", "1", "--riemann", "mid", "--n", "4,8,16"],
        ["a*x^2", "--wrt", "x", "--from", "0", "--to", "b"],
        ["1/x^2", "--from", "-1", "--to", "1", "--plot"],
    ],
}

ERROR_CASES = [
    ["diff", "x^2 + )"],
    ["diff", "-x^2"],
    ["gradcheck", "abs(x)", "--at", "0"],  # no gradient to check: kind, left, right
    ["gradcheck", "--func", "model.py:boom", "--grad", "model.py:loss_grad", "--dim", "5"],
    ["gradcheck", "--func", "broken.py:f", "--grad", "broken.py:g", "--dim", "3"],
    # sympy's antiderivative of exp(-x^4) is wrong for x < 0: refused, with the evidence
    ["integrate", "exp(-x^4)"],
    # = 1, but the tail decays too slowly for any quadrature to confirm it: refused
    ["integrate", "1/(x*log(x)^2)", "--from", "e", "--to", "oo"],
]



def _objects(key: str, value: Any) -> list[dict[str, Any]]:
    """The objects a nested table describes: the value, each item, each node of `steps`."""
    if key == "steps":
        found, todo = [], [value]
        while todo:
            node = todo.pop()
            found.append(node)
            todo.extend(node.get("substeps", []))
        return found
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def nested_table(tables: dict[str, dict[str, str]], section: str, key: str) -> str | None:
    """The table of `key`'s objects: the section's own, else the one other section's
    (`plot` is documented once, under diff)."""
    if f"{section}.{key}" in tables:
        return f"{section}.{key}"
    others = [name for name in tables if name.endswith(f".{key}")]
    return others[0] if len(others) == 1 else None


def check_keys(section: str, obj: dict[str, Any], tables: dict[str, dict[str, str]],
               seen: dict[str, set[str]], variables: frozenset[str] | set[str] = frozenset(),
               base: dict[str, str] | None = None) -> None:
    """obj's keys against the table `section` (plus `base`), then its nested objects'."""
    table = {**(base or {}), **tables[section]}
    produced = set(obj)
    allowed = set(table) | (set(variables) if "<variable>" in table else set())
    undocumented = produced - allowed
    assert not undocumented, f"{section}: keys not in docs/json.md: {sorted(undocumented)}"
    missing = always(table) - {"<variable>"} - produced
    assert not missing, f"{section}: documented as always, not produced: {sorted(missing)}"
    seen.setdefault(section, set()).update(k if k in table else "<variable>" for k in produced)
    if "." in section:  # one level: a result's objects, not the objects inside those
        return
    for key in produced:
        inner = nested_table(tables, section, key)
        if inner is not None:
            for item in _objects(key, obj[key]):
                check_keys(inner, item, tables, seen, variables)


@pytest.mark.usefixtures("workdir")
@pytest.mark.parametrize("command", COMMANDS)
def test_json_keys_are_the_documented_ones(cli, command: str) -> None:
    tables = json_tables()
    seen: dict[str, set[str]] = {}
    for args in CASES[command]:
        r = cli(command, *args, "--json")
        assert r.code in (0, 1), f"{command} {args}: exit {r.code}\n{r.stdout}{r.stderr}"
        d = r.json
        assert d["ok"] is True and d["command"] == command
        check_keys(command, d, tables, seen, set(d.get("variables") or ()), tables[EVERY])
    # every documented key of this command (and of its objects) comes up in some case
    for section in (command, *(s for s in tables if s.startswith(command + "."))):
        unproduced = set(tables[section]) - seen.get(section, set())
        assert not unproduced, f"{section}: documented, never produced: {sorted(unproduced)}"


@pytest.mark.usefixtures("workdir")
def test_every_result_keys(cli) -> None:
    tables = json_tables()
    produced: set[str] = set()
    for command in COMMANDS:
        produced |= set(cli(command, *CASES[command][0], "--json").json)
    produced |= set(cli("eval", "exp(x)", "--grid", "x=999:1000:2", "--json").json)  # notes
    unproduced = set(tables[EVERY]) - produced
    assert not unproduced, f"documented for every result, never produced: {sorted(unproduced)}"


@pytest.mark.usefixtures("workdir")
def test_error_keys_are_the_documented_ones(cli) -> None:
    tables = json_tables()
    seen: dict[str, set[str]] = {}
    for argv in ERROR_CASES:
        r = cli(*argv, "--json")
        assert r.code in (2, 3), f"{argv}: exit {r.code}\n{r.stdout}{r.stderr}"
        d = r.json
        assert set(d) == ERROR_TOP and d["ok"] is False and d["expression"] is None
        check_keys(ERROR, d["error"], tables, seen)
    unproduced = set(tables[ERROR]) - seen[ERROR]
    assert not unproduced, f"error: documented, never produced: {sorted(unproduced)}"
