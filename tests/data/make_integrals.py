"""Write tests/data/integrals.tsv: the integral corpus of tests/test_integrate_corpus.py.

The reference values are computed here, NOT by calctool: each integrand is read by
sympy's own parser (Python syntax, `**` for powers), turned into an mpmath function,
and integrated by mpmath.quad (tanh-sinh) at 40 digits, split at the points listed
for that entry; the value (25 digits) is accepted only when a 50-digit run agrees to 18 digits.
Divergent entries are marked `diverges` by hand, with the textbook reason (p-test,
pole of order >= 1 inside, oscillation); indefinite entries have no reference: the
test differentiates calctool's antiderivative numerically (mpmath.diff) and compares
it with the integrand at random points.

Run from the repository root:  python tests/data/make_integrals.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import mpmath
import sympy as sp

OUT = Path(__file__).resolve().parent / "integrals.tsv"

INDEFINITE = """
x | power rule
x**2 | power rule
x**3 | power rule
3*x**2 + 2*x + 1 | sum rule
x**5 - 4*x**3 + x | sum rule
(x + 1)**3 | power rule after expanding or u = x+1
(2*x - 1)**4 | u = 2x-1
sqrt(x) | power rule, n = 1/2
x**(3/2) | power rule
1/x**2 | power rule, n = -2
1/x**3 | power rule
1/sqrt(x) | power rule, n = -1/2
x**(-3/2) | power rule
1/x | ln|x|
1/(x + 1) | ln|x+1|
1/(2*x + 3) | u = 2x+3
1/(x - 1)**2 | u = x-1
x/(x**2 + 1) | u = x^2+1
1/(x**2 + 1) | table: atan
1/(x**2 + 4) | table: atan(x/2)/2
1/(x**2 - 1) | partial fractions
1/(x**2 - 4) | partial fractions
1/(x*(x + 1)) | partial fractions
(x + 1)/(x**2 + 2*x + 2) | u = x^2+2x+2
1/(x**2 + 2*x + 5) | complete the square
x**2/(x + 1) | polynomial division
(x**3 + 1)/(x - 2) | polynomial division
1/(x**3 + 1) | partial fractions
1/(x**4 - 1) | partial fractions
x/((x - 1)*(x - 2)) | partial fractions
(3*x + 5)/(x**2 + 3*x + 2) | partial fractions
1/(x*(x**2 + 1)) | partial fractions
x**3/(x**2 + 1) | division, then u = x^2+1
sin(x) | table
cos(x) | table
tan(x) | -ln|cos x|
sec(x)**2 | table
csc(x)**2 | table
sec(x)*tan(x) | table
sin(x)**2 | half-angle identity
cos(x)**2 | half-angle identity
sin(x)**3 | sin^2 = 1 - cos^2, u = cos x
cos(x)**3 | u = sin x
sin(x)*cos(x) | u = sin x
sin(x)**2*cos(x) | u = sin x
sin(x)**4 | half-angle twice
tan(x)**2 | sec^2 - 1
sin(2*x) | u = 2x
cos(3*x + 1) | u = 3x+1
sin(x)*cos(2*x) | product-to-sum
sec(x) | ln|sec x + tan x|
csc(x) | ln|csc x - cot x|
cot(x) | ln|sin x|
tan(x)**3 | tan^2 = sec^2 - 1
sin(x)**2*cos(x)**2 | double angle
1/(1 + cos(x)) | half-angle: tan(x/2)
sin(x)/(1 + cos(x)) | u = 1 + cos x
x*sin(x) | parts
x*cos(x) | parts
x**2*sin(x) | parts twice
x**2*cos(x) | parts twice
exp(x)*sin(x) | parts, cyclic
exp(x)*cos(x) | parts, cyclic
exp(2*x)*cos(3*x) | parts, cyclic
exp(x) | table
exp(2*x) | u = 2x
exp(-x) | u = -x
exp(3*x + 1) | u = 3x+1
2**x | a^x/ln a
x*exp(x) | parts
x**2*exp(x) | parts twice
x**3*exp(x) | parts three times
x*exp(-x**2) | u = -x^2
x*exp(x**2) | u = x^2
exp(x)/(1 + exp(x)) | u = 1 + e^x
exp(sqrt(x))/sqrt(x) | u = sqrt x
log(x) | parts
x*log(x) | parts
x**2*log(x) | parts
log(x)**2 | parts twice
log(x)/x | u = ln x
1/(x*log(x)) | u = ln x
log(x)/x**2 | parts
log(x + 1) | parts
log(x**2 + 1) | parts
exp(x)*(x + 1) | (x e^x)' = e^x (x+1)
atan(x) | parts
asin(x) | parts
acos(x) | parts
x*atan(x) | parts
1/sqrt(1 - x**2) | table: asin
1/sqrt(4 - x**2) | table: asin(x/2)
x/sqrt(1 - x**2) | u = 1 - x^2
sqrt(1 - x**2) | trig substitution
1/sqrt(x**2 + 1) | table: asinh
sqrt(x**2 + 1) | trig/hyperbolic substitution
x*sqrt(x**2 + 1) | u = x^2+1
x/sqrt(x**2 + 4) | u = x^2+4
sinh(x) | table
cosh(x) | table
tanh(x) | ln cosh x
x*cosh(x) | parts
1/cosh(x)**2 | table: tanh
asinh(x) | parts
2*x*cos(x**2) | u = x^2
x**2*sin(x**3) | u = x^3
cos(x)*exp(sin(x)) | u = sin x
sin(x)*cos(x)**4 | u = cos x
(2*x + 1)/(x**2 + x + 1) | u = x^2+x+1
x*(x**2 + 1)**5 | u = x^2+1
x/(x**2 + 1)**2 | u = x^2+1
sqrt(2*x + 1) | u = 2x+1
1/(3*x - 2)**2 | u = 3x-2
sin(sqrt(x))/sqrt(x) | u = sqrt x
cos(log(x))/x | u = ln x
exp(1/x)/x**2 | u = 1/x
tan(x)*sec(x)**2 | u = tan x
x*sqrt(x + 1) | u = x+1
1/(1 + sqrt(x)) | u = sqrt x
x/(x + 1) | division
exp(-x**2) | special: erf
sin(x)/x | special: Si
exp(x)/x | special: Ei
1/log(x) | special: li
sin(x**2) | special: Fresnel S
cos(x)/x | special: Ci
Abs(x) | piecewise: x|x|/2
x**4*exp(x) | parts four times
1/(x**2 + x + 1) | complete the square
x**2*sqrt(1 - x**2) | trig substitution
1/(x**2*sqrt(x**2 + 1)) | trig substitution
"""

# integrand | from | to | split points (comma-separated, may be empty) | reason
DEFINITE = """
x**2 | 0 | 1 | | power rule
x**3 | -1 | 2 | | power rule
3*x**2 + 2*x + 1 | 0 | 2 | | sum rule
sin(x) | 0 | pi | | table
cos(x) | 0 | pi/2 | | table
sin(x)**2 | 0 | pi | | half-angle
exp(x) | 0 | 1 | | table
exp(-x) | 0 | oo | | improper, exponential decay
x*exp(-x) | 0 | oo | | Gamma(2)
x**2*exp(-x) | 0 | oo | | Gamma(3)
exp(-x**2) | -oo | oo | | Gaussian integral
exp(-x**2) | 0 | oo | | half Gaussian
exp(-x**2) | 0 | 1 | | erf
1/(1 + x**2) | -oo | oo | | atan
1/(1 + x**2) | 0 | 1 | | atan
1/x | 1 | E | | ln
1/x**2 | 1 | oo | | p-test, p = 2
1/sqrt(x) | 0 | 1 | | p-test at 0, p = 1/2
log(x) | 0 | 1 | | improper at 0
log(x) | 1 | 2 | | parts
x*log(x) | 0 | 1 | | improper at 0
1/sqrt(1 - x**2) | -1 | 1 | | asin, improper at both ends
sqrt(1 - x**2) | -1 | 1 | | half disc
1/(x**2 + 4) | 0 | 2 | | atan
x/(x**2 + 1) | 0 | 1 | | u = x^2+1
sin(x)/x | 0 | 1 | | Si(1)
sin(x)/x | 0 | oo | | Dirichlet integral
sin(x)/x | 1 | 2 | | Si(2) - Si(1)
exp(-x)*sin(x) | 0 | oo | | cyclic parts
exp(-x)*cos(x) | 0 | oo | | cyclic parts
1/(1 + exp(x)) | 0 | 1 | | u = e^x
x**2*sin(x) | 0 | pi | | parts
x*cos(x) | 0 | pi/2 | | parts
atan(x) | 0 | 1 | | parts
asin(x) | 0 | 1 | | parts
tan(x) | 0 | pi/4 | | ln|cos|
sec(x)**2 | 0 | pi/4 | | table
cosh(x) | -1 | 1 | | table
tanh(x) | 0 | 1 | | ln cosh
1/x**3 | 1 | oo | | p-test, p = 3
1/(x*log(x)**2) | E | E**2 | | u = ln x
exp(-x)/sqrt(x) | 0 | oo | | Gamma(1/2)
log(x)/sqrt(x) | 0 | 1 | | improper at 0
1/(x**2 - 1) | 2 | 3 | | partial fractions
1/(x**2 - 1) | 2 | oo | | partial fractions
x**3 - 2*x | -2 | 2 | | odd function
Abs(x) | -1 | 2 | 0 | piecewise
sin(x) | 0 | 2*pi | | a full period
cos(x)**2 | 0 | 2*pi | | half-angle
1/(2 + cos(x)) | 0 | 2*pi | | Weierstrass substitution
exp(-x**4) | 0 | 1 | | no elementary antiderivative
sin(sin(x)) | 0 | 1 | | no closed form
cos(x**2) | 0 | 1 | | Fresnel C
sqrt(x)*exp(-x) | 0 | oo | | Gamma(3/2)
1/(1 + x**4) | 0 | oo | | partial fractions
x/(exp(x) - 1) | 0 | oo | | pi^2/6
log(1 + x)/x | 0 | 1 | | pi^2/12
1/sqrt(x*(1 - x)) | 0 | 1 | | Beta(1/2, 1/2)
x**2 | 1 | 0 | | reversed bounds
exp(x) | 1 | 0 | | reversed bounds
1/x | -2 | -1 | | ln|x| on negative numbers
1/x**2 | -2 | -1 | | power rule
1/(x - 3) | 0 | 2 | | ln|x-3|
1/sqrt(Abs(x)) | -1 | 1 | 0 | integrable singularity inside
log(Abs(x)) | -1 | 1 | 0 | integrable singularity inside
exp(x)*cos(x) | 0 | pi | | cyclic parts
x*sin(x) | 0 | 2*pi | | parts
1/(x**2 + 2*x + 2) | -oo | oo | | complete the square
x**2/(x**6 + 1) | -oo | oo | | u = x^3
cos(x)/(1 + sin(x)**2) | 0 | pi/2 | | u = sin x
1/(1 + sqrt(x)) | 0 | 4 | | u = sqrt x
sqrt(4 - x**2) | 0 | 2 | | quarter disc
x*sqrt(1 + x**2) | 0 | 1 | | u = 1+x^2
exp(2*x) | -oo | 0 | | exponential decay at -oo
1/(x*(x + 1)) | 1 | oo | | partial fractions
exp(-Abs(x)) | -oo | oo | 0 | two exponential tails
1/cosh(x) | -oo | oo | | gd
x**5*exp(-x**2) | 0 | oo | | u = x^2, Gamma(3)/2
sin(x)**3 | 0 | pi | | u = cos x
tan(x)**2 | 0 | pi/4 | | sec^2 - 1
1/(4 - x**2) | -1 | 1 | | partial fractions
x**(1/3) | 0 | 8 | | power rule
1/(x**2 + 1)**2 | 0 | oo | | trig substitution
exp(-x)*x**3 | 0 | oo | | Gamma(4)
cos(x)*exp(sin(x)) | 0 | pi/2 | | u = sin x
2*x*cos(x**2) | 0 | sqrt(pi) | | u = x^2
"""

# integrand | from | to | the textbook reason it diverges
DIVERGENT = """
1/x**2 | -1 | 1 | pole of order 2 at 0, inside
1/x | 0 | 1 | p-test at 0, p = 1
1/x | 1 | oo | p-test at oo, p = 1
1/x | -1 | 1 | pole at 0 inside (no principal value)
tan(x) | 0 | pi | pole at pi/2 inside
1/(x - 1) | 0 | 2 | pole at 1 inside
1/x**2 | 0 | 1 | p-test at 0, p = 2
log(x)/x | 1 | oo | (ln x)^2/2 grows
sin(x) | 0 | oo | cos oscillates
x | 0 | oo | grows
exp(x) | 0 | oo | grows
1/(1 - x**2) | 0 | 1 | pole at 1
1/sqrt(x) | 1 | oo | p-test at oo, p = 1/2
1/(x*log(x)) | 2 | oo | ln ln x grows
sec(x)**2 | 0 | pi | pole at pi/2 inside
1/x**3 | -1 | 1 | pole of order 3 inside
cos(x) | 0 | oo | sin oscillates
x/(x**2 + 1) | 0 | oo | ln(x^2+1)/2 grows
1/(x**2 - 1) | 0 | 2 | pole at 1 inside
"""


def rows(block: str, columns: int) -> list[list[str]]:
    """The cells of each line (the last, the source, may itself contain |)."""
    return [[c.strip() for c in line.split("|", columns - 1)]
            for line in block.strip().splitlines()]


def with_decades(mp: list) -> list:
    """Infinite ends get stepping stones at ±10^k (slowly decaying tails need them)."""
    out = list(mp)
    if out[-1] == mpmath.inf:
        start = max(out[-2], 0) if out[-2] != mpmath.ninf else 0
        out[-1:] = [mpmath.mpf(10) ** k for k in (1, 2, 4, 8, 16, 32) if 10 ** k > start] \
            + [mpmath.inf]
    if out[0] == mpmath.ninf:
        stop = min(out[1], 0) if out[1] != mpmath.inf else 0
        out[:1] = [mpmath.ninf] + [-mpmath.mpf(10) ** k for k in (32, 16, 8, 4, 2, 1)
                                   if -(10 ** k) < stop]
    return out


def reference(expr: str, lo: str, hi: str, split: str) -> str:
    x = sp.Symbol("x", real=True)
    f = sp.parse_expr(expr, local_dict={"x": x, "E": sp.E})
    fn = sp.lambdify(x, f, modules="mpmath")

    def bound(t: str) -> sp.Expr:
        return sp.parse_expr(t, local_dict={"E": sp.E, "oo": sp.oo})

    points = [bound(lo), *(bound(p) for p in split.split(",") if p), bound(hi)]
    sign = 1
    if points[0] != -sp.oo and points[-1] != sp.oo and sp.N(points[0]) > sp.N(points[-1]):
        points.reverse()
        sign = -1
    values = []
    for dps in (40, 50):
        with mpmath.workdps(dps):
            mp = [mpmath.inf if p == sp.oo else mpmath.ninf if p == -sp.oo
                  else mpmath.mpf(str(sp.N(p, dps + 5))) for p in points]
            omega = 1 if f.has(sp.sin, sp.cos) and mpmath.inf in mp else None
            if omega:  # an oscillating tail: quadosc from the last finite point
                v = mpmath.quad(fn, mp[:-1]) if len(mp) > 2 else 0
                v += mpmath.quadosc(fn, mp[-2:], omega=omega)
            else:
                v = mpmath.quad(fn, with_decades(mp))
            values.append(sign * mpmath.re(v))
    with mpmath.workdps(50):
        if abs(values[0] - values[1]) > mpmath.mpf(10) ** -18 * max(1, abs(values[1])):
            sys.exit(f"{expr} on [{lo}, {hi}]: quadrature unsettled: {values}")
        return mpmath.nstr(values[1], 25)


def main() -> None:
    lines = ["# The integral corpus of tests/test_integrate_corpus.py, written by "
             "tests/data/make_integrals.py (see its docstring).",
             "id\tkind\texpr\tfrom\tto\tsplit\treference\tsource"]
    for k, (expr, source) in enumerate(rows(INDEFINITE, 2), 1):
        lines.append(f"ind-{k:03d}\tindefinite\t{expr}\t\t\t\t\t{source}")
    for k, (expr, lo, hi, split, source) in enumerate(rows(DEFINITE, 5), 1):
        ref = reference(expr, lo, hi, split)
        lines.append(f"def-{k:03d}\tdefinite\t{expr}\t{lo}\t{hi}\t{split}\t{ref}\t{source}")
    for k, (expr, lo, hi, source) in enumerate(rows(DIVERGENT, 4), 1):
        lines.append(f"div-{k:03d}\tdivergent\t{expr}\t{lo}\t{hi}\t\tdiverges\t{source}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(lines) - 2} integrals")


if __name__ == "__main__":
    main()
