"""Issue 14 (4): one owner for the render kernel; nothing survives a failure between start and execute."""

from __future__ import annotations

import pathlib
import tempfile

import psutil
import pytest

from parley.data.periods import parse_period
from parley.errors import RenderError
from parley.pipeline import kernels
from parley.pipeline import render as render_module

pytestmark = [pytest.mark.slow]


def kernels_of_this_process() -> list[psutil.Process]:
    return [child for child in psutil.Process().children(recursive=True)
            if "ipykernel" in " ".join(child.cmdline())]


def is_gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_a_read_failure_after_the_kernel_started_names_the_read_and_leaves_nothing(tmp_path, korea_copy, monkeypatch):
    """The parent reads the notebook (for the inputs digest) while the kernel is alive: a failure there stops the
    kernel and publishes nothing. (The data files are read in the kernel, which records them: render contract.)"""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # the kernel's private folder is made here
    seen = {}
    read_bytes = pathlib.Path.read_bytes

    def failing_read(path):
        if path == render_module.NOTEBOOK:
            seen["kernels"] = kernels_of_this_process()
            seen["folders"] = sorted(p.name for p in temp.glob("parley-kernel-*"))
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(pathlib.Path, "read_bytes", failing_read)
    render_module._notebook_digest.cache_clear()  # read it now, not from an earlier render of this process
    with pytest.raises(RenderError) as caught:
        render_module.render(korea_copy, parse_period("1953-07"), out=tmp_path / "reports")
    message = str(caught.value)
    assert message == f"could not read {render_module.NOTEBOOK}: Permission denied"
    # the failure really came after the start: a kernel and its socket folder were alive when the read failed
    assert seen["kernels"] and len(seen["folders"]) == 1
    assert all(is_gone(kernel) for kernel in seen["kernels"]), "the kernel outlived the failed render"
    assert not list(temp.glob("parley-kernel-*")), "the kernel's temporary folder outlived the failed render"
    assert not (tmp_path / "reports" / "korea-1950" / "1953-07" / "briefing.html").exists()


def test_the_kernel_is_stopped_when_the_block_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(ZeroDivisionError):
        with kernels.running_kernel(tmp_path) as kernel:
            process = psutil.Process(kernel.provisioner.pid)
            assert process.is_running() and list(tmp_path.glob("parley-kernel-*"))
            1 / 0
    assert is_gone(process)
    assert not list(tmp_path.glob("parley-kernel-*"))


def test_a_kernel_that_cannot_start_is_one_message_and_leaves_no_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(kernels, "KERNEL", "no-such-kernel-spec")
    with pytest.raises(RenderError, match="could not start the notebook kernel: NoSuchKernel"):
        with kernels.running_kernel(tmp_path):
            pass
    assert not list(tmp_path.glob("parley-kernel-*"))
