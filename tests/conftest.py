"""Shared helpers: run the CLI, read PDFs back with the tools a user has."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

# The suite asserts English messages: it runs in an English locale (and so do the commands it starts),
# unless a test asks for French (tests/test_i18n.py).
for _var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_var, None)
os.environ["LANG"] = "C.UTF-8"

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
DATA = Path(__file__).resolve().parent / "data"


TOOLS = {"pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "pdffonts": "poppler-utils",
         "pdfimages": "poppler-utils",
         "zbarimg": "zbar-tools", "qpdf": "qpdf", "node": "nodejs", "npm": "npm"}  # tool -> Debian package
# The quick subset, asked for explicitly (make test-quick): tests that need a missing tool are skipped.
QUICK = os.environ.get("WORKSHEET_GEN_QUICK") == "1" and not os.environ.get("CI")


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory) -> Path:
    """A user cache of the test session's own (WORKSHEET_GEN_CACHE), never the machine's: runs started here share it.
    Its secret (cache.key) too is the session's own, in a user data folder of its own (XDG_DATA_HOME)."""
    from worksheet_gen import cache

    folder = tmp_path_factory.mktemp("user-cache")
    os.environ[cache.ENV] = str(folder)
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("user-data"))
    cache.reset()
    return folder


def need(tool: str) -> str:
    """Path of an external tool. Missing, it fails the test, naming it; only the quick subset skips."""
    path = shutil.which(tool)
    if path is None:
        if QUICK:
            pytest.skip(f"{tool} not installed (quick subset)")
        pytest.fail(f"{tool} is missing: install {TOOLS.get(tool, tool)} (`make test` does it when it can), "
                    "or run the quick subset without it: `make test-quick`", pytrace=False)
    return path


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """A full run that skipped a test has not passed: no success with tests left out."""
    if _skipped and not QUICK and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped and not QUICK:
        terminalreporter.write_line(f"{len(_skipped)} test(s) skipped in a full run: the run fails "
                                    "(WORKSHEET_GEN_QUICK=1 runs the quick subset)", red=True)


def node_package(name: str) -> Path:
    """The folder of an npm package of tests/js (package.json), installed there with `npm ci` if it is not yet."""
    js = Path(__file__).resolve().parent / "js"
    folder = js / "node_modules" / name
    if not folder.is_dir():
        npm = need("npm")
        proc = subprocess.run([npm, "ci", "--omit=optional", "--no-audit", "--no-fund"], cwd=js, capture_output=True,
                              text=True, timeout=600)
        if proc.returncode != 0:
            pytest.fail(f"npm ci in tests/js failed ({name} is needed):\n{proc.stderr[-2000:]}")
    return folder


def cli(*args: str, cwd: Path | None = None, check: bool = False, env: dict | None = None):
    """Run `worksheet-gen ARGS` in a subprocess, as a user would."""
    cmd = [sys.executable, "-m", "worksheet_gen", *args]
    proc = subprocess.run(cmd, cwd=cwd or ROOT, capture_output=True, text=True, env=env, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def fr(text: str) -> str:
    """A French message as a test writes it, with ordinary spaces and ', as the catalogue prints it: a no-break
    space before « : » and inside « », a narrow one before ; ! ?, ’ between letters (test_i18n checks the
    catalogue itself)."""
    text = re.sub(r"(?<=[^\W\d_])'(?=[^\W\d_])", "\u2019", text)
    text = text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    text = re.sub(r" (?=:(?:\s|$|[»)\].,…]))", "\u00a0", text)
    return re.sub(r" (?=[;!?](?:\s|$|[»)\].,…]))", "\u202f", text)


def pdftotext(path: Path, page: int | None = None, raw: bool = False) -> str:
    """The text layer of a PDF (or of one page), as pdftotext extracts it (raw: in drawing order)."""
    args = [need("pdftotext"), "-enc", "UTF-8"] + (["-raw"] if raw else [])
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(args + [str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    """Letters and digits only, lower case: immune to line breaks, hyphenation and spacing."""
    text = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"[^\w]|_", "", text)


@pytest.fixture(scope="session")
def pix_build(tmp_path_factory) -> Path:
    """build/ of the Pix fiche, built once for the session through the CLI."""
    out = tmp_path_factory.mktemp("pix-build")
    cli("build", str(SOURCES / "pix.yaml"), "--out", str(out), check=True)
    return out


PROFILES = ("standard", "dys", "large")
# Fiches built in every profile once per session: each kind of block, every kind of closed question.
SHEETS = {"pix": SOURCES / "pix.yaml", "all-blocks": DATA / "profiles" / "all-blocks.yaml",
          "closed": DATA / "sheet" / "closed.yaml", "closed-en": DATA / "sheet" / "closed-en.yaml"}


@pytest.fixture(scope="session")
def sheets_built(tmp_path_factory) -> Path:
    """Every fiche of SHEETS built in each profile, through the CLI, into one folder."""
    out = tmp_path_factory.mktemp("sheets")
    for profile in PROFILES:
        cli("build", *map(str, SHEETS.values()), "--out", str(out), "--profile", profile, check=True)
    return out


def sheet_pdf(folder: Path, slug: str, profile: str, kind: str = "eleve") -> Path:
    """The student sheet (eleve) or corrigé of a fiche in a profile, in a build folder."""
    return folder / (f"{slug}-{kind}.pdf" if profile == "standard" else f"{slug}-{kind}-{profile}.pdf")


@pytest.fixture(scope="session")
def pix_fiche():
    """The validated model of sources/pix.yaml."""
    from worksheet_gen.sources import load_fiche

    fiche, problems = load_fiche(SOURCES / "pix.yaml")
    assert fiche is not None, problems
    return fiche


@dataclass(frozen=True)
class Word:
    """A word of a page as pdftotext -bbox reads it: its text and box, in points from the top-left corner."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: "Word", tolerance: float = 0.5) -> bool:
        return (self.x0 < other.x1 - tolerance and other.x0 < self.x1 - tolerance
                and self.y0 < other.y1 - tolerance and other.y0 < self.y1 - tolerance)


def glued(found: list[Word]) -> list[Word]:
    """Words as a reader reads them: a superscript touching the word before it is part of it (1<sup>re</sup>)."""
    out: list[Word] = []
    for w in found:
        last = out[-1] if out else None
        if last is not None and abs(w.x0 - last.x1) < 0.3 and w.y0 < last.y1 and last.y0 < w.y1:
            out[-1] = Word(last.text + w.text, last.x0, min(last.y0, w.y0), w.x1, max(last.y1, w.y1))
        else:
            out.append(w)
    return out


def words(path: Path) -> list[list[Word]]:
    """Every word of every page of a PDF, with its box, as pdftotext -bbox finds them."""
    import html

    out = subprocess.run([need("pdftotext"), "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    box = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<')
    return [[Word(html.unescape(w), float(a), float(b), float(c), float(d)) for a, b, c, d, w in box.findall(page)]
            for page in out.split("<page ")[1:]]


def picture_folder(tmp_path_factory, name: str) -> Path:
    """A new sources folder holding images/schema.png, the picture the test fiches show."""
    out = tmp_path_factory.mktemp(name)
    (out / "images").mkdir()
    shutil.copy(DATA / "invalid" / "images" / "schema.png", out / "images" / "schema.png")
    return out
