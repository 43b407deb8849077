"""Shell completion: the scripts are current, bash completes, and completing stays light."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_completion_scripts_are_current() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "completions" / "generate.py"), "--check"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def _bash_complete(shell, words: list[str]) -> list[str]:
    script = ROOT / "completions" / "calctool.bash"
    cword = len(words) - 1
    quoted = " ".join(f"'{w}'" for w in words)
    command = (f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={cword}; "
               f"_calctool_completion calctool; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
    r = shell(command, timeout=60)
    assert r.code == 0, r.stderr
    return [line for line in r.stdout.splitlines() if line]


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("calctool") is None,
                    reason="needs bash and an installed calctool")
def test_bash_completes_commands_and_options(shell) -> None:
    assert "diff" in _bash_complete(shell, ["calctool", "di"])
    assert set(_bash_complete(shell, ["calctool", ""])) >= {"diff", "eval"}
    assert "--json" in _bash_complete(shell, ["calctool", "diff", "x^2", "--js"])
    assert "--order" in _bash_complete(shell, ["calctool", "diff", "x", "--or"])


def test_completing_does_not_import_heavy_modules(import_probe) -> None:
    env = {"_CALCTOOL_COMPLETE": "complete_bash", "COMP_WORDS": "calctool diff --",
           "COMP_CWORD": "2"}
    heavy, r = import_probe([], env=env)
    assert "--json" in r.stdout
    assert not heavy, f"completing imported {sorted(heavy)}"
