"""The letter PDF renders (official layout) and, as a PNG, is not blank."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from safecampus.supervision.pdf import issuer_name, letter_pdf


def test_letter_pdf_renders_and_is_not_blank(make_letter, major, make_hazard, tmp_path):
    letter = make_letter(major, make_hazard(), extra_items="消防通道堆放杂物")
    data = letter_pdf(letter)
    assert data.startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed")
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
    )
    png = next(tmp_path.glob("p*.png"))
    with Image.open(png) as img:
        rgb = img.convert("RGB")
        assert ImageStat.Stat(rgb.convert("L")).stddev[0] > 10  # not blank
        # The red header is there: some strongly red pixels in the top fifth.
        top = rgb.crop((0, 0, rgb.width, rgb.height // 5))
        assert any(r > 180 and g < 80 and b < 80 for r, g, b in top.getdata())
    out = os.environ.get("SUPERVISION_PDF_PNG")
    if out:  # for looking at it: SUPERVISION_PDF_PNG=/tmp/letter.png pytest …
        subprocess.run(
            ["pdftoppm", "-png", "-r", "90", "-singlefile", str(pdf), str(Path(out).with_suffix(""))],
            check=True,
        )


def test_issuer_name(county_unit):
    assert issuer_name(county_unit) == county_unit.name  # 东港区教育和体育局 signs as it is
    county_unit.name = "东港区"
    assert issuer_name(county_unit) == "东港区 Education Bureau"  # English by default in tests
