"""Bad input never crashes, injects or loses work: golden broken sources run through the CLI.

Each ``tests/data/invalid/NAME.yaml`` starts with comment lines: a description, then one
``# expect: LINE:COL: SEVERITY: MESSAGE (HINT)`` line per diagnostic the build must print,
in order, and ``# expect-exit: N`` when the exit code is not 1. A file whose first lines
cannot be comments (zero bytes, UTF-16) keeps them in ``NAME.expect`` beside it. A case may
also give ``# attendu: …`` lines: the same diagnostics as a French system prints them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import DATA, ROOT, cli

INVALID = DATA / "invalid"
CASES = sorted(INVALID.glob("*.yaml"))
OLD = 1_000_000_000  # mtime given to the earlier outputs: 2001-09-09
DIAGNOSTIC = re.compile(r"^\d+:\d+: (?P<severity>error|warning): (?P<text>.+)$")


def split_hint(text: str) -> tuple[str, str]:
    """A diagnostic's message and its hint: the last balanced '(…)' group, when the text ends with one."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            if i == len(text) - 1 or i == 0 or text[i - 1] != " ":
                return text, ""
            return text[: i - 1], text[i + 1: -1]
    return text, ""


def expectations(source: Path, tag: str = "expect") -> tuple[list[str], int]:
    """The diagnostics and exit code a golden case declares (tag 'attendu': the diagnostics in French)."""
    sidecar = source.with_suffix(".expect")
    data = (sidecar if sidecar.exists() else source).read_bytes().removeprefix(b"\xef\xbb\xbf")
    expect, code = [], 1
    for raw in data.split(b"\n"):
        line = raw.decode("utf-8", "replace")  # the comments are UTF-8; what follows may not be
        if not line.startswith("#"):
            break
        if line.startswith(f"# {tag}: "):
            expect.append(line.removeprefix(f"# {tag}: "))
        elif line.startswith("# expect-exit: "):
            code = int(line.removeprefix("# expect-exit: "))
    return expect, code


@pytest.fixture(scope="session")
def earlier(pix_build) -> dict[str, bytes]:
    """Good PDFs from an earlier build, to seed the output folder with."""
    return {kind: (pix_build / f"pix-{kind}.pdf").read_bytes() for kind in ("eleve", "corrige")}


def seed(out: Path, slug: str, earlier: dict[str, bytes]) -> dict[Path, tuple[bytes, int]]:
    """Put an earlier good build of this fiche in out; return what each file holds and its mtime."""
    out.mkdir(parents=True, exist_ok=True)
    state = {}
    for kind, data in earlier.items():
        path = out / f"{slug}-{kind}.pdf"
        path.write_bytes(data)
        os.utime(path, (OLD, OLD))
        state[path] = (data, path.stat().st_mtime_ns)
    return state


def assert_untouched(out: Path, state: dict[Path, tuple[bytes, int]]) -> None:
    assert sorted(out.iterdir()) == sorted(state), "the build left other files behind"
    for path, (data, mtime) in state.items():
        assert path.read_bytes() == data, f"{path.name} was changed"
        assert path.stat().st_mtime_ns == mtime, f"{path.name} was rewritten"


def assert_clean(proc, name: str, expect: list[str], code: int) -> None:
    """Exit code and diagnostics exactly as expected, each error with a hint, no traceback."""
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [f"{name}:{line}" for line in expect]
    assert proc.returncode == code, proc.stderr


def test_there_are_enough_golden_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("source", CASES, ids=lambda p: p.stem)
def test_golden_case(source: Path, tmp_path: Path, earlier):
    expect, code = expectations(source)
    assert expect, "a golden case declares at least one diagnostic"
    for line in expect:
        m = DIAGNOSTIC.match(line)
        assert m, f"not a diagnostic: {line}"
        if m["severity"] == "error":
            assert split_hint(m["text"])[1], f"an error without a hint: {line}"
    out = tmp_path / "build"
    state = seed(out, source.stem, earlier)
    proc = cli("build", source.name, "--out", str(out), cwd=INVALID)
    assert_clean(proc, source.name, expect, code)
    if code == 1:
        assert_untouched(out, state)
    else:  # warnings only: both PDFs are written, page-aligned
        pages = []
        for path, (data, _) in state.items():
            assert path.read_bytes() != data
            pages.append(len(PdfReader(path).pages))
        assert pages[0] == pages[1] >= 1


FRENCH_CASES = [source for source in CASES if expectations(source, "attendu")[0]]


def test_there_are_golden_cases_in_french():
    assert len(FRENCH_CASES) >= 4


@pytest.mark.parametrize("source", FRENCH_CASES, ids=lambda p: p.stem)
def test_golden_case_in_french(source: Path):
    """What a French system prints: the same places and exit code, the words of the catalogue."""
    expect, code = expectations(source, "attendu")
    english = expectations(source)[0]
    assert [line.split(": ")[0] for line in expect] == [line.split(": ")[0] for line in english]
    proc = cli("check", source.name, cwd=INVALID, env={**os.environ, "LANG": "fr_FR.UTF-8"})
    assert_clean(proc, source.name, expect, code)


