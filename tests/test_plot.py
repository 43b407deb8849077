"""The plotting engine and the `plot` command: honest curves, fast.

Expected values come from outside the code under test: where tan, 1/x and
floor jump (pi/2 and the integers), where log is defined (x > 0), the
textbook limit 1/2 of (1 - cos x)/x^2 at 0, and the 1-2-5 tick rule.
"""

from __future__ import annotations

import json
import math

import pytest
import sympy as sp

import calctool
from calctool.core.engines.plotdata import nice_ticks, sample
from calctool.core.expr.parse import parse
from calctool.render.plot import build, curve_pieces

X = sp.Symbol("x")


def one(text: str, lo: float, hi: float, **kw: object):
    return sample([("f", parse(text))], next(iter(parse(text).free_symbols), X), lo, hi,
                  title="t", **kw)


def finite(series) -> list[tuple[float, float]]:
    return [(x, y) for x, y in zip(series.x, series.y) if y is not None]


def joined_across(series, x0: float) -> bool:
    """Do two consecutive drawn samples lie on either side of x0 (a line across it)?"""
    pairs = zip(zip(series.x, series.y), zip(series.x[1:], series.y[1:]))
    return any(a[1] is not None and b[1] is not None and a[0] < x0 < b[0] for a, b in pairs)


def test_tan_is_cut_at_its_poles_and_marks_them() -> None:
    d = one("tan(x)", -3, 3)
    s = d.series[0]
    for pole in (-math.pi / 2, math.pi / 2):
        assert not joined_across(s, pole)
        assert any(abs(b - pole) < 1e-6 for b in s.breaks())
        assert any(abs(a - pole) < 1e-6 for a in d.asymptotes)
    assert len(d.asymptotes) == 2
    # The window shows the shape, not the spikes: tan is within +-20 on most of it.
    assert d.ylim is not None and -30 < d.ylim[0] < -2 and 2 < d.ylim[1] < 30


@pytest.mark.parametrize("text", ["1/x", "1/x^2", "1/x^3"])
def test_poles_at_zero_are_never_joined(text: str) -> None:
    d = one(text, -5, 5)
    assert not joined_across(d.series[0], 0.0)
    assert [round(a, 6) for a in d.asymptotes] == [0.0]
    assert d.ylim is not None and d.ylim[1] - d.ylim[0] < 100


def test_log_and_its_derivative_draw_nothing_where_log_is_undefined() -> None:
    r = calctool.diff("log(x)", plot=True)
    assert r.plot is not None
    for s in r.plot.series:
        xs = [x for x, _ in finite(s)]
        assert xs and min(xs) > 0, s.label  # 1/x exists for x < 0, log x does not
        assert min(xs) < 1e-6  # drawn up to the edge of the domain
    assert [round(a, 6) for a in r.plot.asymptotes] == [0.0]


def test_the_domain_as_written_is_respected() -> None:
    # sqrt(x)^2 simplifies to x, which exists for x < 0; the input does not.
    r = calctool.plot("sqrt(x)^2", plot_range="-2:2")
    assert r.plot is not None
    assert min(x for x, _ in finite(r.plot.series[0])) >= 0


def test_a_jump_is_cut_without_asymptote() -> None:
    d = one("floor(x)", -2.5, 2.5)
    s = d.series[0]
    for k in (-2, -1, 0, 1, 2):
        assert not joined_across(s, k)
    assert sorted(round(b) for b in s.breaks()) == [-2, -1, 0, 1, 2]
    assert d.asymptotes == ()


@pytest.mark.parametrize(("text", "lo", "hi"), [
    ("abs(x)", -2, 2), ("x^1000", 0, 1.1), ("tanh(1000*x)", -1, 1), ("sqrt(x)", 0, 4),
    ("exp(x)", -5, 30),
])
def test_continuous_curves_are_not_cut(text: str, lo: float, hi: float) -> None:
    d = one(text, lo, hi)
    assert d.series[0].breaks() == []
    assert d.asymptotes == ()


def test_sin_of_reciprocal_stays_small() -> None:
    d = one("sin(1/x)", -1, 1)
    assert len(d.series[0].x) < 10_000
    assert d.ylim is not None and d.ylim[1] - d.ylim[0] < 3


