"""The command-line layer: typer commands that parse options, call the core, emit results."""
