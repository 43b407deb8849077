"""The command line as scripts and people meet it: exit codes, JSON, batch, errors, start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from calctool.core.expr.parse import parse

BASE_KEYS = {"ok", "command", "input", "expression"}


def test_diff_prints_the_derivative(cli) -> None:
    r = cli("diff", "x^3*cos(x)")
    assert r.code == 0
    assert "-x**3*sin(x) + 3*x**2*cos(x)" in r.stdout
    assert r.stderr == ""


def test_diff_json_contract(cli) -> None:
    r = cli("diff", "x^3*cos(x)", "--json")
    assert r.code == 0
    d = r.json
    assert BASE_KEYS | {"result", "latex", "variables"} <= d.keys()
    assert d["ok"] is True and d["command"] == "diff" and d["input"] == "x^3*cos(x)"
    x = sp.Symbol("x")
    assert sp.simplify(sp.sympify(d["result"]) - (3 * x**2 * sp.cos(x) - x**3 * sp.sin(x))) == 0
    assert d["expression"] == "x**3*cos(x)"


def test_diff_json_at_and_gradient(cli) -> None:
    d = cli("diff", "x^2*y", "--at", "x=1,y=2", "--json").json
    assert d["gradient"] == {"x": "2*x*y", "y": "x**2"}
    assert d["at"] == {"x": 1.0, "y": 2.0}
    assert d["value"] == {"x": 4.0, "y": 1.0}
    d = cli("diff", "x^2", "--at=-1", "--json").json
    assert d["value"] == -2.0


def test_eval_json_contract(cli) -> None:
    d = cli("eval", "sin(x)", "--at", "x=pi/2", "--json").json
    assert BASE_KEYS | {"value"} <= d.keys() and d["value"] == 1.0
    d = cli("eval", "x^2", "--at", "1", "--at", "2", "--json").json
    assert [p["value"] for p in d["points"]] == [1.0, 4.0]
    assert [p["x"] for p in d["points"]] == [1.0, 2.0]


@pytest.mark.parametrize(("args", "code", "error_code"), [
    (["diff", "x+)"], 2, "parse_error"),
    (["diff", "sin(x"], 2, "parse_error"),
    (["diff", "foo(x)"], 2, "unknown_function"),
    (["diff", ""], 2, "empty_input"),
    (["diff", "1/0"], 3, "undefined"),
    (["diff", "9^9^9^9"], 3, "resource_limit"),
    (["diff", "factorial(10^9)"], 3, "resource_limit"),
    (["diff", "x*y", "--at", "3"], 2, "missing_variable"),
    (["eval", "log(x)", "--at", "0"], 3, "undefined"),
    (["eval", "x"], 2, "missing_variable"),
    (["eval", "x", "--at", "y=1"], 2, "unknown_variable"),
    (["diff", "x^2", "--bogus"], 2, "usage_error"),
    (["diff", "x^2", "--order", "abc"], 2, "usage_error"),
    (["diff", "x^2", "--order", "0"], 2, "usage_error"),
    (["frobnicate", "x"], 2, "usage_error"),
    (["diff"], 2, "usage_error"),
    (["diff", "x", "--timeout", "-1"], 2, "bad_value"),
    (["diff", "x", "--latex"], 2, "bad_option"),
])
def test_errors_have_exit_codes_and_json(cli, args: list[str], code: int,
                                         error_code: str | None) -> None:
    r = cli(*args, "--json")
    assert r.code == code, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    if error_code is None:
        return
    d = r.json  # exactly one JSON document
    assert d["ok"] is False
    assert d["error"]["code"] == error_code
    assert d["error"]["message"]


def test_parse_error_shows_a_caret(cli) -> None:
    r = cli("diff", "x^2 + )")
    assert r.code == 2
    lines = r.stderr.splitlines()
    assert lines[0].startswith("calctool: error:")
    assert lines[1] == "  x^2 + )"
    assert lines[2] == "        ^"
    assert r.stdout == ""


def test_json_parse_error_has_position(cli) -> None:
    d = cli("diff", "x^2 + )", "--json").json
    assert d["error"]["position"] == 6


def test_expression_starting_with_minus(cli) -> None:
    r = cli("diff", "--", "-x^2")
    assert r.code == 0 and "-2*x" in r.stdout
    r = cli("diff", "-x^2")
    assert r.code == 2
    assert "calctool diff -- '-x^2'" in r.stderr


def test_the_minus_hint_keeps_the_options_before_the_dash_dash(cli) -> None:
    """The suggested command runs as shown: options first, the expression quoted."""
    import shlex

    r = cli("diff", "-(t*log(p) + (1-t)*log(1-p))", "--wrt", "p")
    suggested = r.stderr.split("put it after --: ")[1].splitlines()[0]
    assert suggested == "calctool diff --wrt p -- '-(t*log(p) + (1-t)*log(1-p))'"
    command, *rest = shlex.split(suggested)[1:]
    again = cli(command, "--json", *rest)
    assert again.code == 0 and again.json["result"] == "(1 - t)/(1 - p) - t/p"


def test_a_mistyped_command_is_suggested_once(cli) -> None:
    r = cli("difff", "x")
    assert r.code == 2 and r.stderr.count("Did you mean 'diff'?") == 1


def test_a_kink_is_an_answer_with_one_sided_slopes(cli) -> None:
    """A derivative that provably does not exist: exit 0, exists false, both slopes."""
    r = cli("diff", "abs(x)", "--at", "0", "--json")
    assert r.code == 0
    d = r.json
    assert d["ok"] is True and d["exists"] is False and d["value"] is None
    assert d["left_slope"] == -1.0 and d["right_slope"] == 1.0 and d["kind"] == "corner"
    r = cli("diff", "abs(x)", "--at", "0")
    assert r.code == 0 and r.stderr == ""
    assert "does not exist: a corner" in r.stdout
    assert "tends to -1 from below and to 1 from above" in r.stdout


def test_non_finite_numbers_are_strings_in_json(cli) -> None:
    r = cli("eval", "log(x)", "--grid", "x=-1:1:3", "--json")
    assert "NaN" not in r.stdout and "Infinity" not in r.stdout
    d = r.json
    assert d["points"][0]["value"] is None
    assert d["points"][0]["error"] == "not a real number"
    assert d["points"][1]["value"] == "-inf"


def test_batch_json_lines_one_per_input_in_order(cli) -> None:
    lines = ["x^2", "sin(x", "", "1/0", "__import__('os')", "x^3*cos(x)", "9^9^9^9"]
    r = cli("diff", "-", "--json", stdin="\n".join(lines) + "\n")
    out = r.json_lines
    assert len(out) == len(lines)
    assert [o["input"] for o in out] == lines
    assert [o["ok"] for o in out] == [True, False, False, False, False, True, False]
    assert out[0]["result"] == "2*x"
    assert r.code == 2  # the first failure's status


def test_batch_plain_one_answer_per_line(cli) -> None:
    r = cli("diff", "-", stdin="x^2\nbad)\nsin(x)\n")
    assert r.stdout.splitlines() == ["2*x", "error: unmatched ')'", "cos(x)"]


def test_latex_output(cli) -> None:
    r = cli("diff", "x^2", "--latex")
    assert r.stdout.strip() == r"\[ \frac{d}{dx}\left(x^{2}\right) = 2 x \]"
    inline = cli("diff", "x^2", "--latex", "--latex-style", "inline").stdout.strip()
    assert inline == r"$\frac{d}{dx}\left(x^{2}\right) = 2 x$"


def test_plain_output_has_no_colour_or_boxes(cli) -> None:
    r = cli("eval", "x^2", "--grid", "0:2:3")
    assert "\x1b[" not in r.stdout
    assert not set("│─┃━┏┓") & set(r.stdout)


def test_diff_plot_draws_both_curves(cli) -> None:
    r = cli("diff", "x^2", "--plot")
    assert r.code == 0
    assert "f(x)" in r.stdout and "f'(x)" in r.stdout
    d = cli("diff", "x^2", "--plot", "--json", "--range", "0:1").json
    series = d["plot"]["series"]
    assert [s["label"] for s in series] == ["f(x)", "f'(x)"]
    assert series[1]["y"][-1] == pytest.approx(2.0)


def test_timeout_stops_runaway_work(cli) -> None:
    r = cli("diff", "x^x^x^x^x^x", "--order", "12", "--simplify", "--timeout", "0.5", "--json")
    assert r.code == 3
    assert r.json["error"]["code"] == "timeout"


def test_injection_runs_nothing(tmp_path: Path, cli) -> None:
    marker = tmp_path / "pwned"
    payloads = [
        f"__import__('os').system('touch {marker}')",
        f"exec(\"open('{marker}','w')\")",
        f"eval(\"open('{marker}','w')\")",
        f"open('{marker}', 'w')",
        "().__class__.__base__.__subclasses__()",
        f"lambda: open('{marker}','w')",
        f"[open('{marker}','w') for _ in '1']",
    ]
    stdin = "\n".join(payloads) + "\n"
    r = cli("diff", "-", "--json", stdin=stdin)
    out = r.json_lines
    assert len(out) == len(payloads)
    assert all(o["ok"] is False and o["error"]["code"] in ("parse_error", "unknown_function")
               for o in out)
    assert not marker.exists()


def test_traceback_only_on_request(monkeypatch: pytest.MonkeyPatch, cli) -> None:
    import calctool.core.ops.diff as diff_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    # the operation under its API name (diff) or its older one (compute_diff)
    names = [n for n in ("diff", "compute_diff") if callable(getattr(diff_module, n, None))]
    assert names, "calctool.core.ops.diff defines no operation to break"
    for name in names:
        monkeypatch.setattr(diff_module, name, broken)
    r = cli("diff", "x")
    assert r.code == 70
    assert "internal error" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = cli("diff", "x", "--traceback")
    assert r.code == 70 and "Traceback" in r.stderr


# --- the real process: start-up, pipes, terminals -------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["diff", "--help"],
                                  ["eval", "--help"]])
def test_help_and_version_do_not_import_heavy_modules(import_probe, args: list[str]) -> None:
    heavy, r = import_probe(args)
    assert r.code == 0 and r.stdout.strip(), r.stderr
    assert not heavy, f"{args} imported {sorted(heavy)}"


def test_the_start_up_probe_sees_heavy_imports(import_probe) -> None:
    """The probe above can fail: a real command does import sympy."""
    heavy, r = import_probe(["diff", "x^2"])
    assert r.code == 0 and "2*x" in r.stdout
    assert "sympy" in heavy


@pytest.mark.parametrize("args", [["eval", "x", "--grid", "x=0:1:100000"], ["diff", "-"]])
def test_broken_pipe_is_quiet(args: list[str]) -> None:
    feed = "yes x^2 | head -200000 | " if args[-1] == "-" else ""
    script = f"{feed}{sys.executable} -m calctool {' '.join(args)} | head -1"
    status = '; echo "status=${PIPESTATUS[-2]}"'
    r = subprocess.run(["bash", "-c", "set -o pipefail; " + script + status],
                       capture_output=True, text=True, timeout=300)
    assert "Traceback" not in r.stderr
    assert "BrokenPipe" not in r.stderr and "Exception ignored" not in r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] in ("x,value", "2*x")
    assert lines[-1] == "status=141"


def test_parse_of_printed_results_round_trips(cli) -> None:
    for text in ("sigmoid(x)^2", "relu(x)*abs(x)", "cbrt(x)", "leaky_relu(x)", "softplus(x)"):
        d = cli("diff", text, "--json").json
        again = parse(d["result"])
        assert sp.simplify(again - parse(d["result"])) == 0


def test_batch_progress_on_a_terminal_never_reaches_stdout() -> None:
    """stderr a terminal, stdout a pipe: a line counter on stderr, answers intact on stdout."""
    import pty

    primary, secondary = pty.openpty()
    lines = "".join(f"{k}*x^2\n" for k in range(1, 201))
    env = {k: v for k, v in os.environ.items() if k != "NO_PROGRESS"}
    proc = subprocess.run([sys.executable, "-m", "calctool", "diff", "-", "--json"], input=lines,
                          stdout=subprocess.PIPE, stderr=secondary, text=True, timeout=120,
                          env=env)
    os.close(secondary)
    os.close(primary)
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["result"] for o in out] == [f"{2 * k}*x" for k in range(1, 201)]


def test_a_function_name_without_brackets_gets_a_note(cli) -> None:
    r = cli("diff", "sinx", "--wrt", "x", "--json")
    assert r.code == 0 and r.json["result"] == "0"  # sinx is a variable: the answer stands
    assert "'sinx' is read as one variable" in r.stderr and "write sin(x)" in r.stderr
    assert "note" not in cli("diff", "sin(x)").stderr
