"""Arrays from the frameworks, without importing them: what user code returns, and
what it is given (`--as torch|jax|numpy`).

Out: numpy reads anything with `__array__` (torch, JAX, TensorFlow tensors);
an object with only `__dlpack__` is read with `np.from_dlpack`; a tensor that
refuses (it requires grad, or lives on a GPU) is detached and moved to the
CPU by duck typing (`.detach()`, `.cpu()`), as `tensor.detach().cpu().numpy()`
would. calctool imports no framework for this.

In: by default user code gets a float64 numpy array. `--as torch` (or jax)
hands it the framework's own array instead, made from a copy of that array
with the framework's `from_dlpack` (torch) or `asarray` (jax.numpy); the
framework is imported then, by name, from the user's environment, because
their code uses it anyway. (JAX computes in float32 unless x64 is enabled:
gradcheck's precision check says so.)
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

from calctool.core.errors import UsageError

KINDS = ("numpy", "torch", "jax")
# What each --as imports, and how it makes its array from a numpy array.
_MODULES = {"torch": "torch", "jax": "jax.numpy"}


def to_numpy(value: Any) -> np.ndarray:
    """A numpy array of what user code returned: numbers, lists, numpy arrays, and the
    array-likes of other frameworks (see the module's docstring). Raises TypeError or
    ValueError when it cannot be read as numbers."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (float, int, complex, np.generic, list, tuple)):
        return np.asarray(value)
    attempts = 0
    while True:
        try:
            if hasattr(value, "__array__"):
                return np.asarray(value)
            if hasattr(value, "__dlpack__"):
                return np.from_dlpack(value)
            return np.asarray(value)
        except (TypeError, ValueError, RuntimeError, BufferError):
            # a tensor that requires grad, or on a GPU: detach it, move it, once each
            moved = _moved(value)
            attempts += 1
            if moved is None or attempts > 2:
                raise
            value = moved


def _moved(value: Any) -> Any:
    for method in ("detach", "cpu"):
        fn = getattr(value, method, None)
        if callable(fn):
            out = fn()
            if out is not value:
                return out
    return None


def input_converter(kind: str | None, *, option: str = "--as") -> Callable[[np.ndarray], Any]:
    """The function turning the float64 numpy point into what user code takes."""
    if kind is None or kind == "numpy":
        return lambda x: x
    if kind not in _MODULES:
        raise UsageError(f"{option} {kind}: expected one of {', '.join(KINDS)}",
                         code="bad_value")
    name = _MODULES[kind]
    try:
        module = importlib.import_module(name)
    except ImportError:
        raise UsageError(f"{option} {kind}: {name} is not installed here (your code's "
                         "environment must have it)", code="bad_value") from None
    if kind == "torch":
        make = module.from_dlpack
        return lambda x: make(np.array(x, copy=True))
    make = module.asarray
    return lambda x: make(np.array(x, copy=True))


def taking(fn: Callable[..., Any], convert: Callable[[np.ndarray], Any]) -> Callable[..., Any]:
    """fn called with the converted point; its name and signature stay fn's."""
    @functools.wraps(fn)
    def call(x: np.ndarray) -> Any:
        return fn(convert(x))

    return call
