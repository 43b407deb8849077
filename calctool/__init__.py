"""calctool: calculus in the terminal and in Python.

The Python API is the library the command line is built on::

    >>> import calctool
    >>> calctool.diff("x^3*cos(x)").to_dict()["result"]
    '-x**3*sin(x) + 3*x**2*cos(x)'

Each function returns the same result object the CLI renders; its
`to_dict()` is the command's `--json` document, and in a notebook it shows
itself as math. Importing this package is cheap: the API functions are
loaded on first use (PEP 562), so sympy, numpy, rich and plotext are
imported only by the code that needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> the operation module that defines it (calctool/core/ops/<verb>.py).
_API = {
    "diff": "calctool.core.ops.diff",
    "evaluate": "calctool.core.ops.eval",
    "tangent": "calctool.core.ops.tangent",
    "limit": "calctool.core.ops.limit",
    "gradcheck": "calctool.core.ops.gradcheck",
    "hessian": "calctool.core.ops.hessian",
    "series": "calctool.core.ops.series",
    "jacobian": "calctool.core.ops.jacobian",
    "backprop": "calctool.core.ops.backprop",
    "plot": "calctool.core.ops.plot",
    "integrate": "calctool.core.ops.integrate",
}
# Names that are not operations: the error types a caller may catch.
_OTHER = {
    "CalcError": "calctool.core.errors",
    "UsageError": "calctool.core.errors",
    "ParseError": "calctool.core.errors",
    "ComputeError": "calctool.core.errors",
    "DomainError": "calctool.core.errors",
    "ComputationTimeout": "calctool.core.errors",
    "input_syntax": "calctool.core.expr.syntax",  # with input_syntax("latex"): ...
}

__all__ = [  # noqa: RUF022 - operations first, then errors
    "__version__",
    "diff", "evaluate", "tangent", "limit", "gradcheck", "hessian",
    "series", "jacobian", "backprop", "plot", "integrate",
    "CalcError", "UsageError", "ParseError", "ComputeError", "DomainError",
    "ComputationTimeout",
    "input_syntax",
]

if TYPE_CHECKING:
    from calctool.core.errors import (
        CalcError,
        ComputationTimeout,
        ComputeError,
        DomainError,
        ParseError,
        UsageError,
    )
    from calctool.core.expr.syntax import input_syntax
    from calctool.core.ops.backprop import backprop
    from calctool.core.ops.diff import diff
    from calctool.core.ops.eval import evaluate
    from calctool.core.ops.gradcheck import gradcheck
    from calctool.core.ops.hessian import hessian
    from calctool.core.ops.integrate import integrate
    from calctool.core.ops.jacobian import jacobian
    from calctool.core.ops.limit import limit
    from calctool.core.ops.plot import plot
    from calctool.core.ops.series import series
    from calctool.core.ops.tangent import tangent


def __getattr__(name: str) -> Any:
    module = _API.get(name) or _OTHER.get(name)
    if module is None:
        raise AttributeError(f"module 'calctool' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
