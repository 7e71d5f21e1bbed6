"""The kernel warm-up that render runs silently (its errors are swallowed by design) must itself run cleanly."""
from parley.pipeline import render


def test_the_kernel_warm_up_code_runs():
    exec(render.WARM_UP, {})  # noqa: S102 - the same two lines render sends to a fresh kernel
