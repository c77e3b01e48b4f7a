"""Ready after `pip install`: in a fresh virtual environment outside the checkout, `worksheet-gen new essai`
then `worksheet-gen build` in an empty folder write both PDFs. And the sdist holds no test it cannot run.

What a teacher or a CI job does: a plain `pip install <checkout>` (a copy of what git tracks, and of the
files not yet committed), pip building the package in isolation and fetching its dependencies from its
cache or the package index, as `make` does.
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT

# The environment of the commands: none of the test run's own paths; a French system, as the teachers' is.
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
ENV.update(LANG="fr_FR.UTF-8", LC_ALL="", LANGUAGE="", PIP_DISABLE_PIP_VERSION_CHECK="1")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the files git tracks (and those not yet committed), as a clone would have them."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not in a git checkout")
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    out = tmp_path_factory.mktemp("checkout") / "worksheet-gen"
    for name in listed:
        if (ROOT / name).is_file():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, out / name)
    return out


@pytest.fixture(scope="module")
def venv(tmp_path_factory, checkout) -> Path:
    """The Python of a fresh virtual environment outside the checkout, worksheet-gen installed in it by pip."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", str(checkout)], capture_output=True,
                             text=True, env=ENV, timeout=900)
    assert install.returncode == 0, install.stdout + install.stderr[-3000:]
    return python


def test_pip_install_then_new_and_build_in_an_empty_folder(venv, checkout, tmp_path):
    empty = tmp_path / "classe"
    empty.mkdir()
    where = subprocess.run([venv, "-c", "import worksheet_gen; print(worksheet_gen.__file__)"], cwd=empty,
                           capture_output=True, text=True, env=ENV, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv.parent.parent), where
    # The parsed faces come along, and serve (no user cache to take them from): a fresh CI runner parses no font.
    faces = subprocess.run([venv, "-c", "from worksheet_gen import facecache, fonts, shippedfaces; "
                            "print(len(shippedfaces.fonts()), type(facecache.face(fonts.FONT_DIR / 'Lato-Regular.ttf')))"],
                           cwd=empty, capture_output=True, text=True, env={**ENV, "WORKSHEET_GEN_CACHE": "off"})
    assert faces.stdout.split() == ["7", "<class", "'worksheet_gen.facecache.Face'>"], faces
    # So do the hyphenation tables: a fresh CI runner does not import pyphen to hyphenate.
    table = subprocess.run([venv, "-c", "from worksheet_gen import hyphtables; print(type(hyphtables.load('fr_FR')))"],
                           cwd=empty, capture_output=True, text=True, env=ENV)
    assert table.stdout.split() == ["<class", "'worksheet_gen.hyphtables.Table'>"], table
    program = venv.parent / ("worksheet-gen.exe" if os.name == "nt" else "worksheet-gen")
    said = {}
    for args in (["new", "essai"], ["build"]):
        proc = subprocess.run([program, *args], cwd=empty, capture_output=True, text=True, env=ENV, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        said[args[0]] = proc.stdout + proc.stderr
    pages = [len(PdfReader(empty / "build" / f"essai-{kind}.pdf").pages) for kind in ("eleve", "corrige")]
    assert pages == [1, 1]
    assert sorted(p.name for p in (empty / "sources").iterdir()) == ["essai.yaml", "fiche.schema.json"]
    assert (empty / "sources" / "fiche.schema.json").read_bytes() == (
        checkout / "worksheet_gen" / "schema" / "fiche.schema.json").read_bytes()
    assert "essai.yaml" in said["new"]
    # « French by default » (issue 13): under LANG=fr_FR.UTF-8 (ENV) the teacher reads French.
    assert "écrit" in said["new"] and "wrote" not in said["new"], said["new"]
    assert "PDF écrits" in said["build"] and "written" not in said["build"], said["build"]


def test_the_sdist_holds_the_package_and_its_licences_but_no_tests(venv, checkout, tmp_path):
    tools = subprocess.run([venv, "-m", "pip", "install", "--quiet", "setuptools>=77"], capture_output=True,
                           text=True, env=ENV, timeout=600)
    assert tools.returncode == 0, tools.stderr[-3000:]
    build = subprocess.run([venv, "-c", "import sys; from setuptools import build_meta as b; "
                            "print(b.build_sdist(sys.argv[1]))", str(tmp_path)], cwd=checkout, capture_output=True,
                           text=True, env=ENV, timeout=300)
    assert build.returncode == 0, build.stderr[-3000:]
    with tarfile.open(tmp_path / build.stdout.split()[-1]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
        info = email.message_from_bytes(sdist.extractfile(next(m for m in sdist.getmembers()
                                                              if m.name.endswith("/PKG-INFO"))).read())
    assert {"pyproject.toml", "README.md", "LICENSE", "worksheet_gen/fonts/OFL.txt",
            "worksheet_gen/schema/fiche.schema.json", "worksheet_gen/fonts/Lato-Regular.ttf",
            "worksheet_gen/fonts/parsed/Lato-Regular.ttf.face", "worksheet_gen/hyphenation/fr_FR.json"} <= names
    assert not [name for name in names if name.startswith("tests/")]
    assert info["License-Expression"] == "MIT AND OFL-1.1"
    assert any(r.startswith("pillow") for r in info.get_all("Requires-Dist"))
    assert "Intended Audience :: Education" in info.get_all("Classifier")
