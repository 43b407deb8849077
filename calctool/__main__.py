"""`python -m calctool` entry point."""

from calctool.cli.app import main

if __name__ == "__main__":
    main()
