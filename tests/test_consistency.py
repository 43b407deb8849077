"""One tool: one meaning per flag, one exit-code rule, --digits everywhere (issue #17)."""

from __future__ import annotations

import re

import mpmath
import pytest

# Every command that prints a number, with arguments that make it print decimals.
DIGITS_CASES = {
    "diff": ["x^3*cos(x)", "--at", "2"],
    "eval": ["sin(x)", "--at", "1"],
    "tangent": ["sin(x)", "--at", "1"],
    "limit": ["(1+1/x)^x", "--to", "oo"],
    "gradcheck": ["x^2*y", "--at", "x=1.1,y=2.3"],
    "hessian": ["sin(x)*y", "--at", "x=1,y=2"],
    "integrate": ["exp(x)", "--from", "0", "--to", "1", "--riemann", "simpson", "--n", "4,8"],
    "series": ["cos(x)", "--order", "4", "--x", "0.5", "--table"],
    "jacobian": ["x*y, sin(x)", "--vars", "x,y", "--at", "x=1,y=2"],
    "backprop": ["sin(w*x)", "--vars", "w", "--at", "w=0.5,x=2"],
}


def _decimals(text: str) -> list[str]:
    return re.findall(r"(?<![\w.])\d+\.\d+(?:e[-+]?\d+)?", text)


@pytest.mark.parametrize("command", sorted(DIGITS_CASES))
def test_digits_is_on_every_command_and_rounds_the_decimals_shown(cli, command: str) -> None:
    args = DIGITS_CASES[command]
    full = cli(command, *args)
    short = cli(command, *args, "--digits", "4")
    assert full.code == short.code == 0, short.stderr
    assert any(len(d.replace(".", "").lstrip("0")) > 4 for d in _decimals(full.stdout)), \
        full.stdout
    for d in _decimals(short.stdout):
        mantissa = d.split("e")[0]
        assert len(mantissa.replace(".", "").lstrip("0")) <= 4, (d, short.stdout)
    # JSON numbers keep every digit whatever --digits says (only the *_text strings,
    # "the value to --digits digits", and the LaTeX written with it follow it)
    def numbers(d: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in d.items() if "text" not in k and k not in ("digits", "latex")}

    assert numbers(cli(command, *args, "--json").json) == \
        numbers(cli(command, *args, "--digits", "4", "--json").json)


def test_digits_rounds_correctly_against_mpmath(cli) -> None:
    """diff --digits 30 computes the value to 30 digits (not a rounded double)."""
    with mpmath.workdps(50):  # never the global precision: other tests rely on it
        x = mpmath.mpf(2)
        exact = -x**3 * mpmath.sin(x) + 3 * x**2 * mpmath.cos(x)
        expected = mpmath.nstr(exact, 30)
    r = cli("diff", "x^3*cos(x)", "--at", "2", "--digits", "30")
    shown = r.stdout.split("≈")[-1].strip()
    assert shown == expected, r.stdout


@pytest.mark.parametrize("command", ["diff", "tangent", "gradcheck", "hessian"])
def test_at_twice_is_a_usage_error_where_one_point_makes_sense(cli, command: str) -> None:
    r = cli(command, "x^2*y", "--at", "x=1,y=2", "--at=x=2,y=3", "--json")
    assert r.code == 2
    assert r.json["error"]["code"] == "usage_error"
    assert "--at is given 2 times" in r.json["error"]["message"]
    # eval takes several points
    assert cli("eval", "x^2", "--at", "1", "--at", "2").code == 0


def test_any_single_value_option_twice_is_a_usage_error(cli) -> None:
    for argv in (["limit", "1/x", "--to", "0", "--to", "1"],
                 ["diff", "x^3", "--order", "2", "-n", "3"],
                 ["diff", "x*y", "--wrt", "x", "--wrt=y"]):
        r = cli(*argv)
        assert r.code == 2 and "given 2 times" in r.stderr, argv
    # a flag twice is harmless; an expression after -- that looks like an option is data
    assert cli("diff", "x^2", "--json", "--json").code == 0
    assert cli("diff", "--at", "1", "--", "-x^2").code == 0


@pytest.mark.parametrize("command,args", [("diff", ["x^2"]), ("tangent", ["x^2", "--at", "1"]),
                                          ("limit", ["x^2", "--to", "1"])])
def test_range_without_plot_is_a_usage_error(cli, command: str, args: list[str]) -> None:
    r = cli(command, *args, "--range", "0:1", "--json")
    assert r.code == 2 and r.json["error"]["code"] == "bad_option"
    assert "add --plot" in r.json["error"]["message"]
    assert cli(command, *args, "--range", "0:1", "--plot", env={"COLUMNS": "80"}).code == 0


