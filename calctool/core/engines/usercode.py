"""Loading and calling the user's own Python functions (`--func model.py:loss`, or a
callable handed to the Python API).

Why it is built this way:

* Loading is explicit and local: the file named on the command line is
  executed with importlib from that path (not found on sys.path, never
  imported by name), under a private module name, once per run. Its folder
  is on sys.path only while it loads, so `import helpers` beside it works.
* Their code is theirs: an exception raised inside it is reported as a
  `UserCodeError` (exit 3) carrying their traceback, cut down to the frames of
  their own files (the spec's file; for a callable, the file it was defined
  in); none of calctool's frames are shown. A file, name or
  output that does not fit the contract (no such file, not a function, a
  gradient of the wrong shape) is a usage error (exit 2).
* Their prints must not corrupt `--json` on stdout: while their code runs,
  stdout is redirected to stderr (`redirected_stdout`).
* numpy is imported at module level: this module is only imported lazily, by
  the commands that run user code.
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import math
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import numpy as np
import sympy as sp

from calctool.core.engines.arraylike import to_numpy
from calctool.core.errors import CalcError, ComputeError, UsageError
from calctool.core.expr.points import parse_value, split_top_level

_CALCTOOL_DIR = Path(__file__).resolve().parents[1]
_MAX_X0_SIZE = 10_000_000


class UserCodeError(ComputeError):
    """An exception raised inside the user's code: their message and their traceback.

    A ComputeError (exit 3): the answer could not be computed, because their
    code failed. `message` (what the text output prints) ends with their
    traceback; the JSON error object has the short message and the traceback
    apart; `user_traceback` has it for Python callers.
    """

    code = "user_code_error"

    def __init__(self, summary: str, user_traceback: str, *, hint: str | None = None,
                 where: str | None = None) -> None:
        full = summary + ("\n" + user_traceback.rstrip("\n") if user_traceback else "")
        details: dict[str, Any] = {"traceback": user_traceback}
        if where:
            details["function"] = where
        super().__init__(full, hint=hint, details=details)
        self.summary = summary
        self.user_traceback = user_traceback

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["message"] = self.summary
        return out


@dataclass(frozen=True)
class FunctionSpec:
    """`FILE.py:NAME` as given, and where it points."""

    text: str
    path: Path
    name: str

    @property
    def label(self) -> str:
        return f"{self.path.name}:{self.name}"


@dataclass(frozen=True)
class UserCode:
    """A function of the user's, ready to call: loaded from a `FILE.py:NAME` spec, or a
    Python callable.

    `text` is how it was given (the spec as typed, or the callable's qualified
    name: what results show), `label` how messages name it (`mlp.py:loss`, or
    the qualified name), `roots` the files whose frames are theirs in a
    traceback.
    """

    fn: Callable[..., Any]
    text: str
    label: str
    roots: tuple[Path, ...] = ()


def converted(code: UserCode, kind: str | None, *, option: str = "--as") -> UserCode:
    """The same code, given its point as `kind` ("torch", "jax"; None or "numpy": a numpy
    array, unchanged); see engines.arraylike."""
    if kind is None or kind == "numpy":
        return code
    from dataclasses import replace

    from calctool.core.engines.arraylike import input_converter, taking

    return replace(code, fn=taking(code.fn, input_converter(kind, option=option)))


def load_spec(spec: FunctionSpec) -> UserCode:
    """Load the function a spec names (executing its file once)."""
    return UserCode(load_function(spec), spec.text, spec.label, (spec.path.resolve(),))


def from_callable(fn: object, *, param: str) -> UserCode:
    """A Python callable as user code, named by its qualified name (`loss`,
    `<lambda>`); `param` names the argument in the message when it is not callable."""
    if isinstance(fn, UserCode):
        return fn
    if not callable(fn):
        kind = type(fn).__name__
        article = "an" if kind[:1] in "aeiou" else "a"
        raise UsageError(f"{param} must be a function, not {article} {kind}",
                         code="not_callable")
    name = (getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
            or type(fn).__qualname__)
    roots: tuple[Path, ...] = ()
    with contextlib.suppress(TypeError, OSError):
        source = inspect.getsourcefile(inspect.unwrap(fn))
        if source is not None:
            roots = (Path(source).resolve(),)
    return UserCode(fn, str(name), str(name), roots)


def parse_spec(text: str, *, option: str, default_file: Path | None = None) -> FunctionSpec:
    """`model.py:loss` -> FunctionSpec; a bare NAME means `default_file` (the --func file)."""
    text = text.strip()
    path_text, sep, name = text.rpartition(":")
    if not sep and default_file is not None:
        path_text, name = str(default_file), text
    elif not sep or not path_text or not name:
        raise UsageError(f"{option} {text!r}: expected FILE.py:NAME, e.g. model.py:loss",
                         code="bad_function_spec")
    if not name.isidentifier():
        raise UsageError(f"{option} {text!r}: {name!r} is not a Python function name",
                         code="bad_function_spec")
    path = Path(path_text).expanduser()
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise UsageError(f"{option}: {path_text} {what}", code="file_not_found")
    return FunctionSpec(text, path, name)


# --------------------------------------------------------------------------- loading

_loaded: dict[Path, ModuleType] = {}


def load_module(path: Path) -> ModuleType:
    """Execute the file at `path` once (cached by its resolved path) and return the module."""
    resolved = path.resolve()
    if resolved in _loaded:
        return _loaded[resolved]
    module_name = f"_calctool_user_{len(_loaded)}_{resolved.stem}"
    spec = importlib.util.spec_from_file_location(module_name, resolved)
    if spec is None or spec.loader is None:
        raise UsageError(f"cannot load {path} as Python code (is it a .py file?)",
                         code="bad_function_spec")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look their module up
    folder = str(resolved.parent)
    sys.path.insert(0, folder)
    try:
        with redirected_stdout():
            spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(module_name, None)
        text = "".join(traceback.format_exception_only(type(exc), exc))
        raise UserCodeError(f"{path.name} is not valid Python: {exc.msg}", text,
                            where=str(path)) from None
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - anything their code raises is theirs
        sys.modules.pop(module_name, None)
        raise _from_user(exc, f"loading {path.name} raised", [resolved]) from None
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(folder)
    _loaded[resolved] = module
    return module


def load_function(spec: FunctionSpec) -> Callable[..., Any]:
    module = load_module(spec.path)
    obj = getattr(module, spec.name, None)
    if obj is None:
        defined = sorted(k for k, v in vars(module).items()
                         if callable(v) and not k.startswith("_")
                         and getattr(v, "__module__", None) == module.__name__)
        listing = f" (it defines: {', '.join(defined)})" if defined else ""
        raise UsageError(f"{spec.path.name} has no function {spec.name}{listing}",
                         code="function_not_found")
    if not callable(obj):
        kind = type(obj).__name__
        article = "an" if kind[:1] in "aeiou" else "a"
        raise UsageError(f"{spec.label} is {article} {kind}, not a function",
                         code="not_callable")
    return obj


@contextlib.contextmanager
def redirected_stdout() -> Iterator[None]:
    """Their print() goes to stderr, so stdout carries only calctool's answer."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


