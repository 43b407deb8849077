"""hessian --hvp: extreme eigenvalues by Lanczos on finite-difference Hessian-vector
products (#16). Expected spectra are known by construction (quadratics), or computed
here with numpy's eigvalsh of a Hessian built independently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from calctool.core.engines import lanczos
from calctool.core.engines import usercode as uc
from calctool.core.ops.hessian import hessian_hvp

FIXTURES = Path(__file__).resolve().parent / "fixtures"
mlp = uc.load_module(FIXTURES / "mlp.py")


def quadratic(spectrum: np.ndarray, seed: int = 0):
    """f(x) = x^T Q diag(d) Q^T x / 2 with a random rotation Q (so H is not diagonal)."""
    n = spectrum.size
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))

    def f(x):
        y = q.T @ x
        return 0.5 * float(y @ (spectrum * y))

    def grad(x):
        return q @ (spectrum * (q.T @ x))

    return f, grad


def test_known_spectrum_top_eigenvalues_and_negative_curvature() -> None:
    d = np.concatenate([[40.0, 25.0, 12.0, -3.0], np.linspace(0.1, 2.0, 196)])
    f, grad = quadratic(d)
    x = np.random.default_rng(1).standard_normal(d.size)
    r = hessian_hvp(f, grad, x, k=3)
    assert np.allclose(r.largest, [40.0, 25.0, 12.0], rtol=1e-8)
    assert r.smallest[0] == pytest.approx(-3.0, rel=1e-8)
    assert r.classification == "negative curvature: not a minimum"
    assert r.converged
    assert r.gradient_evaluations == 2 * r.iterations + 1
    assert r.iterations < 60


def test_positive_definite_is_not_claimed_without_convergence() -> None:
    d = np.concatenate([[40.0, 25.0], np.linspace(0.01, 1.0, 398)])
    f, grad = quadratic(d, seed=2)
    r = hessian_hvp(f, grad, np.ones(d.size), k=2, max_iter=30)
    assert r.largest[0] == pytest.approx(40.0, rel=1e-8)
    assert r.smallest[0] >= 0.01 - 1e-9  # a Ritz value never undercuts the spectrum
    assert "minimum" not in r.classification.replace("not a minimum", "")
    assert r.classification.startswith("no negative curvature found")


def test_mlp_against_a_full_hessian_built_here() -> None:
    x = uc.random_point(31, 0)
    h = 1e-5
    full = np.empty((31, 31))
    for j in range(31):
        e = np.zeros(31)
        e[j] = h
        full[:, j] = (mlp.loss_grad(x + e) - mlp.loss_grad(x - e)) / (2 * h)
    eig = np.linalg.eigvalsh((full + full.T) / 2)
    r = hessian_hvp(mlp.loss, mlp.loss_grad, x, k=2)
    assert np.allclose(r.largest, eig[::-1][:2], rtol=1e-6)
    assert np.allclose(r.smallest, eig[:2], rtol=1e-6, atol=1e-8)


def test_engine_on_an_explicit_operator() -> None:
    d = np.arange(1.0, 101.0)
    ext = lanczos.extremes(lambda v: d * v, 100, k=2, max_iter=100, tol=1e-12)
    assert ext.largest == pytest.approx((100.0, 99.0), rel=1e-10)


@pytest.mark.usefixtures("workdir")
def test_cli(cli) -> None:
    r = cli("hessian", "--func", "model.py:loss", "--grad", "loss_grad", "--hvp", "--dim",
            "300", "--json")
    assert r.code == 0, r.stderr
    d = r.json
    # model.py: f = sum(sin(w) + w^2), H = diag(2 - sin(w_i))
    w = uc.random_point(300, 0)
    eig = np.sort(2 - np.sin(w))  # clustered near 3: Lanczos may stop before converging
    for theta, res in zip(d["largest_eigenvalues"], d["largest_residuals"]):
        assert theta <= eig[-1] + 1e-9  # Ritz values lie inside the spectrum
        assert np.min(np.abs(eig - theta)) <= res + 1e-9  # and within the bound of one
    assert d["largest_eigenvalues"][0] == pytest.approx(eig[-1], rel=1e-4)
    assert d["mode"] == "hvp" and d["n"] == 300
    assert cli("hessian", "--func", "model.py:loss", "--hvp", "--dim", "3").code == 2
    assert cli("hessian", "--func", "model.py:loss", "--grad", "loss_grad", "--dim", "3").code \
        == 2


def test_api_with_a_matrix_shaped_point() -> None:
    import calctool

    d = np.array([[5.0, 3.0], [-1.0, 0.5]])
    r = calctool.hessian(lambda x: 0.5 * float(np.sum(x * d * x)), grad=lambda x: d * x,
                         at=np.ones((2, 2)), hvp=True, top=2)
    assert r.largest == pytest.approx((5.0, 3.0), rel=1e-8)
    assert r.smallest[0] == pytest.approx(-1.0, rel=1e-8)
    assert r.to_dict()["gradient_norm"] == pytest.approx(float(np.linalg.norm(d)), rel=1e-12)
