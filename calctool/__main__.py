"""`python -m calctool` entry point."""

from calctool.cli import main

if __name__ == "__main__":
    main()