def test_a_hole_is_an_open_circle() -> None:
    r = calctool.limit("(1-cos(x))/x^2", to="0", plot=True)
    assert r.plot is not None
    assert [tuple(p) for p in r.plot.points] == [("limit 1/2", 0.0, 0.5, True)]
    text = build(r.plot, width=80, height=24, color=False)
    assert "○" in text and "●" not in text
    # ...and the curve is not made of rounding errors near 0 (no spike, no asymptote)
    assert r.plot.asymptotes == ()
    ys = [y for _, y in finite(r.plot.series[0])]
    assert max(ys) <= 0.5 + 1e-9 and min(ys) > 0.2


def test_a_defined_value_different_from_the_limit_is_shown_too() -> None:
    r = calctool.limit("floor(x)", to="1", plot=True)
    assert r.plot is not None
    points = {(p.label.split(":")[0], p.open) for p in r.plot.points}
    assert points == {("from below", True), ("from above", False)}  # floor(1) = 1


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (-math.pi, math.pi, [-3, -2, -1, 0, 1, 2, 3]),
    (-36.1, 84.6, [-20, 0, 20, 40, 60, 80]),
])
def test_ticks_are_round(lo: float, hi: float, expected: list[float]) -> None:
    assert nice_ticks(lo, hi, 6) == pytest.approx(expected)


@pytest.mark.parametrize(("lo", "hi"), [(0.35, 0.5), (-7.0, 14.0), (1e-6, 3e-6), (-1e5, 2e3),
                                        (0.999, 1.001)])
def test_ticks_step_by_one_two_or_five_times_a_power_of_ten(lo: float, hi: float) -> None:
    ticks = nice_ticks(lo, hi, 6)
    assert 3 <= len(ticks) <= 12
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-6
    assert all(lo - 1e-12 <= t <= hi + 1e-12 for t in ticks)
    assert all(abs(t / step - round(t / step)) < 1e-6 for t in ticks)


def test_clipping_puts_crossings_on_the_frame_and_never_joins_top_to_bottom() -> None:
    xs = [0.0, 1.0, 2.0, 3.0]
    ys = [0.0, 100.0, -100.0, 0.0]
    pieces = curve_pieces(xs, ys, (0, 3), (-1, 1), (100, 100), None)
    drawn = [p for piece in pieces for p in zip(*piece)]
    assert all(-1 <= y <= 1 for _, y in drawn)
    assert all(max(ys) - min(ys) <= 2 for _, ys in pieces)
    # the steep fall from 100 to -100 crosses the window: it is drawn there, clipped
    assert any(1.4 < x < 1.6 for x, _ in drawn)


def test_series_differ_without_colour_and_the_legend_is_below() -> None:
    r = calctool.plot(["sin(x)", "cos(x)"], plot_range="-pi:pi")
    assert r.plot is not None
    text = build(r.plot, width=80, height=24, color=False)
    last = text.splitlines()[-1]
    assert "─── sin(x)" in last and "╌╌╌ cos(x)" in last
    coloured = build(r.plot, width=80, height=24, color=True)
    assert "\x1b[38;5;" in coloured  # 256-colour mid tones, not the basic blue


def test_plot_api_json_document() -> None:
    r = calctool.plot(["tan(x)"], plot_range="-3:3", derivative=True)
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert d["command"] == "plot" and d["ok"] is True and d["notes"] == []
    assert d["expressions"] == ["tan(x)"] and d["derivatives"] == ["tan(x)**2 + 1"]
    s = d["plot"]["series"][0]
    assert set(s) == {"label", "style", "x", "y", "breaks"}
    assert len(s["x"]) == len(s["y"]) and None in s["y"]
    assert [round(b, 6) for b in s["breaks"]] == [round(-math.pi / 2, 6), round(math.pi / 2, 6)]
    assert d["plot"]["xlim"] == [-3, 3]
    assert [round(a, 6) for a in d["plot"]["asymptotes"]] == [round(-math.pi / 2, 6),
                                                            round(math.pi / 2, 6)]


