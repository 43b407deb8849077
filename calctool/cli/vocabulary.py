"""The flag vocabulary: one meaning per flag, on every command that has it.

docs/cli.md's table is generated from this (`python -m calctool.cli.docs`), and
tests/test_consistency.py checks it against the commands themselves: every flag
of every command is listed here, and when two commands describe one flag with
different help, the difference has a reason written here. Pure data: nothing
is imported, so this costs no start-up time.

A new command's flags go here too: reuse a flag only for its meaning below, or
document why it differs in `differs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Flag:
    meaning: str
    # command -> why its help says more or something else than `meaning` (one meaning still)
    differs: dict[str, str] = field(default_factory=dict)


FLAGS: dict[str, Flag] = {
    "--at": Flag(
        "the point: x=1,y=-2 (values may be expressions), or a bare value for one variable; "
        "once (given twice is a usage error) except in eval",
        {"eval": "several points make sense: --at may repeat, one row per point",
         "hessian": "its help also says what is computed at the point, and that with --func "
                    "the point is a list of numbers",
         "gradcheck": "with --func the point is a list of numbers (one per parameter)",
         "series": "the point is the series' centre a, which defaults to 0 (Maclaurin)",
         "backprop": "every symbol needs a value: the forward sweep evaluates each node",
         "jacobian": "its help also says what is computed at the point, and that with --func "
                     "the point is a list of numbers"}),
    "--grid": Flag("eval's sampling grid X=A:B:N, N points from A to B (repeat for several "
                   "variables; one range per variable)"),
    "--range": Flag("the x window of a plot, A:B; only with --plot (else a usage error)",
                    {"eval": "its help also names the deprecated X=A:B:N (with a count), the "
                             "old spelling of --grid"}),
    "--plot": Flag("draw a terminal plot"),
    "--ylim": Flag("the y window of a plot, A:B; only with --plot or --save (else a usage "
                   "error)"),
    "--save": Flag("write the plot as a picture, FILE.svg, .png or .pdf (needs the figures "
                   "extra: pip install 'calctool[figures]')"),
    "--derivative": Flag("plot: draw each function's derivative too"),
    "--tangent-at": Flag("plot: draw the tangent line to the first function at x = A"),
    "--digits": Flag("significant digits of the decimals shown; --json keeps full precision "
                     "(eval and diff also compute the value to N digits, beyond 15 if asked)"),
    "--json": Flag("one JSON document (JSON Lines when reading stdin); docs/json.md"),
    "--latex": Flag("LaTeX instead of text"),
    "--latex-style": Flag("with --latex: \\[...\\] per line (display), $...$ (inline) or one "
                          "align* block (align)"),
    "--ascii": Flag("ASCII math and tables instead of unicode"),
    "--timeout": Flag("stop the symbolic work after this many seconds (exit 3)"),
    "--wrt": Flag("diff's differentiation sequence: x,y is the mixed partial d/dy(d/dx f)",
        {"integrate": "the variable of integration: d(wrt), one variable"}),
    "--vars": Flag(
        "the variables worked over (the parameters), in this order; other names are "
        "constants",
        {"gradcheck": "the others are constants whose values come from --at",
         "hessian": "the others stay symbolic (or take values from --at with --critical)",
         "diff": "the answer is the gradient over them (not with --wrt, the differentiation "
                 "sequence)",
         "tangent": "the graph is over them: a line over one, a plane over several",
         "jacobian": "they are the Jacobian's columns",
         "backprop": "their adjoints are the gradient"}),
    "--order": Flag("the order of the derivative",
                    {"series": "the same idea for a polynomial: the Taylor polynomial's "
                               "degree, the terms below (x - a)^(N+1)"}),
    "--simplify": Flag("simplify the answer"),
    "--steps": Flag("the derivation rule by rule",
                    {"series": "its derivation is the derivatives f^(k)(a) the coefficients "
                               "come from",
                     "integrate": "an antiderivative's rules: substitution, parts, partial "
                                  "fractions, identities, table integrals"}),
    "--to": Flag("the point a limit approaches: A or x=A (oo, -oo, pi/2 ...)",
        {"integrate": "the upper bound of a definite integral (--from the lower): the same "
                      "word for where x goes"}),
    "--dir": Flag("the side of a limit: + from above, - from below; absent, both"),
    "--table": Flag("a table of values near the point as numeric evidence",
                    {"series": "its table is the error at --x for each order 0..N: the "
                               "evidence that the polynomials converge"}),
    "--k-max": Flag(
        "the smallest step of a table of numeric evidence is 10^-K",
        {"tangent": "the table is --secants (slopes at h = ±10^-k)",
         "limit": "the table is --table (f at a ± 10^-k)"}),
    "--numeric": Flag("numeric only: skip the symbolic engine (limit); hessian's old "
                      "spelling of --fd-check, a deprecated alias"),
    "--fd-check": Flag("also the finite-difference result beside the symbolic one, and their "
                       "largest difference"),
    "--assume": Flag("facts about the other symbols: \"a>0, n integer\""),
    "--secants": Flag("tangent's table of secant slopes from both sides"),
    "--critical": Flag("solve ∇f = 0 and classify every critical point found"),
    "--csv": Flag("eval's points from a CSV file with a header of variable names (- for "
                  "stdin)"),
    "--summary": Flag("eval over many points: count, undefined, min, max, mean only"),
    "--output": Flag("eval: write the points and values to a CSV or NumPy file"),
    "--func": Flag(
        "Python code FILE.py:NAME (numpy array in, number out) instead of an expression",
        {"gradcheck": "its gradient is checked against finite differences",
         "hessian": "its Hessian is computed by finite differences"}),
    "--x0": Flag(
        "for --func: the point as a .npy array or a text file of numbers",
        {"gradcheck": "also names the other ways to give the point (--at, --dim)"}),
    "--grad": Flag("gradcheck: the gradient to check, formulas or FILE.py:NAME",
        {"hessian": "with --hvp: the gradient whose differences give Hessian-vector "
                    "products (not a gradient to check)"}),
    "--method": Flag("gradcheck: the finite-difference formula (central, forward, "
                     "richardson, complex)"),
    "--eps": Flag("gradcheck: the finite-difference step"),
    "--rtol": Flag("gradcheck: loosen each tolerance by rtol times the gradient's size"),
    "--atol": Flag("gradcheck: loosen each tolerance by atol"),
    "--dim": Flag("gradcheck --func: a random point of N parameters",
        {"hessian": "with --hvp: the same random point, for the Lanczos run"}),
    "--fast": Flag("gradcheck --func: random directional derivatives instead of every "
                   "component"),
    "--points": Flag("gradcheck: how many random directions (--fast) or components"),
    "--seed": Flag("gradcheck: the seed of everything random",
        {"hessian": "with --hvp: also the Lanczos start vector"}),
    "--implicit": Flag("diff: the expression is a curve's equation defining this variable as a "
                       "function of the other; the answer is its derivative on the curve"),
    "--input": Flag("how to read the expression: auto (LaTeX when it has a backslash, a brace "
                    "or $), latex, or plain"),
    "--as": Flag("--func: what the user's code takes (numpy, torch or jax arrays)",
                 {"gradcheck": "its help also says the gradient function takes the same"}),
    "--hvp": Flag("hessian --func at large n: extreme eigenvalues by Lanczos on "
                  "Hessian-vector products, no matrix"),
    "--max-iter": Flag("hessian --hvp: at most this many Hessian-vector products"),
    "--top": Flag("hessian --hvp: how many of the largest (and smallest) eigenvalues"),
    "--resolution": Flag("gradcheck --func: a pass whose resolution (the smallest relative "
                         "error it could detect) is worse than this is INCONCLUSIVE"),
    "--vjp": Flag("gradcheck --func: check a vector-Jacobian product function along random "
                  "vectors"),
    "--from": Flag("integrate: the lower bound of a definite integral (with --to)"),
    "--riemann": Flag("integrate: a table of Riemann sums (left, right, mid, trapezoid, simpson)"),
    "--n": Flag("integrate --riemann: the numbers of subintervals, N[,N...]"),
    "--jobs": Flag("with - (a batch): N worker processes answer lines at once (0: one per "
                   "core); answers stay in input order"),
    "--x": Flag("series: compare the approximation with f's true value at this point"),
}

# Old spellings that still work (hidden from --help; a note on stderr says the new one).
ALIASES: dict[tuple[str, str], str] = {
    ("eval", "--range"): "--grid",
    ("hessian", "--numeric"): "--fd-check",
}

# The exit-code rule, the same for every command (docs/cli.md shows it as a table).
EXIT_RULE: tuple[tuple[int, str], ...] = (
    (0, "an answer. A proven mathematical fact is an answer: \"the derivative does not "
        "exist at 0\" (`diff`, `tangent`: `exists: false` and both one-sided slopes), \"the "
        "limit does not exist\" or \"is ∞\" (`limit`), \"not a critical point\" (`hessian`: "
        "`critical: false`), \"the Hessian does not exist here\" (`hessian`: `exists: "
        "false`)"),
    (1, "a check failed: `gradcheck` found a wrong component"),
    (2, "bad input or usage: a parse error, an unknown or repeated option, `--range` "
        "without `--plot`, a missing variable"),
    (3, "no answer: the tool cannot decide (a timeout; sympy gave up and the numbers do not "
        "settle it: with the evidence), or a value was required where f has none (`eval "
        "\"1/x\" --at 0`; `diff`/`tangent` at a point where f itself is undefined; "
        "`gradcheck` where f has no gradient, so there is nothing to check against)"),
    (70, "an internal error (a bug)"),
    (74, "the answer could not be written"),
    (130, "interrupted"),
)
