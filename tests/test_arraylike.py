"""Array-likes from the frameworks, with no framework installed (#16).

tests/fixtures/fakearray.py has a tensor type that converts only through the
protocols torch and JAX use (__array__, DLPack) and refuses while it requires
grad, and a stand-in `torch` module (inserted into sys.modules here).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from calctool.core.engines import usercode as uc
from calctool.core.engines.arraylike import to_numpy
from calctool.core.ops.gradcheck import gradcheck
from calctool.core.ops.jacobian import jacobian

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FAKE = str(FIXTURES / "fakearray.py")
fa = uc.load_module(Path(FAKE))


def test_to_numpy_reads_every_protocol() -> None:
    assert np.array_equal(to_numpy(fa.FakeTensor([1.0, 2.0])), [1.0, 2.0])
    assert np.array_equal(to_numpy(fa.FakeTensor([1.0, 2.0], array=False)), [1.0, 2.0])
    assert np.array_equal(to_numpy(fa.FakeTensor([3.0], requires_grad=True)), [3.0])
    assert np.array_equal(to_numpy(fa.FakeTensor([3.0], array=False, requires_grad=True)),
                          [3.0])
    assert to_numpy(2.5) == 2.5


@pytest.mark.parametrize("loss", ["loss_returning_dlpack_only", "loss_requiring_grad"])
def test_outputs_that_are_tensors_are_checked(cli, loss: str) -> None:
    r = cli("gradcheck", "--func", f"{FAKE}:{loss}", "--grad", "grad_as_tensor", "--dim", "6",
            "--json")
    assert r.code == 0, r.stderr
    assert r.json["passed"] is True and r.json["checked"] == 6


@pytest.fixture
def fake_torch(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "torch", fa.fake_torch)
    return fa.fake_torch


@pytest.mark.usefixtures("fake_torch")
def test_code_that_takes_a_tensor_gets_one_with_as_torch(cli) -> None:
    base = ["gradcheck", "--func", f"{FAKE}:tensor_loss", "--dim", "5", "--json"]
    r = cli(*base, "--grad", "tensor_grad", "--as", "torch")
    assert r.code == 0, r.stderr
    assert r.json["passed"] is True
    wrong = cli(*base, "--grad", "tensor_wrong_grad", "--as", "torch")
    assert wrong.code == 1 and wrong.json["failed"] == 5
    fast = cli(*base, "--grad", "tensor_grad", "--as", "torch", "--fast")
    assert fast.code == 0, fast.stderr
    # without --as the code gets a numpy array, and says so in its own error
    plain = cli(*base, "--grad", "tensor_grad")
    assert plain.code == 3 and "expected a tensor" in plain.json["error"]["message"]


@pytest.mark.usefixtures("fake_torch")
def test_api_takes_and_the_tensor_is_a_copy() -> None:
    seen = []

    def loss(t):
        seen.append((t, t.data.copy()))
        return (t * t).sum()

    def grad(t):
        return t * 2.0

    r = gradcheck(loss, grad, at=[1.0, -2.0, 0.5], takes="torch")
    assert r.passed
    assert all(isinstance(t, fa.FakeTensor) for t, _ in seen)
    # the engine moves its working point in place: a tensor kept by the code must not move
    assert all(np.array_equal(t.data, at_call) for t, at_call in seen)
    assert len({bytes(at_call) for _, at_call in seen}) > 1  # it was given different points


def test_unknown_or_missing_framework_is_a_usage_error(cli, monkeypatch) -> None:
    r = cli("gradcheck", "--func", f"{FAKE}:tensor_loss", "--grad", "tensor_grad", "--dim", "2",
            "--as", "mxnet")
    assert r.code == 2 and "expected one of numpy, torch, jax" in r.stderr
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch fails
    r = cli("gradcheck", "--func", f"{FAKE}:tensor_loss", "--grad", "tensor_grad", "--dim", "2",
            "--as", "torch")
    assert r.code == 2 and "not installed" in r.stderr


def test_jacobian_reads_a_list_of_tensors() -> None:
    def f(v):
        return fa.FakeTensor([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])], requires_grad=True)

    d = jacobian(f, at=[2.0, 0.5]).to_dict()
    assert np.allclose(d["values"], [[np.cos(0.5), -2 * np.sin(0.5)],
                                     [np.sin(0.5), 2 * np.cos(0.5)]], atol=1e-9)


@pytest.mark.usefixtures("fake_torch")
def test_hessian_and_jacobian_take_tensors_with_as_torch(cli) -> None:
    r = cli("hessian", "--func", f"{FAKE}:tensor_loss", "--at", "0.5,-1", "--as", "torch",
            "--json")
    assert r.code == 0, r.stderr
    # f = sum(sin t + t^2): H = diag(2 - sin t)
    assert np.allclose(r.json["numeric_values"], np.diag(2 - np.sin([0.5, -1.0])), atol=1e-6)
    r = cli("hessian", "--func", f"{FAKE}:tensor_loss", "--grad", "tensor_grad", "--hvp",
            "--dim", "20", "--as", "torch", "--json")
    assert r.code == 0, r.stderr
    w = uc.random_point(20, 0)
    assert r.json["largest_eigenvalues"][0] <= float(np.max(2 - np.sin(w))) + 1e-9
    r = cli("jacobian", "--func", f"{FAKE}:tensor_grad", "--at", "0.5,-1", "--as", "torch",
            "--json")
    assert r.code == 0, r.stderr
    assert np.allclose(r.json["values"], np.diag(2 - np.sin([0.5, -1.0])), atol=1e-8)
