"""Packs on paper: every PDF asks the printer for its true size (and for recto-verso when the pack is made for it)."""

from __future__ import annotations

import subprocess

import pytest
from pypdf import PdfReader

from conftest import DATA, cli, need
from test_pack import make
from test_pack_profiles import ROSTER, sheets  # noqa: F401  (a fixture: each version of the Pix sheet)

PACK = DATA / "pack"
PROFILES = ("standard", "dys", "large")


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """A named pack of one student per version, made for recto-verso and for one side: {duplex: path}."""
    out = tmp_path_factory.mktemp("versions")
    roster = out / "classe.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    made = {}
    for duplex in (True, False):
        name = "rv" if duplex else "recto"
        make(out, "pix", "--roster", str(roster), "--date", "2025-03-13", "--name", name,
             *([] if duplex else ["--single-sided"]))
        made[duplex] = out / f"pack-{name}.pdf"
    return made


# --- printers ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
def test_every_fiche_pdf_asks_for_true_size(sheets, profile):  # noqa: F811
    for path in sheets[profile]:
        root = PdfReader(path).trailer["/Root"]
        assert root["/ViewerPreferences"]["/PrintScaling"] == "/None", path
        assert path.read_bytes().startswith(b"%PDF-1.7"), "PrintScaling needs PDF 1.6, Duplex 1.7"


def test_packs_ask_for_true_size_and_their_sides(versions):
    for duplex, path in versions.items():
        prefs = PdfReader(path).trailer["/Root"]["/ViewerPreferences"]
        assert prefs["/PrintScaling"] == "/None"
        assert prefs["/Duplex"] == ("/DuplexFlipLongEdge" if duplex else "/Simplex")
        assert path.read_bytes().startswith(b"%PDF-1.7")
        check = subprocess.run([need("qpdf"), "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_declared_packs_and_rebuilt_fiches_keep_the_preferences(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "mini.yaml").write_bytes((PACK / "mini.yaml").read_bytes())
    (src / "a.pack.yaml").write_text("fiches: [mini]\ncopies: 2\nsingle_sided: true\n", encoding="utf-8")
    cli("build", "--sources", str(src), "--out", str(tmp_path / "out"), check=True)
    for name, duplex in (("mini-eleve.pdf", None), ("mini-corrige.pdf", None), ("pack-a.pdf", "/Simplex")):
        prefs = PdfReader(tmp_path / "out" / name).trailer["/Root"]["/ViewerPreferences"]
        assert prefs["/PrintScaling"] == "/None" and prefs.get("/Duplex") == duplex, name