def test_check_reports_what_build_reports():
    sources = [INVALID / "alias-bomb.yaml", INVALID / "latin1.yaml", INVALID / "many-problems.yaml"]  # as sorted
    proc = cli("check", *(s.name for s in sources), cwd=INVALID)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"{s.name}:{e}" for s in sources for e in expectations(s)[0]]


# Cases generated here: too large to keep, or symbolic links.

def test_oversized_file(tmp_path: Path, earlier):
    source = tmp_path / "grosse.yaml"
    source.write_text("title: Essai\nactivities:\n  - title: A\n    content:\n"
                      + "      - Une ligne de texte assez longue pour remplir le fichier.\n" * 20_000, encoding="utf-8")
    size = source.stat().st_size // 1024
    state = seed(tmp_path / "build", "grosse", earlier)
    proc = cli("build", source.name, "--out", "build", cwd=tmp_path)
    assert_clean(proc, source.name, [f"1:1: error: the file is too large ({size} KiB, at most 1024 KiB) "
                                     "(split it into several fiches)"], 1)
    assert_untouched(tmp_path / "build", state)


def test_paragraph_too_long(tmp_path: Path):
    source = tmp_path / "roman.yaml"
    source.write_text("title: Essai\nactivities:\n  - title: A\n    content:\n      - text: "
                      + "Un mot. " * 2600 + "\n", encoding="utf-8")
    proc = cli("build", source.name, "--out", "build", cwd=tmp_path)
    assert_clean(proc, source.name, ["5:15: error: a paragraph is too long (20799 characters, at most 20000) "
                                     "(split it with blank lines)"], 1)
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize("link", ["outside", "inside"])
def test_symlinked_image(tmp_path: Path, link: str):
    sources = tmp_path / "sources"
    (sources / "images").mkdir(parents=True)
    real = (tmp_path if link == "outside" else sources) / "real.png"
    shutil.copy(INVALID / "images" / "schema.png", real)
    (sources / "images" / "lien.png").symlink_to(real)
    (sources / "fiche.yaml").write_text("title: Essai\nactivities:\n  - title: A\n    content:\n"
                                        "      - image: images/lien.png\n", encoding="utf-8")
    proc = cli("build", "--sources", "sources", "--out", "build", cwd=tmp_path)
    if link == "outside":
        assert_clean(proc, "sources/fiche.yaml", ["5:16: error: the image 'images/lien.png' is outside the sources "
                                                  "folder (copy the picture into the sources folder)"], 1)
        assert not (tmp_path / "build").exists()
    else:
        assert_clean(proc, "sources/fiche.yaml", [], 0)
        assert len(PdfReader(tmp_path / "build" / "fiche-eleve.pdf").pages) == 1


def test_one_bad_fiche_does_not_stop_the_others(tmp_path: Path, earlier):
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(INVALID / "unknown-key.yaml", sources)
    shutil.copy(INVALID / "warn-no-answer.yaml", sources)
    state = seed(tmp_path / "build", "unknown-key", earlier)
    proc = cli("build", "--sources", "sources", "--out", "build", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "sources/unknown-key.yaml:8:9: error: unknown key 'lignes'" in proc.stderr
    for kind in ("eleve", "corrige"):
        assert len(PdfReader(tmp_path / "build" / f"warn-no-answer-{kind}.pdf").pages) == 1
    for path, (data, mtime) in state.items():
        assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime


def test_every_message_is_documented():
    """Each message of the golden cases is listed in docs/errors.md (quoted parts and numbers as …)."""
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    templates = re.findall(r"^#+ `(.+?)`", doc, re.M)
    patterns = [re.compile(re.escape(t).replace("…", ".*?") + "$") for t in templates]
    messages = {split_hint(DIAGNOSTIC.match(line)["text"])[0] for source in CASES for line in expectations(source)[0]}
    missing = sorted(m for m in messages if not any(p.match(m) for p in patterns))
    assert not missing


WARNED = [source for source in CASES if expectations(source)[1] == 0]


@pytest.mark.parametrize("source", WARNED, ids=lambda p: p.stem)
def test_the_warnings_of_an_up_to_date_fiche_are_said_again_from_the_manifest(source: Path, tmp_path: Path):
    """A fiche left as it was is not rendered again: its warnings are read back from the build manifest, as
    they were said (a message the manifest reader refused, a Msg nested too deep or a text where a number is
    awaited, made it rebuild everything and say the manifest was damaged)."""
    out = tmp_path / "build"
    first = cli("build", source.name, "--out", str(out), cwd=INVALID)
    again = cli("build", source.name, "--out", str(out), cwd=INVALID)
    assert first.returncode == again.returncode == 0
    assert again.stderr.splitlines() == first.stderr.splitlines() == [f"{source.name}:{line}"
                                                                      for line in expectations(source)[0]]
    assert "1 up to date, 0 rendered" in again.stdout, again.stdout
