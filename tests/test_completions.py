"""Shell completion: the scripts are current, bash completes, and completing stays light."""

from __future__ import annotations

import os
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


def _bash_complete(words: list[str]) -> list[str]:
    script = ROOT / "completions" / "calctool.bash"
    cword = len(words) - 1
    quoted = " ".join(f"'{w}'" for w in words)
    command = (f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={cword}; "
               f"_calctool_completion calctool; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    r = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60,
                       env=env)
    assert r.returncode == 0, r.stderr
    return [line for line in r.stdout.splitlines() if line]


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("calctool") is None,
                    reason="needs bash and an installed calctool")
def test_bash_completes_commands_and_options() -> None:
    assert "diff" in _bash_complete(["calctool", "di"])
    assert set(_bash_complete(["calctool", ""])) >= {"diff", "eval"}
    assert "--json" in _bash_complete(["calctool", "diff", "x^2", "--js"])
    assert "--order" in _bash_complete(["calctool", "diff", "x", "--or"])


def test_completing_does_not_import_heavy_modules() -> None:
    probe = ("import os, sys\n"
             "from calctool.cli.app import main\n"
             "try:\n    main([])\nexcept SystemExit:\n    pass\n"
             "heavy = sorted(m for m in ('sympy', 'numpy', 'plotext', 'rich')\n"
             "               if m in sys.modules)\n"
             "sys.stderr.write('HEAVY=' + ','.join(heavy))\n")
    env = {**os.environ, "_CALCTOOL_COMPLETE": "complete_bash", "COMP_WORDS": "calctool diff --",
           "COMP_CWORD": "2"}
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                       timeout=60, env=env)
    assert "--json" in r.stdout
    assert r.stderr.rsplit("HEAVY=", 1)[1].strip() == ""