# --------------------------------------------------------------------------- tracebacks


def _is_user_file(filename: str, roots: list[Path]) -> bool:
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return False
    if path in roots:
        return True
    parts = set(path.parts)
    if "site-packages" in parts or "dist-packages" in parts or path.is_relative_to(_CALCTOOL_DIR):
        return False
    return any(path.is_relative_to(r.parent) for r in roots)


def user_traceback(tb: TracebackType | None, exc: BaseException, roots: list[Path]) -> str:
    """Their traceback: only the frames from their files, then the exception line."""
    frames = [f for f in traceback.extract_tb(tb) if _is_user_file(f.filename, roots)]
    lines = []
    if frames:
        lines.append("Traceback from your code (most recent call last):\n")
        lines.extend(traceback.format_list(frames))
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)


def _from_user(exc: BaseException, doing: str, roots: list[Path],
               hint: str | None = None) -> UserCodeError:
    text = user_traceback(exc.__traceback__, exc, roots)
    if isinstance(exc, SystemExit):
        summary = f"{doing} SystemExit (exit({exc.code!r})): your code tried to end the program"
    else:
        summary = f"{doing} {type(exc).__name__}: {exc}"
    return UserCodeError(summary, text, hint=hint)


# --------------------------------------------------------------------------- calling


def _describe(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


class UserFunction:
    """The user's f: array -> number, with their errors reported as theirs.

    Called with float64 arrays (complex ones for the complex step); returns a
    float (a complex number for complex input). Counts its calls.
    `complex_hint` is the hint for an error raised on complex input (the
    caller knows how its user asks for another method).
    """

    def __init__(self, code: UserCode, *, what: str, complex_hint: str | None = None) -> None:
        self.code = code
        self.fn = code.fn
        self.label = code.label
        self.what = what  # "the loss", "f"
        self.roots = list(code.roots)
        self.complex_hint = complex_hint
        self.calls = 0
        self.dtype: np.dtype[Any] | None = None  # what f returned, when not a Python float

    def _call(self, x: np.ndarray) -> Any:
        self.calls += 1
        try:
            return self.fn(x)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the boundary of their code
            raise self._error(exc, x) from None

    def _error(self, exc: BaseException, x: np.ndarray) -> CalcError:
        tb = exc.__traceback__
        frames = [f for f in traceback.extract_tb(tb) if _is_user_file(f.filename, self.roots)]
        # Raised by the call itself (no frame of theirs; for a callable whose file is
        # unknown, nothing ran past the call): the function does not take one array.
        by_call = bool(self.roots) or (tb is not None and tb.tb_next is None)
        if isinstance(exc, TypeError) and not frames and by_call:
            return UsageError(f"calling {self.label}(x) failed: {exc}",
                              code="bad_signature",
                              hint="the function must take one argument: a numpy array "
                                   "of the parameters")
        hint = self.complex_hint if np.iscomplexobj(x) else None
        return _from_user(exc, f"{self.label} raised", self.roots, hint)

    def __call__(self, x: np.ndarray) -> Any:
        value = self._call(x)
        if type(value) is float:
            return value
        complex_ok = np.iscomplexobj(x)
        try:
            arr = to_numpy(value)  # numpy, or a torch/JAX array-like (engines.arraylike)
        except Exception:  # noqa: BLE001 - anything unconvertible is a bad output
            arr = np.asarray(None)
        if arr.dtype.kind == "f":
            self.dtype = arr.dtype
        if arr.size != 1 or arr.dtype.kind not in ("fiuc" if complex_ok else "fiu"):
            kind = "a real number" if not complex_ok else "a number"
            raise UsageError(f"{self.label} returned {_describe(value)}; it must return "
                             f"{kind} ({self.what})", code="bad_output")
        if complex_ok:
            return arr.reshape(())
        return float(arr.reshape(()))


class UserGradient:
    """The user's gradient: array -> array of the point's size (flattened float64)."""

    def __init__(self, code: UserCode) -> None:
        self.inner = UserFunction(code, what="the gradient")
        self.label = code.label

    def __call__(self, x: np.ndarray) -> np.ndarray:
        value = self.inner._call(x)
        try:
            arr = to_numpy(value)  # numpy, or a torch/JAX array-like (engines.arraylike)
        except Exception:  # noqa: BLE001 - anything unconvertible is a bad output
            arr = np.asarray(None)
        if arr.dtype.kind not in "fiu":
            raise UsageError(f"{self.label} returned {_describe(value)}; it must return "
                             f"an array of {x.size} numbers (the gradient)", code="bad_output")
        if arr.size != x.size:
            raise UsageError(
                f"{self.label} returned {arr.size} numbers (shape {arr.shape}), but the "
                f"point has {x.size} parameters (shape {x.shape}): the gradient needs one "
                f"per parameter", code="bad_output")
        return np.asarray(arr, dtype=np.float64).reshape(-1)


# --------------------------------------------------------------------------- points


@dataclass(frozen=True)
class UserPoint:
    """The point user code is evaluated at: the array (any shape), how it was given
    (for people: `--dim 31 --seed 0 (standard normal)`, `at=[1.0, 2.0]`) and, for a
    random point, the seed it was drawn with."""

    values: np.ndarray
    source: str
    seed: int | None = None


def user_point(value: object, *, param: str) -> UserPoint:
    """A point given as a Python value: a UserPoint, or anything numpy reads as real numbers."""
    if isinstance(value, UserPoint):
        return value
    try:
        x = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise UsageError(f"{param} must be an array of real numbers, one per parameter, not "
                         f"{_describe(value)}", code="bad_value") from None
    x = check_point(x.reshape(1) if x.ndim == 0 else x, option=param)
    if x.size <= 8:
        shown = "[" + ", ".join(repr(float(v)) for v in x.reshape(-1)) + "]"
        source = f"{param}={shown}" if x.ndim == 1 else f"{param}: an array of shape {x.shape}"
    else:
        source = f"{param}: an array of shape {x.shape}"
    return UserPoint(x, source)


# A text file of numbers larger than this is read no further (.npy has no limit
# but the memory cap: its header says the size before anything is read).
MAX_POINT_FILE_BYTES = 64 << 20


def _coordinate(word: str, index: int, option: str, path_text: str) -> float:
    try:
        return float(word)
    except ValueError:
        shown = repr(word) if len(word) <= 24 else "a word"
        raise UsageError(f"{option}: {path_text}: item {index + 1} ({shown}) is not a number",
                         code="bad_value") from None


def point_from_file(path_text: str, *, option: str = "--x0") -> np.ndarray:
    """The point from a .npy file (any shape), or from a text file of numbers."""
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise UsageError(f"{option}: {path_text} does not exist", code="file_not_found")
    try:
        if path.suffix == ".npy":
            data = np.load(path, allow_pickle=False)
        else:
            with path.open("rb") as stream:
                raw = stream.read(MAX_POINT_FILE_BYTES + 1)
            if len(raw) > MAX_POINT_FILE_BYTES:
                raise UsageError(f"{option}: {path_text} is larger than "
                                 f"{MAX_POINT_FILE_BYTES >> 20} MiB; save a large point as "
                                 ".npy", code="input_too_long")
            words = raw.decode("utf-8").replace(",", " ").split()
            data = np.array([_coordinate(t, k, option, path_text) for k, t in enumerate(words)])
    except (OSError, UnicodeDecodeError) as exc:
        # Never the file's text: it may be any file (a typo naming /etc/passwd).
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise UsageError(f"{option}: cannot read {path_text} as numbers: {reason}",
                         code="bad_file") from None
    except ValueError:  # np.load: not a .npy array (its message quotes the file's bytes)
        raise UsageError(f"{option}: cannot read {path_text} as numbers: not a NumPy .npy "
                         "array file", code="bad_file") from None
    if data.dtype.kind not in "fiu":
        raise UsageError(f"{option}: {path_text} holds {data.dtype} values, not real numbers",
                         code="bad_file")
    return check_point(np.asarray(data, dtype=np.float64), option=option)


def random_point(dim: int, seed: int, *, option: str = "dim") -> np.ndarray:
    """A standard normal point of `dim` parameters, reproducible from `seed`.

    Seeded with [seed, 1] so that it is independent of the random directions,
    which are drawn from `seed` itself.
    """
    if not 1 <= dim <= _MAX_X0_SIZE:
        raise UsageError(f"{option} must be between 1 and {_MAX_X0_SIZE:,}", code="bad_value")
    return np.random.default_rng([seed, 1]).standard_normal(dim)


def check_point(x: np.ndarray, *, option: str) -> np.ndarray:
    if x.size == 0:
        raise UsageError(f"{option}: the point has no coordinates", code="bad_value")
    if x.size > _MAX_X0_SIZE:
        raise UsageError(f"{option}: {x.size:,} parameters is more than the "
                         f"{_MAX_X0_SIZE:,} supported", code="bad_value")
    if not np.all(np.isfinite(x)):
        bad = int(np.flatnonzero(~np.isfinite(x.reshape(-1)))[0])
        raise UsageError(f"{option}: the point has a non-finite coordinate (index {bad})",
                         code="bad_value")
    return x



def timed_call(f: Callable[[np.ndarray], Any], x: np.ndarray) -> tuple[Any, float]:
    """f(x) and the seconds it took."""
    import time

    start = time.perf_counter()
    value = f(x)
    return value, time.perf_counter() - start


def finite_or_raise(value: float, label: str) -> float:
    if not math.isfinite(value):
        raise ComputeError(f"{label} is {value} at the point: no gradient can be checked "
                           "there", code="not_finite")
    return value


def param_name(fn: Callable[..., Any]) -> str:
    """The name of the function's first parameter (theta, w), to name components."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return "x"
    if params and params[0].name.isidentifier() and params[0].kind in (
            inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
        return params[0].name
    return "x"


def component_name(base: str, index: int, shape: tuple[int, ...]) -> str:
    """Component `index` of a parameter array of this shape: theta[3], w[1, 2]."""
    if len(shape) <= 1:
        return f"{base}[{index}]"
    return base + "[" + ", ".join(str(int(i)) for i in np.unravel_index(index, shape)) + "]"


def parse_numbers(text: str, *, option: str) -> np.ndarray:
    """`0.5, 1, pi/4` -> array; used for the point of --func code."""
    values = []
    for _, piece in split_top_level(text.strip()):
        piece = piece.strip()
        if "=" in piece:
            raise UsageError(f"{option} {text!r}: with --func the point is a list of numbers "
                             "(0.5,1,-2), one per parameter, without names", code="bad_value")
        if not piece:
            raise UsageError(f"{option} {text!r}: an empty item between commas",
                             code="bad_value")
        values.append(float(sp.N(parse_value(piece, what=f"a coordinate in {option}"), 17)))
    return check_point(np.array(values, dtype=np.float64), option=option)
