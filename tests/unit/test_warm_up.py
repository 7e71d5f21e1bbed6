"""The kernel warm-up that render runs silently (its errors are swallowed by design) must itself run cleanly."""
from parley.pipeline import kernels


def test_the_kernel_warm_up_code_runs():
    exec(kernels.WARM_UP, {})  # noqa: S102 - the same two lines a kernel runs before its briefing
