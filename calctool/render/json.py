"""JSON output: exactly one document (or one line per input in batch mode)."""

from __future__ import annotations

import json
import math
from typing import Any, TextIO


def _finite(obj: Any) -> Any:
    """Replace non-finite floats by "inf"/"-inf"/"nan" anywhere in a JSON tree."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


# Characters that are valid inside a JSON string but end a line for many readers
# (Python's str.splitlines, JavaScript before ES2019): escaped, so that one
# document is always one line of JSON Lines.
_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps(obj: dict[str, Any], *, ascii: bool = False) -> str:
    """One JSON document on one line; `ascii` escapes non-ASCII (\\u2248) for streams
    that cannot take UTF-8."""
    text = json.dumps(_finite(obj), allow_nan=False, ensure_ascii=ascii)
    return text if ascii else text.translate(_LINE_BREAKS)


def write(obj: dict[str, Any], out: TextIO, *, ascii: bool = False) -> None:
    out.write(dumps(obj, ascii=ascii) + "\n")
