"""The complete example of docs/format.md builds, and the font coverage table is right."""

from __future__ import annotations

import json
import re

from PIL import Image
from pypdf import PdfReader

from conftest import ROOT, cli, pdftotext, squash


def test_the_documented_example_builds(tmp_path):
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
    src = tmp_path / "src"
    (src / "images").mkdir(parents=True)
    Image.new("RGB", (120, 60), "steelblue").save(src / "images" / "schema.png")
    (src / "exemple.yaml").write_text(example, encoding="utf-8")
    proc = cli("build", "--sources", str(src), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "error" not in proc.stderr
    student, key = tmp_path / "out" / "exemple-eleve.pdf", tmp_path / "out" / "exemple-corrige.pdf"
    assert len(PdfReader(student).pages) == len(PdfReader(key).pages)
    assert squash("Travail en équipe") in squash(pdftotext(key))
    assert squash("Travail en équipe") not in squash(pdftotext(student))


def test_coverage_table_matches_the_fonts():
    from worksheet_gen import fonts

    data = json.loads((fonts.FONT_DIR / "coverage.json").read_text())
    assert data["ranges"] == fonts.cmap_ranges()
    assert fonts.can_draw("é") and fonts.can_draw("«") and fonts.can_draw("\u202f")
    assert not fonts.can_draw("😀") and not fonts.can_draw("中")
