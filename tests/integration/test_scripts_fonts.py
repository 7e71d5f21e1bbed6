"""Every script an actor may be named in prints: the PDF embeds fonts that cover Cyrillic, Arabic, Chinese and Korean.

Only DejaVu comes with Debian's chromium; the Makefile installs Noto CJK beside it. The check reads the PDF the way a
reader's viewer does: `pdffonts` lists the embedded fonts, `pdftotext` gives back the text the glyphs stand for. As a
control, the same page printed with fontconfig limited to DejaVu must fail the check, so the test can fail.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import KOREA, run_cli, set_cell

from parley.pipeline import render

pytestmark = [pytest.mark.slow, pytest.mark.browser]

NAMES = {
    "Cyrillic": ("actors.csv", 0, "name", "Объединённое командование ООН"),
    "Korean": ("actors.csv", 1, "name", "조선인민군"),
    "Chinese": ("actors.csv", 2, "name", "中国人民志愿军"),
    "Korean, south": ("actors.csv", 3, "name", "대한민국"),
    "Arabic": ("issues.csv", 0, "name", "خط الهدنة"),
}


def embedded_fonts(pdf) -> list[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]


def cjk_fonts(fonts: list[str]) -> list[str]:
    """Embedded fonts that can only come from Noto CJK: by name, or Type 3 glyph fonts, which is how Chromium embeds
    the CFF outlines of Noto's CJK collection (DejaVu, the only other family here, is embedded as named TrueType)."""
    return [font for font in fonts if "CJK" in font or font == "[none]"]


def missing_scripts(pdf) -> list[str]:
    """Scripts whose names do not come back out of the PDF as text, and 'a CJK font' when none is embedded."""
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    missing = [script for script, (*_, name) in NAMES.items() if "".join(name.split()) not in text]
    if not cjk_fonts(embedded_fonts(pdf)):
        missing += ["a CJK font"]
    return missing


@pytest.fixture(scope="module")
def briefing(tmp_path_factory):
    if not shutil.which("pdffonts"):
        pytest.fail("pdffonts is missing: make test installs poppler-utils with chromium")
    folder = tmp_path_factory.mktemp("scripts") / "korea-1950"
    shutil.copytree(KOREA, folder)
    for file, row, column, value in NAMES.values():
        set_cell(folder / file, row, column, value)
    out = folder.parent / "reports"
    done = run_cli("render", str(folder), "--period", "1953-07", "--out", str(out), "--format", "html,pdf")
    assert done.returncode == 0, done.stderr
    return out / "korea-1950" / "1953-07"


def test_the_pdf_embeds_fonts_for_every_script(briefing):
    assert missing_scripts(briefing / "briefing.pdf") == []


def test_without_the_noto_fonts_the_check_fails(briefing, tmp_path, monkeypatch):
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    "<dir>/usr/share/fonts/truetype/dejavu</dir>"
                    f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    pdf = tmp_path / "dejavu-only.pdf"
    render.to_pdf(briefing / "briefing.html", pdf)
    missing = missing_scripts(pdf)
    assert "a CJK font" in missing and "Korean" in missing
