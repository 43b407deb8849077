"""The computational core: parsing, symbolic and numeric engines, results.

Nothing here imports typer, rich or plotext; every function is usable as a
library.
"""
