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


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("calctool") is None,
                    reason="needs bash and an installed calctool")
def test_bash_completes_option_values(shell) -> None:
    """Values, not file names: --method, --dir, --latex-style, and --at offers the
    expression's variables (read without sympy)."""
    assert _bash_complete(shell, ["calctool", "gradcheck", "x", "--method", "r"]) == \
        ["richardson"]
    assert set(_bash_complete(shell, ["calctool", "limit", "x", "--to", "0", "--dir", ""])) \
        == {"+", "-"}
    assert _bash_complete(shell, ["calctool", "diff", "x", "--latex-style", "a"]) == ["align"]
    assert _bash_complete(shell, ["calctool", "diff", "x*y+sin(theta)", "--at", ""]) == \
        ["theta=", "x=", "y="]
    assert _bash_complete(shell, ["calctool", "tangent", "x*y", "--at", "x=1,"]) == ["x=1,y="]


def _protocol(shell_name: str, words: str, cword: int) -> str:
    """What calctool answers to the completion script of `shell_name` (the scripts pass
    COMP_WORDS and COMP_CWORD and read the reply from stdout)."""
    import os

    # typer's zsh and fish scripts pass the command line up to the cursor
    env = {**os.environ, "_CALCTOOL_COMPLETE": f"complete_{shell_name}",
           "_TYPER_COMPLETE_ARGS": words, "_TYPER_COMPLETE_FISH_ACTION": "get-args",
           "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    r = subprocess.run([sys.executable, "-c", "from calctool.cli.app import main; main()"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("shell_name", ["zsh", "fish"])
def test_zsh_and_fish_scripts_get_option_values(shell_name: str) -> None:
    """The protocol the zsh and fish scripts use, without the shells themselves."""
    out = _protocol(shell_name, "calctool gradcheck x --method r", 4)
    assert "richardson" in out and "central" not in out
    assert "--json" in _protocol(shell_name, "calctool diff x --js", 3)


@pytest.mark.skipif(shutil.which("fish") is None or shutil.which("calctool") is None,
                    reason="fish is not installed (apt-get install fish to run this)")
def test_fish_completes_in_a_real_fish(shell) -> None:
    script = ROOT / "completions" / "calctool.fish"
    r = shell(f"fish -c \"source '{script}'; complete -C 'calctool diff x --js'\"", timeout=60)
    assert r.code == 0 and "--json" in r.stdout, r.stderr
    r = shell(f"fish -c \"source '{script}'; complete -C 'calctool limit x --dir '\"",
              timeout=60)
    assert "+" in r.stdout.split() or "+\t" in r.stdout, r.stdout


@pytest.mark.skipif(shutil.which("zsh") is None,
                    reason="zsh is not installed; its script is checked through the protocol "
                           "test above")
def test_zsh_loads_the_script() -> None:
    """zsh has no non-interactive way to ask for completions: check that the script
    loads in a real zsh and defines its function."""
    script = ROOT / "completions" / "_calctool"
    r = subprocess.run(["zsh", "-c", f"autoload -U compinit && compinit -u && "
                                     f"source '{script}' && whence -w _calctool_completion"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "function" in r.stdout, r.stderr