# The exit-code rule, command by command: a proven "does not exist" is an answer (0).
PROVEN_FACTS = [
    (["diff", "abs(x)", "--at", "0"], "exists", False),
    (["diff", "cbrt(x)", "--at", "0"], "exists", False),
    (["diff", "floor(x)", "--at", "1"], "exists", False),
    (["tangent", "abs(x)", "--at", "0"], "exists", False),
    (["limit", "abs(x)/x", "--to", "0"], "exists", False),
    (["limit", "sin(1/x)", "--to", "0"], "exists", False),
    (["hessian", "x^2 + y^2", "--at", "x=1,y=1"], "critical", False),
    (["hessian", "x*abs(x)", "--at", "x=0"], "exists", False),
]


@pytest.mark.parametrize(("argv", "key", "value"), PROVEN_FACTS)
def test_a_proven_fact_is_an_answer_exit_0(cli, argv: list[str], key: str, value: object) -> None:
    r = cli(*argv, "--json")
    assert r.code == 0, r.stdout
    assert r.json["ok"] is True and r.json[key] == value


def test_cannot_decide_or_no_value_is_exit_3(cli) -> None:
    # f has no value at the point: the question has no answer (documented in docs/cli.md)
    assert cli("diff", "1/x", "--at", "0").code == 3
    assert cli("eval", "log(x)", "--at", "0").code == 3
    # gradcheck at a corner: there is no true gradient to compare with, so pass/fail
    # cannot be decided
    assert cli("gradcheck", "abs(x)", "--at", "0").code == 3
    # a check that fails is 1
    assert cli("gradcheck", "x^2*y", "--grad", "2*x, x^2", "--at", "x=1,y=2").code == 1


def test_every_flag_has_one_documented_meaning() -> None:
    """Every flag of every command is in the vocabulary; when two commands describe one
    flag with different help, each command outside the largest group has a reason."""
    from calctool.cli.docs import flag_help
    from calctool.cli.vocabulary import ALIASES, FLAGS

    used = flag_help()
    missing = sorted(set(used) - set(FLAGS) - {"--install-completion", "--show-completion"})
    assert not missing, f"flags without a documented meaning in cli/vocabulary.py: {missing}"
    stale = sorted(set(FLAGS) - set(used))
    assert not stale, f"documented flags no command has: {stale}"
    for flag, by_command in used.items():
        shown = {c: h for c, (h, hidden) in by_command.items() if not hidden}
        hidden = {c for c, (_, is_hidden) in by_command.items() if is_hidden}
        assert all((c, flag) in ALIASES for c in hidden), (flag, hidden)
        groups: dict[str, list[str]] = {}
        for command, text in sorted(shown.items()):
            groups.setdefault(text, []).append(command)
        if len(groups) <= 1:
            continue
        # One group of commands says the plain meaning; every other group says why not.
        reasons = FLAGS[flag].differs
        unexplained = [cs for cs in groups.values() if not all(c in reasons for c in cs)]
        if len(unexplained) > 1:
            lines = [f"{', '.join(cs)}: {t!r}" for t, cs in groups.items()]
            raise AssertionError(f"{flag} has its own help in several commands without a "
                                 "reason in cli/vocabulary.py:\n" + "\n".join(lines))


def test_the_vocabulary_check_catches_a_second_meaning(monkeypatch) -> None:
    """The check above is not vacuous: a reason removed makes it fail."""
    from calctool.cli import vocabulary

    flags = dict(vocabulary.FLAGS)
    flags["--vars"] = vocabulary.Flag(flags["--vars"].meaning)  # no reasons
    monkeypatch.setattr(vocabulary, "FLAGS", flags)
    with pytest.raises(AssertionError, match="--vars has its own help"):
        test_every_flag_has_one_documented_meaning()


def test_docs_cli_lists_the_vocabulary_and_the_exit_rule() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text()
    assert "## Flags: one meaning each" in text and "## Exit codes" in text
    assert "| `--grid` |" in text and "`eval --range` → `--grid`" in text


def test_no_arguments_prints_a_short_usage(cli) -> None:
    r = cli()
    assert r.code == 2 and r.stdout == ""
    assert r.stderr.startswith("usage: calctool COMMAND EXPRESSION [OPTIONS]")
    assert "error:" not in r.stderr and len(r.stderr.splitlines()) <= 6


def test_top_level_help_has_whole_summaries_examples_and_exit_codes(cli) -> None:
    out = cli("--help").stdout
    assert "..." not in out.split("Commands:")[1]  # click's cut summaries
    assert "Examples:" in out and "Exit status:" in out and "docs/json.md" in out


