"""A model for `calctool gradcheck --func` and `calctool hessian --func` (see the README).

Each function takes a 1-D numpy array of parameters; `loss` returns a number,
the gradients return an array of the same shape.
"""

import numpy as np


def loss(w):
    """sum(sin(w) + w^2): a smooth loss of any number of parameters."""
    return float(np.sum(np.sin(w) + w**2))


def loss_grad(w):
    """The right gradient: cos(w) + 2w."""
    return np.cos(w) + 2 * w


def wrong_grad(w):
    """A typical slip: the derivative of w^2 written as w instead of 2w."""
    return np.cos(w) + w
