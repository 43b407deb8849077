"""`--digits N`: the decimals a report shows, to N significant digits.

Applied to a finished Report, so every command gets the same rule: a decimal
(a number written with a point or an exponent, or a sympy Float) with more than
N significant digits is rounded to N; integers and exact values (1/3, √2, π/4)
are left as they are, because they are exact. `--json` is never rounded: it
keeps every digit of the double (or the exact string).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import sympy as sp

from calctool.render.report import Field, Report, TableView

# A decimal not inside a name (x_1.5 is not a number) with a point or an exponent.
_DECIMAL = re.compile(r"(?<![\w.])(\d+\.\d*|\.\d+|\d+(?=[eE]))([eE][-+]?\d+)?(?![\w.])")


def round_text(text: str, digits: int) -> str:
    """Every decimal in `text` to at most `digits` significant digits."""

    def shorter(m: re.Match[str]) -> str:
        mantissa, exponent = m.group(1), m.group(2) or ""
        if len(mantissa.replace(".", "").lstrip("0")) <= digits:
            return m.group(0)
        value = float(mantissa + exponent)
        shown = f"{value:.{digits}g}"
        if "e" in shown:
            base, _, power = shown.partition("e")
            shown = f"{base}e{int(power)}"
        return shown

    return _DECIMAL.sub(shorter, text)


def round_value(value: Any, digits: int) -> Any:
    """A field's or cell's value with its decimals rounded; exact parts unchanged."""
    if isinstance(value, str):
        return round_text(value, digits)
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        # a Float, or a decimal already formatted and held as a name (a matrix of
        # numbers shown as written: jacobian's J at a point)
        swap: dict[sp.Basic, sp.Basic] = {f: sp.Float(f, digits) for f in value.atoms(sp.Float)}
        for s in value.atoms(sp.Symbol):
            shown = round_text(s.name, digits)
            if shown != s.name:
                swap[s] = sp.Symbol(shown)
        return value.xreplace(swap) if swap else value
    return value


def apply(report: Report, digits: int) -> Report:
    """The report with every decimal shown to `digits` significant digits."""
    fields = [dataclasses.replace(f, value=round_value(f.value, digits),
                                  approx=round_text(f.approx, digits) if f.approx else f.approx)
              for f in report.fields]
    tables = [dataclasses.replace(t, rows=[[round_value(c, digits) for c in row]
                                           for row in t.rows])
              for t in report.tables]
    return dataclasses.replace(report, fields=fields, tables=tables,
                               primary=round_value(report.primary, digits))


__all__ = ["Field", "TableView", "apply", "round_text", "round_value"]