def test_numbers_are_shown_as_typed(cli) -> None:
    assert "f'(x) at x=0.1 = 0.2" in cli("diff", "x^2", "--at", "0.1").stdout
    tangent = cli("tangent", "x^2", "--at", "0.3").stdout
    assert "point          = (0.3, 0.09)" in tangent and "slope f'(0.3)  = 0.6" in tangent
    assert "x → 0.5⁻" in cli("limit", "sin(x)/x", "--to", "0.5").stdout
    # a fraction typed as a fraction stays one
    assert "(1/3, 1/9)" in cli("tangent", "x^2", "--at", "1/3").stdout


def test_exact_and_decimal_side_by_side_by_one_rule(cli) -> None:
    """The exact value, with its decimal after ≈ when the decimal is not the same number;
    checked against mpmath: d/dx x^(1/3) at -8 is 1/12."""
    with mpmath.workdps(30):
        expected = mpmath.diff(lambda t: -mpmath.cbrt(-t), -8)
    out = cli("diff", "x^(1/3)", "--at", "-8").stdout
    assert "f'(x) at x=-8 = 1/12 ≈ 0.0833333333333333" in out
    assert float(expected) == pytest.approx(1 / 12, rel=1e-12)
    assert "= 0.2\n" in cli("diff", "x^2", "--at", "0.1").stdout  # 1/5 is 0.2: once


def test_a_composite_of_f_is_not_labelled_f(cli) -> None:
    out = cli("diff", "f(g(x))").stdout
    assert "y     = f(g(x))" in out and "dy/dx = f'(g(x))*g'(x)" in out
    assert "f'(x) =" not in out
    assert "d²y/dx²" in cli("diff", "f(x)*g(x)", "--order", "2").stdout
    assert "f'(x) = g(x)*cos(x)" in cli("diff", "g(x)*sin(x)").stdout  # no f: f'(x) as ever


def test_a_failed_check_stands_out_in_colour(cli) -> None:
    r = cli("gradcheck", "x^2*y", "--grad", "2*x, x^2", "--at", "x=1,y=2",
            env={"COLUMNS": "100", "TERM": "xterm"}, tty=True)
    assert r.code == 1
    result = next(line for line in r.stdout.splitlines() if "FAIL:" in line)
    assert "\x1b[1;31m" in result  # bold red
    wrong = next(line for line in r.stdout.splitlines() if "note: ∂f/∂x is wrong" in line)
    assert "\x1b[2" not in wrong and "\x1b[1m" in wrong  # bold, not dim


def test_latex_is_a_pasteable_snippet_and_honours_at(cli) -> None:
    out = cli("diff", "x^2", "--at", "3", "--latex").stdout.splitlines()
    assert out == [r"\[ \frac{d}{dx}\left(x^{2}\right) = 2 x \]",
                   r"\[ \left.\frac{d}{dx}\left(x^{2}\right)\right|_{x = 3} = 6 \]"]
    block = cli("diff", "x^3*cos(x)", "--steps", "--latex", "--latex-style", "align").stdout
    assert block.startswith("\\begin{align*}\n") and block.endswith("\\end{align*}\n")
    assert "aligned" not in block  # the derivation's rows are spliced into align*
    body = block.split("\n")[1:-2]
    assert all("&" in row for row in body)
    assert cli("diff", "x", "--latex", "--latex-style", "both").code == 2


# How the input was read ('xy' is one variable) is told on every command: on stderr
# for people and first in JSON `notes` for programs, the new commands as the old.
READING_CASES = {
    "diff": ["2xy*x", "--wrt", "x"],
    "integrate": ["2xy*x", "--wrt", "x"],
    "series": ["2xy*x", "--at", "x=0", "--order", "2"],
    "jacobian": ["2xy*x, x", "--vars", "x"],
    "backprop": ["2xy*w", "--vars", "w", "--at", "w=1,xy=2"],
    "plot": ["sinx", "--range", "0:1"],
    "diff --implicit": ["2xy*x^2 + y^2 = 1", "--implicit", "y", "--wrt", "x"],
}


@pytest.mark.parametrize("case", sorted(READING_CASES))
def test_every_command_says_how_the_input_was_read(cli, case: str) -> None:
    import json

    command = case.split()[0]
    args = READING_CASES[case]
    name = "sinx" if "sinx" in args[0] else "xy"
    text = cli(command, *args)
    assert text.code == 0, text.stderr
    assert f"'{name}' is read as one variable" in text.stderr
    data = cli(command, *args, "--json")
    assert data.code == 0, data.stdout
    notes = json.loads(data.stdout)["notes"]
    assert notes and notes[0].startswith(f"'{name}' is read as one variable"), notes
