"""Shared test helpers: run the CLI in-process and capture what a user would see."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def json_lines(self) -> list[Any]:
        return [json.loads(line) for line in self.stdout.splitlines()]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """cli("diff", "x^2", "--json", stdin="...") -> Run(code, stdout, stderr)."""
    from calctool.cli.app import main

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Run:
        monkeypatch.setattr(sys, "argv", ["calctool", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        for k, v in (env or {}).items():
            monkeypatch.setenv(k, v)
        capsys.readouterr()
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = 0
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run
