"""A vector-valued function for `calctool jacobian --func` and `gradcheck --vjp`.

polar(v) maps (r, theta) to (x, y); polar_vjp(v, u) is the vector-Jacobian
product J(v)^T u that backpropagation uses.
"""

import numpy as np


def polar(v):
    return [v[0] * np.cos(v[1]), v[0] * np.sin(v[1])]


def polar_vjp(v, u):  # J(v)^T u
    c, s = np.cos(v[1]), np.sin(v[1])
    return np.array([c * u[0] + s * u[1], v[0] * (c * u[1] - s * u[0])])