def test_plot_tangent_at_a_point() -> None:
    r = calctool.plot("x^2", tangent_at=1, plot_range="-1:3")
    assert r.tangent is not None and r.tangent.slope == 2 and r.tangent.value == 1
    assert r.plot is not None and r.plot.series[-1].label == "tangent"
    assert [tuple(p)[1:3] for p in r.plot.points] == [(1.0, 1.0)]


def test_plot_ylim_overrides_the_window() -> None:
    r = calctool.plot("1/x^2", ylim="0:10")
    assert r.plot is not None and r.plot.ylim == (0.0, 10.0)


def test_plot_cli(cli) -> None:
    r = cli("plot", "sin(x)", "cos(x)", "--range", "-pi:pi", env={"COLUMNS": "80"})
    assert r.code == 0, r.stderr
    assert "sin(x)" in r.stdout and "cos(x)" in r.stdout
    d = cli("plot", "log(x)", "--json").json
    assert d["plot"]["series"][0]["label"] == "f(x)"
    assert all(x > 0 for x, y in zip(d["plot"]["series"][0]["x"], d["plot"]["series"][0]["y"])
               if y is not None)


@pytest.mark.parametrize(("args", "code", "words"), [
    (["x*y"], 2, "one variable"),
    (["x^2", "--ylim", "3:1"], 2, "--ylim"),
    (["x^2", "--range", "1:0"], 2, "--range"),
    (["x^2", "--tangent-at", "9", "--range", "0:1"], 2, "outside the range"),
    (["abs(x)", "--tangent-at", "0"], 3, "no tangent"),
    (["x^2", "--tangent-at", "y"], 2, "--tangent-at"),
])
def test_plot_cli_errors(cli, args: list[str], code: int, words: str) -> None:
    r = cli("plot", *args)
    assert r.code == code, (r.stdout, r.stderr)
    assert words in r.stderr and "Traceback" not in r.stderr


def test_timeout_covers_the_whole_command(cli) -> None:
    r = cli("diff", "tan(x)", "--plot", "--timeout", "0.001")
    assert r.code == 3 and "--timeout" in r.stderr


# ---------------------------------------------------------------------------
# --save: pictures through matplotlib (the `figures` extra)

def _has_matplotlib() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


needs_matplotlib = pytest.mark.skipif(not _has_matplotlib(),
                                      reason="matplotlib (the figures extra) is not installed")


@needs_matplotlib
def test_save_svg_has_one_path_per_curve(cli, tmp_path) -> None:
    import xml.etree.ElementTree as ET

    out = tmp_path / "trig.svg"
    r = cli("plot", "sin(x)", "cos(x)", "--range", "-pi:pi", "--save", str(out))
    assert r.code == 0, r.stderr
    assert f"wrote {out}" in r.stderr
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # matplotlib gives each line a group id line2d_N; the curves are those with labels
    groups = {g.get("id"): g for g in root.iter("{http://www.w3.org/2000/svg}g")}
    curves = [g for gid, g in groups.items() if gid and gid.startswith("line2d_")
              and len(g.findall("{http://www.w3.org/2000/svg}path")) == 1
              and len(g.find("{http://www.w3.org/2000/svg}path").get("d", "")) > 500]
    assert len(curves) == 2


@needs_matplotlib
def test_save_keeps_the_breaks(tmp_path) -> None:
    """The picture is drawn from the same samples: a pole is a gap (nan), not a line."""
    from calctool.render.figure import save

    r = calctool.plot("1/x", plot_range="-1:1")
    assert r.plot is not None
    out = tmp_path / "pole.svg"
    save(r.plot, str(out))
    text = out.read_text(encoding="utf-8")
    # matplotlib starts a new subpath (M) after each nan: the curve has two pieces
    import re

    curve = max(re.findall(r'<path d="([^"]+)"', text), key=len)
    assert curve.count("M") == 2


