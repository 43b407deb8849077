"""calctool: a command-line calculus tool (derivatives, limits, tangents, gradients).

Importing this package is cheap: heavy modules (sympy, numpy, rich, plotext)
are imported only by the code that needs them.
"""

__version__ = "0.1.0"
