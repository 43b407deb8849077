"""`--save FILE`: the picture of a command's plot, written after its answer is printed."""

from __future__ import annotations

from collections.abc import Callable

from calctool.cli.settings import Settings
from calctool.core.errors import CalcError, UsageError


def run_saving(settings: Settings, text: str, compute: Callable[[str], object],
               save: str | None, jobs: int = 1) -> int:
    """`run` the command; with `save`, then write the picture of its plot to that file."""
    from calctool.cli.runner import run

    if save is None:
        return run(settings, text, compute, jobs)  # type: ignore[arg-type]
    status = refuse_early(settings, save, text, text == "-")
    if status is not None:
        return status
    done: list[object] = []

    def capture(line: str) -> object:
        result = compute(line)
        done.append(result)
        return result

    status = run(settings, text, capture)  # type: ignore[arg-type]
    if status == 0 and done:
        status = write_figure(settings, done[-1], save, text)
    return status


def refuse_early(settings: Settings, path: str, text: str, batch: bool) -> int | None:
    """Exit status of a --save that cannot work (bad suffix, matplotlib missing, a batch),
    checked before any work; None when it can."""
    from calctool.render.figure import check_target
    from calctool.render.output import emit_error

    try:
        if batch:
            raise UsageError("--save writes one picture: give the expressions as arguments, "
                             "not - (stdin)", code="bad_option")
        check_target(path)
    except CalcError as exc:
        emit_error(settings.output, exc, text, settings.command)
        return int(exc.exit_status)
    return None


def write_figure(settings: Settings, result: object, path: str, text: str) -> int:
    """Write the result's plot to path; a note on stderr, or the error and its status."""
    from calctool.render.figure import save
    from calctool.render.output import emit_error

    plot = getattr(result, "plot", None)
    if plot is None:
        return 0
    try:
        save(plot, path)
    except CalcError as exc:
        emit_error(settings.output, exc, text, settings.command)
        return int(exc.exit_status)
    if not settings.output.json:
        settings.output.stderr.write(f"calctool: wrote {path}\n")
    return 0