@pytest.mark.parametrize("suffix", ["png", "pdf"])
@needs_matplotlib
def test_save_png_and_pdf(cli, tmp_path, suffix: str) -> None:
    out = tmp_path / f"f.{suffix}"
    assert cli("plot", "x^2", "--save", str(out)).code == 0
    head = out.read_bytes()[:8]
    assert head.startswith(b"\x89PNG" if suffix == "png" else b"%PDF")


def test_save_without_matplotlib_says_how_to_install(cli, monkeypatch, tmp_path) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else real(name, *a))
    r = cli("plot", "sin(x)", "--save", str(tmp_path / "f.svg"))
    assert r.code == 2
    assert "pip install 'calctool[figures]'" in r.stderr
    assert not (tmp_path / "f.svg").exists()


@pytest.mark.parametrize(("args", "code"), [
    (["--save", "f.txt"], 2), (["--save", "/no/such/dir/f.svg"], 74)])
def test_save_errors(cli, args: list[str], code: int) -> None:
    if code == 74 and not _has_matplotlib():
        pytest.skip("matplotlib (the figures extra) is not installed")
    r = cli("plot", "x^2", *args)
    assert r.code == code and "Traceback" not in r.stderr


def test_ylim_on_diff_tangent_and_limit() -> None:
    assert calctool.diff("1/x^2", plot=True, ylim="0:10").plot.ylim == (0.0, 10.0)
    assert calctool.tangent("x^2", at=1, plot=True, ylim=(-1, 5)).plot.ylim == (-1.0, 5.0)
    assert calctool.limit("sin(x)/x", to="0", plot=True, ylim="0:2").plot.ylim == (0.0, 2.0)


def test_a_corner_shows_both_one_sided_lines_below_the_point() -> None:
    r = calctool.tangent("abs(x)", at=0, plot=True)
    assert r.plot is not None and r.plot.ylim is not None
    assert r.plot.ylim[0] < -0.5  # room under (0, 0), where y = -x and y = x part from |x|


@needs_matplotlib
@pytest.mark.parametrize("args", [["diff", "tan(x)", "--range", "-3:3"],
                                  ["tangent", "abs(x)", "--at", "0"],
                                  ["limit", "(1-cos(x))/x^2", "--to", "0"]])
def test_save_on_the_other_plotting_commands(cli, tmp_path, args: list[str]) -> None:
    out = tmp_path / "f.svg"
    r = cli(*args, "--save", str(out), "--json")
    assert r.code == 0, r.stderr
    assert r.json["plot"]["series"]  # --save implies --plot: the data is in the document
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_diff_plot_respects_the_domain_as_written() -> None:
    # sqrt(x)^2 is read as x, but only for x >= 0; x/x is 1 except at 0.
    r = calctool.diff("sqrt(x)^2", plot=True, plot_range="-2:2")
    assert r.plot is not None
    for s in r.plot.series:
        assert min(x for x, _ in finite(s)) >= 0, s.label
    r = calctool.diff("sqrt(y)^2*x", wrt="x", at="x=1,y=4", plot=True)  # y fixed by at
    assert r.plot is not None and finite(r.plot.series[0])


def test_plot_batch_takes_jobs_like_every_batch_command(cli_process) -> None:
    """plot reads `-` like the other commands, so it takes --jobs N too: one JSON line
    per input line, in input order, the bad line an error line (its status)."""
    import json

    r = cli_process("plot", "-", "--json", "--jobs", "2", stdin="sin(x)\nbad)\ntan(x)\n")
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["input"] for d in lines] == ["sin(x)", "bad)", "tan(x)"]
    assert [d["ok"] for d in lines] == [True, False, True]
    assert r.code == 2


def test_a_parse_error_in_one_of_several_expressions_points_into_the_input(cli) -> None:
    """--json's input is "sin(x); cos(x": the position counts in it, and the message says
    which expression (it pointed at 3, inside sin)."""
    r = cli("plot", "sin(x)", "cos(x", "--json")
    assert r.code == 2
    error = r.json["error"]
    assert r.json["input"] == "sin(x); cos(x"
    assert error["message"].startswith("expression 2: ") and error["position"] == 11
    text = cli("plot", "sin(x)", "cos(x")
    assert "  sin(x); cos(x\n" + " " * 13 + "^" in text.stderr, text.stderr
