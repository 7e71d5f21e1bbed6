"""Issue 7 (5) and issue 4 (Determinism): the same inputs render byte-identical HTML.

Two checkouts are made in different temporary folders (parley/, notebooks/briefing.ipynb, the
reference tables and the Korean War fixture copied, PYTHONPATH pointing at the copy, so the package, the notebook, the
kernel's working folder and the data all live at different absolute paths). The fixture renders
three times: twice in the first checkout (different --out, one run right after the other), once in
the second. The three briefing.html files must be the same bytes, and hold no absolute path, no
time of rendering and no random id.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path("tests") / "fixtures" / "korea-1950"
PERIOD = "1953-07"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def checkout(target: Path) -> Path:
    shutil.copytree(ROOT / "parley", target / "parley", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (target / "notebooks").mkdir(parents=True)
    shutil.copyfile(ROOT / "notebooks" / "briefing.ipynb", target / "notebooks" / "briefing.ipynb")
    shutil.copytree(ROOT / FIXTURE, target / FIXTURE)
    shutil.copytree(ROOT / "data" / "reference", target / "data" / "reference")  # shipped reference tables
    return target


def render(folder: Path, out: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run([sys.executable, "-m", "parley", "render", str(FIXTURE), "--period", PERIOD, "--out", out],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    first = checkout(tmp_path_factory.mktemp("checkout-one") / "parley-main")
    second = checkout(tmp_path_factory.mktemp("checkout-two") / "elsewhere" / "parley-copy")
    jobs = {"first": (first, "reports"), "first again": (first, "reports-again"), "second": (second, "out/reports")}

    def one(item):
        name, (folder, out) = item
        done = render(folder, out)
        assert done.returncode == 0, f"{name}: {done.stderr}"
        return name, folder / out / "korea-1950" / PERIOD

    with ThreadPoolExecutor(max_workers=3) as pool:
        return {**dict(pool.map(one, jobs.items())), "checkouts": (first, second)}


def test_each_run_used_its_own_checkout(runs):
    first, second = runs["checkouts"]
    for name, folder in (("first", first), ("second", second)):
        probe = subprocess.run([sys.executable, "-c", "import parley.pipeline.render as r; print(r.NOTEBOOK)"], cwd=folder,
                               env={**os.environ, "PYTHONPATH": str(folder)}, capture_output=True, text=True, timeout=60)
        assert probe.stdout.strip() == str(folder / "notebooks" / "briefing.ipynb"), name


def test_same_inputs_give_byte_identical_html(runs):
    pages = {name: (runs[name] / "briefing.html").read_bytes() for name in ("first", "first again", "second")}
    assert len(pages["first"]) > 100_000
    assert pages["first again"] == pages["first"], "two runs in one checkout differ"
    assert pages["second"] == pages["first"], "two checkouts differ"


def test_the_manifests_agree_on_the_inputs(runs):
    manifests = [json.loads((runs[name] / "manifest.json").read_text()) for name in ("first", "first again", "second")]
    assert manifests[0] == manifests[1] == manifests[2]


def test_no_absolute_path_timestamp_or_random_id_in_the_html(runs):
    page = (runs["first"] / "briefing.html").read_text(encoding="utf-8")
    first, second = runs["checkouts"]
    for path in (first, second, ROOT, Path.home(), Path(sys.executable).parent, Path("/tmp").resolve()):
        assert str(path) not in page, f"absolute path {path} in the HTML"
    assert "file://" not in page
    # what came from the data and the notebook: the page without parley's two static scripts (plotly.js, draw.js)
    generated = re.sub(r"<script( type=\"application/gzip\" id=\"parley-plotly-js\")?>\n.*?\n</script>", "<script></script>",
                       page, flags=re.DOTALL)
    assert len(generated) < len(page) - 400_000 and generated.count("parley-figure-data") >= 6
    assert not re.search(r"(?<![\w.])/(?:tmp|home|root|work|usr|var|opt|srv|mnt)/", generated), "a path in the HTML"
    now = dt.datetime.now()
    for stamp in {f"{now:%Y-%m-%d}", f"{now:%d %B %Y}", f"{now:%d %b %Y}", f"{now:%Y%m%d}", f"{now:%H:%M}"}:
        assert stamp not in generated, f"the time of rendering ({stamp}) is in the HTML"
    assert not UUID_RE.search(page), f"a random id in the HTML: {UUID_RE.search(page).group(0)}"
    assert '"uid"' not in generated
    ids = re.findall(r'id="(parley-fig-[^"]+)"', page)
    assert ids == [f"parley-fig-{n}" for n in range(1, len(ids) + 1)], ids
