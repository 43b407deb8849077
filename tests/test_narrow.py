"""Narrow terminals: at any width, a number is shown whole (maybe rounded to four or more
significant digits), never split over lines; labels are never cut (issue #17)."""

from __future__ import annotations

import re

import pytest

CASES = {
    "gradcheck": ["x^2*y", "--grad", "2*x, x^2", "--at", "x=1,y=2"],
    "gradcheck-neuron": ["(sigmoid(w*x+b) - t)^2", "--vars", "w,b", "--at",
                         "w=0.5,b=0.1,x=2,t=0.8"],
    "tangent": ["x^2", "--at", "3", "--secants"],
    "tangent-sin": ["sin(x)", "--at", "pi/4", "--secants"],
    "hessian": ["x^3 - 3*x + y^2", "--critical"],
    "hessian-3": ["x^4/4 - x^2/2 + y^3/3 - y + z^2", "--critical"],
    "integrate": ["exp(x)", "--from", "0", "--to", "1", "--riemann", "simpson", "--n", "4,8,16"],
    "integrate-diverges": ["1/x^2", "--from", "-1", "--to", "1"],
    "integrate-numeric": ["sin(x)/x", "--from", "0", "--to", "1"],
    "series": ["cos(x)", "--order", "4", "--x", "0.5", "--table"],
    "jacobian": ["x*y, x+y, sin(x)", "--vars", "x,y", "--at", "x=1,y=2"],
    "backprop": ["(sigmoid(w*x+b) - t)^2", "--vars", "w,b", "--at", "w=0.5,b=0.1,x=2,t=0.8"],
}
WIDTHS = [40, 60, 80, 200]
NUMBER = re.compile(r"(?<![\w.])[−-]?(?:\d+\.\d+|\d+)(?:e[-+−]\d+)?(?![\w.])")


def _value(token: str) -> float:
    return float(token.replace("−", "-"))


def _significant(token: str) -> int:
    mantissa = token.replace("−", "").replace("-", "").split("e")[0]
    return len(mantissa.replace(".", "").lstrip("0")) or 1


def _shows(wide: str, narrow_tokens: list[str]) -> bool:
    """`wide` is in the narrow output whole, or rounded to at least 4 significant digits."""
    if wide in narrow_tokens:
        return True
    x = _value(wide)
    for t in narrow_tokens:
        y = _value(t)
        keep = min(4, _significant(wide))
        if _significant(t) >= keep and abs(x - y) <= 0.5 * 10 ** (1 - keep) * abs(x) * 1.0001:
            return True
    return False


def _render(cli, args: list[str], width: int) -> str:
    r = cli(*args, env={"COLUMNS": str(width), "LINES": "200", "NO_COLOR": "1"}, tty=True)
    assert r.code in (0, 1), r.stderr
    return "\n".join(line.rstrip() for line in r.stdout.splitlines()) + "\n"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_numbers_are_never_split(cli, case: str, width: int) -> None:
    args = [case.split("-")[0], *CASES[case]]
    wide = _render(cli, args, 400)
    narrow = _render(cli, args, width)
    assert max(len(line) for line in narrow.splitlines()) <= width
    tokens = NUMBER.findall(narrow)
    # every number of the wide output is whole in the narrow one (maybe rounded) ...
    missing = [n for n in set(NUMBER.findall(wide)) if not _shows(n, tokens)]
    if "not shown: too narrow (--json has them)" in " ".join(narrow.split()):
        # a table may leave out its error columns (x.xe±yy), and says so
        missing = [n for n in missing if not re.fullmatch(r"[−-]?\d\.\de[-+]\d\d", n)]
    assert not missing, f"split or lost at {width} columns: {missing}\n{narrow}"
    # ... and nothing in the narrow output is a piece of a number
    pieces = [t for t in tokens if not any(_shows(t, [w]) or _shows(w, [t])
                                           for w in NUMBER.findall(wide))]
    assert not pieces, f"fragments at {width} columns: {pieces}\n{narrow}"
    assert "…" not in narrow, f"a label or value cut at {width} columns\n{narrow}"


def test_a_narrow_table_becomes_records(cli) -> None:
    out = _render(cli, ["gradcheck", *CASES["gradcheck"]], 40)
    assert re.search(r"^∂f/∂x\n  yours +2\n", out, flags=re.M), out
    assert "  check       FAIL" in out
    wide = _render(cli, ["gradcheck", *CASES["gradcheck"]], 80)
    assert "yours" in wide and "\n  yours" not in wide  # a table when it fits


def test_secants_drop_their_error_columns_before_becoming_records(cli) -> None:
    out = _render(cli, ["tangent", *CASES["tangent"]], 40)
    assert "error not shown: too narrow (--json has them)" in " ".join(out.split())
    assert re.search(r"1e-06 +6\.000001001 +5\.999999001", out), out
