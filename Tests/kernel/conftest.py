"""Shared set-up of the kernel tests: run by Scripts/test_kernel.sh, which installs the kernel
spec `loss` into a temporary JUPYTER_DATA_DIR and sets LOSS_BIN to the `loss` it built."""
import os
import shutil

import pytest


def loss_bin():
    path = os.environ.get("LOSS_BIN") or shutil.which("loss")
    if not path:
        pytest.exit("LOSS_BIN is not set: run Scripts/test_kernel.sh", returncode=2)
    return path


def pytest_configure(config):
    data = os.environ.get("JUPYTER_DATA_DIR", "")
    if not data or not os.path.exists(os.path.join(data, "kernels", "loss", "kernel.json")):
        pytest.exit("the loss kernel spec is not installed in a test JUPYTER_DATA_DIR: run Scripts/test_kernel.sh", returncode=2)


@pytest.fixture
def kernel(tmp_path):
    """A fresh loss kernel and a client; the kernel's stderr goes to tmp_path/kernel.stderr."""
    from jupyter_client.manager import KernelManager

    stderr = open(tmp_path / "kernel.stderr", "w")
    km = KernelManager(kernel_name="loss")
    km.start_kernel(stderr=stderr)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    km.stderr_path = tmp_path / "kernel.stderr"
    yield km, kc
    kc.stop_channels()
    if km.is_alive():
        km.shutdown_kernel(now=False)
    stderr.close()
