"""CI-grade builds: byte-identical, incremental, parallel, atomic; problems as GitHub annotations."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import DATA, SOURCES, cli, need, pdftotext, squash

CI_DATA = DATA / "ci"  # pictures.yaml and the PNG and JPEG it draws
ALL_PDFS = ["pictures-corrige.pdf", "pictures-eleve.pdf", "pix-corrige.pdf", "pix-eleve.pdf"]
SUMMARY = re.compile(r"^(\d+) sources?: (\d+) up to date, (\d+) rendered; (\d+) PDFs? (written|out of date)"
                     r"(, \d+ removed)?(; \d+ failed: .*)? \(\d+\.\d s\)$")


def environ(**changes: str) -> dict:
    """This process's environment without SOURCE_DATE_EPOCH, plus changes."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return {**env, **changes}


def make_tree(root: Path, *, pix: bool = True) -> Path:
    """A checkout at root: src/ holds pictures.yaml with its images (and pix.yaml)."""
    shutil.copytree(CI_DATA, root / "src")
    if pix:
        shutil.copy(SOURCES / "pix.yaml", root / "src")
    return root


def build(root: Path, *args: str, env: dict | None = None):
    """`worksheet-gen build --sources src --out build ARGS` run in root."""
    return cli("build", "--sources", "src", "--out", "build", *args, cwd=root, env=env or environ())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: sha(p) for p in sorted(folder.glob("*.pdf"))}


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file of folder, hidden ones included, with its sha256 and modification time."""
    return {p.name: (sha(p), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def summary(proc) -> re.Match:
    last = proc.stdout.strip().splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, last
    return match


def rendered(proc) -> int:
    return int(summary(proc).group(3))


@pytest.fixture(scope="module")
def built_tree(tmp_path_factory) -> Path:
    """A checkout with pix.yaml and pictures.yaml, built once."""
    root = make_tree(tmp_path_factory.mktemp("built") / "repo")
    proc = build(root)
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture
def tree(built_tree, tmp_path) -> Path:
    """A fresh copy of the built checkout (times and manifest kept) that a test may change."""
    root = tmp_path / "repo"
    shutil.copytree(built_tree, root)
    return root


# --- determinism -------------------------------------------------------------------------------

def test_two_checkouts_give_identical_bytes(tmp_path, built_tree):
    one = make_tree(tmp_path / "one")
    two = make_tree(tmp_path / "a" / "much" / "longer" / "checkout-path")
    first = build(one, "--jobs", "1", env=environ(TZ="UTC"))
    second = build(two, "--jobs", "2", env=environ(TZ="Pacific/Auckland"))
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert sorted(hashes(one / "build")) == ALL_PDFS
    assert hashes(one / "build") == hashes(two / "build") == hashes(built_tree / "build")
    # the manifest stores relative paths: it is the same file in both checkouts
    assert (one / "build/.worksheet-gen.json").read_bytes() == (two / "build/.worksheet-gen.json").read_bytes()


def test_without_source_date_epoch_the_dates_are_fixed(built_tree):
    for name in ALL_PDFS:
        meta = PdfReader(built_tree / "build" / name).metadata
        assert meta.creation_date == meta.modification_date == datetime(2000, 1, 1, tzinfo=timezone.utc)


def test_source_date_epoch_sets_the_dates_and_stays_identical(tmp_path):
    epoch = "1700000000"
    one = make_tree(tmp_path / "one", pix=False)
    two = make_tree(tmp_path / "two" / "elsewhere", pix=False)
    assert build(one).returncode == 0
    fixed = hashes(one / "build")
    proc = build(one, env=environ(SOURCE_DATE_EPOCH=epoch))
    assert proc.returncode == 0 and rendered(proc) == 1  # the date is part of what a build depends on
    assert build(two, env=environ(SOURCE_DATE_EPOCH=epoch, TZ="America/Cayenne")).returncode == 0
    dated = hashes(one / "build")
    assert dated == hashes(two / "build")
    assert dated["pictures-eleve.pdf"] != fixed["pictures-eleve.pdf"]
    meta = PdfReader(one / "build/pictures-corrige.pdf").metadata
    assert meta.creation_date == datetime.fromtimestamp(int(epoch), timezone.utc)


def test_outputs_get_the_usual_file_mode(built_tree):
    umask = os.umask(0)
    os.umask(umask)
    for name in ALL_PDFS + [".worksheet-gen.json"]:
        assert (built_tree / "build" / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


# --- incremental builds ------------------------------------------------------------------------

NO_OP_PROBE = """
import sys
from worksheet_gen.cli import main
try:
    main(["build", "--sources", "src", "--out", "build"])
except SystemExit as exc:
    code = exc.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"reportlab", "pypdf", "yaml", "segno", "pyphen", "PIL"})
print("exit", code, "imported", heavy)
"""


def test_a_second_build_writes_nothing_and_loads_no_renderer(tree):
    rendering = build(tree, "--force")
    before = snapshot(tree / "build")
    proc = subprocess.run([sys.executable, "-c", NO_OP_PROBE], cwd=tree, capture_output=True, text=True,
                          env=environ(), timeout=120)
    assert "exit 0 imported []" in proc.stdout, proc.stdout + proc.stderr
    assert "2 sources: 2 up to date, 0 rendered; 0 PDFs written" in proc.stdout
    assert snapshot(tree / "build") == before
    # the warnings of an up-to-date source are repeated, as when it was rendered
    assert re.search(r"^src/pictures\.yaml:16:17: warning: the answer needs more room", proc.stderr, re.M)
    assert proc.stderr == rendering.stderr


def test_touching_a_source_rebuilds_nothing_editing_it_rebuilds_only_its_outputs(tree):
    before = snapshot(tree / "build")
    source = tree / "src/pictures.yaml"
    os.utime(source, (time.time() + 60, time.time() + 60))
    proc = build(tree)
    assert proc.returncode == 0 and rendered(proc) == 0
    assert snapshot(tree / "build") == before

    source.write_text(source.read_text().replace("Un disque dans un cadre.", "Un disque rouge dans un cadre bleu."))
    proc = build(tree)
    assert proc.returncode == 0, proc.stderr
    assert rendered(proc) == 1
    assert [line for line in proc.stdout.splitlines() if line.startswith("wrote")] == [
        "wrote build/pictures-eleve.pdf", "wrote build/pictures-corrige.pdf"]
    after = snapshot(tree / "build")
    for name in ("pix-eleve.pdf", "pix-corrige.pdf"):
        assert after[name] == before[name]
    assert after["pictures-eleve.pdf"][0] != before["pictures-eleve.pdf"][0]
    assert squash("Un disque rouge dans un cadre bleu") in squash(pdftotext(tree / "build/pictures-eleve.pdf"))


def test_a_changed_image_rebuilds_the_fiche_that_draws_it(tree):
    from PIL import Image

    before = snapshot(tree / "build")
    picture = tree / "src/images/schema.png"
    Image.open(picture).rotate(90, expand=True).save(picture)
    proc = build(tree)
    assert proc.returncode == 0 and rendered(proc) == 1
    after = snapshot(tree / "build")
    assert after["pix-eleve.pdf"] == before["pix-eleve.pdf"]
    assert after["pictures-eleve.pdf"][0] != before["pictures-eleve.pdf"][0]


def test_an_output_damaged_by_hand_is_rebuilt(tree):
    damaged = tree / "build/pix-corrige.pdf"
    good = damaged.read_bytes()
    damaged.write_bytes(good[: len(good) // 2])
    proc = build(tree)
    assert proc.returncode == 0
    assert [line for line in proc.stdout.splitlines() if line.startswith("wrote")] == ["wrote build/pix-corrige.pdf"]
    assert damaged.read_bytes() == good


def test_force_renders_everything_again(tree):
    before = snapshot(tree / "build")
    proc = build(tree, "--force")
    assert proc.returncode == 0
    assert "2 sources: 0 up to date, 2 rendered; 0 PDFs written" in proc.stdout
    assert snapshot(tree / "build") == before  # same bytes: files are left as they are


def test_the_outputs_of_a_deleted_source_are_removed_and_reported(tree):
    (tree / "build/notes.pdf").write_bytes(b"a teacher's own file")
    (tree / "src/pictures.yaml").unlink()
    proc = build(tree, "--check")
    assert proc.returncode == 1
    assert "would remove build/pictures-eleve.pdf" in proc.stdout.splitlines()
    assert (tree / "build/pictures-eleve.pdf").exists()
    proc = build(tree)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "removed build/pictures-eleve.pdf" in lines and "removed build/pictures-corrige.pdf" in lines
    assert ", 2 removed" in lines[-1]
    assert sorted(p.name for p in (tree / "build").iterdir()) == [
        ".worksheet-gen.json", "notes.pdf", "pix-corrige.pdf", "pix-eleve.pdf"]
    assert "pictures" not in (tree / "build/.worksheet-gen.json").read_text()


def test_each_profile_keeps_its_own_outputs_and_manifest_entry(tree):
    before = hashes(tree / "build")
    proc = build(tree, "--profile", "dys", "src/pix.yaml")
    assert proc.returncode == 0, proc.stderr
    assert rendered(proc) == 1
    assert {"pix-eleve-dys.pdf", "pix-corrige-dys.pdf"} <= set(hashes(tree / "build"))
    proc = build(tree)  # the standard outputs were not forgotten: nothing to do
    assert proc.returncode == 0, proc.stderr
    assert rendered(proc) == 0
    assert {k: v for k, v in hashes(tree / "build").items() if k in before} == before
    assert rendered(build(tree, "--profile", "dys", "src/pix.yaml")) == 0


def test_a_source_that_changes_profile_removes_its_old_outputs(tree):
    source = tree / "src/pictures.yaml"
    source.write_text("profile: large\n" + source.read_text())
    proc = build(tree)
    assert proc.returncode == 0, proc.stderr
    names = sorted(hashes(tree / "build"))
    assert names == ["pictures-corrige-large.pdf", "pictures-eleve-large.pdf", "pix-corrige.pdf", "pix-eleve.pdf"]
    assert "removed build/pictures-eleve.pdf" in proc.stdout.splitlines()


# --- build --check -----------------------------------------------------------------------------

def test_check_passes_on_a_fresh_tree_and_writes_nothing(tree):
    before = snapshot(tree / "build")
    proc = build(tree, "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 PDFs out of date" in proc.stdout
    assert snapshot(tree / "build") == before


def test_check_fails_on_a_stale_tree_lists_the_outputs_and_writes_nothing(tree):
    source = tree / "src/pictures.yaml"
    source.write_text(source.read_text().replace("title: Lire un schéma", "title: Lire deux schémas"))
    (tree / "build/pix-corrige.pdf").unlink()
    before = snapshot(tree / "build")
    proc = build(tree, "--check")
    assert proc.returncode == 1
    listed = [line for line in proc.stdout.splitlines() if not SUMMARY.match(line)]
    assert sorted(listed) == ["missing build/pix-corrige.pdf", "would change build/pictures-corrige.pdf",
                              "would change build/pictures-eleve.pdf"]
    assert "3 PDFs out of date" in proc.stdout
    assert snapshot(tree / "build") == before
    report = json.loads(build(tree, "--check", "--format", "json").stdout)
    assert report["stale"] == ["build/pictures-corrige.pdf", "build/pictures-eleve.pdf", "build/pix-corrige.pdf"]


def test_check_compares_the_bytes_when_there_is_no_manifest(tree):
    """A repository may commit its PDFs without the manifest: --check renders and compares."""
    (tree / "build/.worksheet-gen.json").unlink()
    proc = build(tree, "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 up to date, 2 rendered; 0 PDFs out of date" in proc.stdout
    assert not (tree / "build/.worksheet-gen.json").exists()


HINT = "(run 'worksheet-gen build' and commit the PDFs it writes)"


def errors(text: str) -> list[str]:
    """The error lines of a text report (stderr)."""
    return [line for line in text.splitlines() if ": error: " in line]


def test_check_quiet_still_names_the_pdf_that_would_change(tree):
    """-q prints only the problems: a PDF out of date is one, in text as in the other formats."""
    with open(tree / "build/pix-eleve.pdf", "ab") as pdf:
        pdf.write(b"%junk")
    said = f"src/pix.yaml: error: build/pix-eleve.pdf is out of date {HINT}"
    quiet = build(tree, "--check", "-q")
    assert quiet.returncode == 1
    assert quiet.stdout == "" and errors(quiet.stderr) == [said]
    loud = build(tree, "--check")
    assert loud.returncode == 1
    assert "would change build/pix-eleve.pdf" in loud.stdout.splitlines() and errors(loud.stderr) == [said]


def test_check_formats_count_the_same_errors_on_an_empty_build_folder(tree):
    """What makes `build --check` exit 1 is counted and listed alike by json, github and text."""
    shutil.rmtree(tree / "build")
    (tree / "build").mkdir()
    data = build(tree, "--check", "--format", "json")
    github = build(tree, "--check", "--format", "github")
    text = build(tree, "--check")
    assert data.returncode == github.returncode == text.returncode == 1
    report = json.loads(data.stdout)
    assert report["stale"] == [f"build/{name}" for name in ALL_PDFS]  # the key scripts read is kept
    assert report["errors"] == len(ALL_PDFS)
    listed = [(p["file"], p["message"], p["key"]) for p in report["problems"] if p["severity"] == "error"]
    assert sorted(listed) == sorted((f"src/{name.split('-')[0]}.yaml", f"build/{name} is missing", "{path} is missing")
                                    for name in ALL_PDFS)
    annotations = [parse_workflow_command(line) for line in github.stdout.splitlines() if line.startswith("::error")]
    assert sorted(annotations, key=str) == sorted(
        [("error", {"file": p["file"]}, f"{p['message']} ({p['hint']})") for p in report["problems"]
         if p["severity"] == "error"], key=str)
    assert sorted(errors(text.stderr)) == sorted(f"{file}: error: {message} {HINT}" for file, message, _ in listed)


def test_check_annotates_the_pdfs_of_a_removed_source_on_the_pdfs_themselves(tree):
    """GitHub cannot place an annotation on a file that no longer exists: a leftover PDF is annotated on itself."""
    (tree / "src/pictures.yaml").unlink()
    github = build(tree, "--check", "--format", "github")
    assert github.returncode == 1
    annotations = [parse_workflow_command(line) for line in github.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        ("error", {"file": f"build/{name}"}, "this PDF is left over: its source src/pictures.yaml was removed "
                                             "(run 'worksheet-gen build', which deletes it, and commit the change)")
        for name in ("pictures-corrige.pdf", "pictures-eleve.pdf")]
    assert all((tree / props["file"]).is_file() for _, props, _ in annotations)
    report = json.loads(build(tree, "--check", "--format", "json").stdout)
    assert report["errors"] == 2 and [p["file"] for p in report["problems"]] == [
        "build/pictures-corrige.pdf", "build/pictures-eleve.pdf"]
    assert build(tree).returncode == 0
    assert build(tree, "--check", "--format", "github").stdout.count("::error") == 0


def test_github_notice_over_ten_missing_pdfs_points_where_every_one_is_listed(tree):
    """Twelve PDFs missing: GitHub shows ten annotations; the notice says where all twelve are, truthfully."""
    for n in range(2, 6):
        shutil.copy(tree / "src/pictures.yaml", tree / f"src/pictures{n}.yaml")
    shutil.rmtree(tree / "build")
    github = build(tree, "--check", "--format", "github")
    assert github.returncode == 1
    lines = github.stdout.splitlines()
    annotated = [parse_workflow_command(line) for line in lines if line.startswith("::error")]
    assert len(annotated) == 12
    notices = [parse_workflow_command(line)[2] for line in lines if line.startswith("::notice")]
    assert notices == ["12 errors in all: GitHub shows 10 of them; this step's log holds every one, and the same "
                       "command with --format text prints each one with its location"]
    text = build(tree, "--check")  # what the notice promises
    assert text.returncode == 1
    assert sorted(errors(text.stderr)) == sorted(f"{props['file']}: error: {message}"
                                                 for _, props, message in annotated)


# --- parallel builds and broken fiches ---------------------------------------------------------

def test_a_broken_fiche_does_not_stop_the_others(tmp_path):
    root = make_tree(tmp_path / "repo")
    pix = (SOURCES / "pix.yaml").read_text()
    (root / "src/broken.yaml").write_text(pix.replace("lines: 3", "lignes: 3", 1))
    (root / "src/unclosed.yaml").write_text('title: "Sans fin\nactivities: []\n')
    proc = build(root, "--jobs", "2")
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if ": error: " in line]
    assert any(re.fullmatch(r"src/broken\.yaml:\d+:\d+: error: unknown key 'lignes' \(did you mean 'lines'\?\)", e)
               for e in errors), errors
    assert any(re.match(r"src/unclosed\.yaml:1:8: error: this quote is never closed", e) for e in errors), errors
    assert summary(proc).group(7) == "; 2 failed: src/broken.yaml, src/unclosed.yaml"
    assert sorted(hashes(root / "build")) == ALL_PDFS
    for name in ALL_PDFS:
        assert len(PdfReader(root / "build" / name).pages) >= 1


def test_a_fiche_that_breaks_keeps_its_last_good_pdfs_and_fails_every_time(tree):
    before = hashes(tree / "build")
    source = tree / "src/pictures.yaml"
    source.write_text(source.read_text().replace("type: yesno", "type: ouinon"))
    for _ in range(2):
        proc = build(tree)
        assert proc.returncode == 1
        assert re.search(r"^src/pictures\.yaml:\d+:\d+: error: 'type' cannot be 'ouinon'", proc.stderr, re.M)
        assert hashes(tree / "build") == before


def test_two_sources_with_the_same_name_are_refused(tmp_path):
    for folder in ("a", "b"):
        shutil.copytree(CI_DATA, tmp_path / folder)
    proc = cli("build", "a/pictures.yaml", "b/pictures.yaml", "--out", "build", cwd=tmp_path, env=environ())
    assert proc.returncode == 1
    assert "b/pictures.yaml:1:1: error: it builds the same PDFs as a/pictures.yaml (rename one of the two files)" \
        in proc.stderr.splitlines()
    assert sorted(hashes(tmp_path / "build")) == ["pictures-corrige.pdf", "pictures-eleve.pdf"]


# --- atomic writes -----------------------------------------------------------------------------

@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_only_complete_pdfs(tmp_path):
    qpdf = need("qpdf")
    src, out = tmp_path / "src", tmp_path / "build"
    src.mkdir()
    pix = (SOURCES / "pix.yaml").read_text()
    title = "title: Cultivez vos compétences numériques avec PIX"
    assert title in pix

    def write_sources(version: str) -> None:
        for i in range(30):
            (src / f"fiche-{i:02d}.yaml").write_text(pix.replace(title, f"title: Fiche {i}, version {version}"))

    write_sources("A")
    assert build(tmp_path).returncode == 0
    old = hashes(out)
    assert len(old) == 60
    write_sources("B")
    seen: dict[str, set] = {name: set() for name in old}
    checked: set[str] = set()
    rng = random.Random(20241125)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-m", "worksheet_gen", "build", "--sources", "src", "--out", "build",
                                 "--jobs", "2"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=environ(), start_new_session=True)
        for _ in range(rng.randint(1, 8)):  # let it write a few PDFs, then kill it a moment later
            if not proc.stdout.readline():
                break
        time.sleep(rng.uniform(0, 0.4))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        for pdf in out.glob("*.pdf"):
            digest = sha(pdf)
            seen[pdf.name].add(digest)
            if digest not in checked:
                checked.add(digest)
                assert len(PdfReader(pdf).pages) >= 1
                subprocess.run([qpdf, "--check", str(pdf)], check=True, capture_output=True)
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process that has ended: what a killed build leaves carries such a number
    (out / f".fiche-00-eleve.pdf.worksheet-gen-{gone.pid}-x1y2z3.tmp").write_bytes(b"%PDF-1.4 half")
    (out / f".fiche-01-eleve.pdf.worksheet-gen-{'9' * 20}-x1y2z3.tmp").write_bytes(b"%PDF")  # no process has it
    (out / ".notes.tmp").write_text("a teacher's own file, whatever its name")
    final = build(tmp_path)
    assert final.returncode == 0, final.stderr
    new = hashes(out)
    assert sorted(new) == sorted(old)
    assert [p.name for p in out.glob(".*.tmp")] == [".notes.tmp"]
    assert all(seen[name] <= {old[name], new[name]} for name in old), "a PDF was neither the old nor the new one"
    assert any(old[name] != new[name] and new[name] in seen[name] for name in old), "no kill happened mid-build"
    assert squash("Fiche 7, version B") in squash(pdftotext(out / "fiche-07-eleve.pdf"))


# --- reports -----------------------------------------------------------------------------------

def parse_workflow_command(line: str) -> tuple[str, dict, str]:
    """Parse a line as GitHub's runner does (actions/runner ActionCommand.TryParseV2)."""
    line = line.lstrip()
    assert line.startswith("::"), line
    end = line.index("::", 2)
    info, data = line[2:end], line[end + 2:]
    name, _, props_text = info.partition(" ")
    props = {}
    for item in props_text.strip().split(","):
        key, _, value = item.partition("=")
        if key and value:
            for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
                value = value.replace(escaped, char)
            props[key.lower()] = value
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        data = data.replace(escaped, char)
    return name, props, data


def test_github_annotations_survive_every_special_character():
    from worksheet_gen.errors import Pos, Problem
    from worksheet_gen.report import github

    path = "sources/a,b:c%2C 100%.yaml"
    message = "50%: a, b::c\r\nnext line %0A stays literal"
    line = github(Problem(Pos(path, 12, 7), message, "hint: x, y"))
    assert "\n" not in line and "\r" not in line
    assert parse_workflow_command(line) == ("error", {"file": path, "line": "12", "col": "7"},
                                            message + " (hint: x, y)")
    name, props, data = parse_workflow_command(github(Problem(Pos("x.yaml"), "m", severity="warning")))
    assert (name, props, data) == ("warning", {"file": "x.yaml"}, "m")


def test_check_format_github_annotates_the_offending_lines(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    odd = src / "notes, v2: draft.yaml"
    odd.write_text('title: Essai\nactivities:\n  - title: A\n    content:\n      - question: Q ?\n'
                   '        "taux: 100%, \\r\\nx": 1\n        lignes: 2\n')
    shutil.copy(SOURCES / "pix.yaml", src)
    text = cli("check", "--sources", "src", cwd=tmp_path)
    data = json.loads(cli("check", "--sources", "src", "--format", "json", cwd=tmp_path).stdout)
    proc = cli("check", "--sources", "src", "--format", "github", cwd=tmp_path)
    assert text.returncode == proc.returncode == 1
    assert (data["errors"], data["warnings"]) == (2, 1)  # the question has no answer: a warning
    annotations = [parse_workflow_command(line) for line in proc.stdout.splitlines()]
    expected = [(p["severity"], {"file": p["file"], "line": str(p["line"]), "col": str(p["col"])},
                 p["message"] + (f" ({p['hint']})" if p["hint"] else "")) for p in data["problems"]]
    assert annotations == expected
    assert [a[0] for a in annotations] == ["warning", "error", "error"]
    assert annotations[1][1] == {"file": "src/notes, v2: draft.yaml", "line": "6", "col": "9"}
    assert "'taux: 100%, x'" in annotations[1][2]  # line breaks in a key are shown as a space
    assert annotations[2][1]["line"] == "7" and "'lignes'" in annotations[2][2]
    # the text format says the same, one line per problem
    assert [line for line in text.stderr.splitlines() if ": error: " in line][1] == \
        "src/notes, v2: draft.yaml:7:9: error: unknown key 'lignes' (did you mean 'lines'?)"


def test_check_format_json_on_valid_sources(tmp_path):
    make_tree(tmp_path)
    proc = cli("check", "--sources", "src", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == {"sources": 2, "errors": 0, "warnings": 0, "problems": []}


# --- terminal output ---------------------------------------------------------------------------

def test_without_a_terminal_one_line_per_output_and_a_summary(tmp_path):
    root = make_tree(tmp_path / "repo")
    proc = build(root)
    assert proc.returncode == 0
    *lines, paper, last = proc.stdout.splitlines()
    assert sorted(lines) == [f"wrote build/{name}" for name in ALL_PDFS]
    assert paper.startswith("paper per copy: pictures-eleve.pdf 1 page = 1 sheet, pix-eleve.pdf ")
    assert SUMMARY.match(last).group(1, 2, 3, 4, 5) == ("2", "0", "2", "4", "written")


def _on_a_terminal(root: Path) -> tuple[int, str, str]:
    """`build` with stderr on a terminal: its exit code, stdout, and what the terminal showed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "worksheet_gen", "build", "--sources", "src", "--out", "build"],
                            cwd=root, stdout=subprocess.PIPE, stderr=slave, env=environ(), text=True)
    os.close(slave)
    screen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closes when the build ends
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    out = proc.communicate(timeout=120)[0]
    return proc.returncode, out, screen.decode()


def test_on_a_terminal_a_progress_bar(tmp_path):
    root = make_tree(tmp_path / "repo", pix=False)
    (root / "src/again.yaml").write_text((root / "src/pictures.yaml").read_text())
    code, out, screen = _on_a_terminal(root)
    assert code == 0
    assert "Building" in screen and "2/2" in screen and "[####" in screen
    assert "wrote" not in out and "wrote" not in screen
    assert SUMMARY.match(out.splitlines()[-1]).group(4) == "4"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_reader_that_goes_away_stops_no_build(tmp_path, jobs):
    """`worksheet-gen build | head -1`: once nobody reads the output, the build goes on silently, writes every PDF
    and ends with the exit code of the build (it used to stop at its first line, exit 1, PDFs unwritten)."""
    root = make_tree(tmp_path / "repo")
    proc = subprocess.Popen([sys.executable, "-m", "worksheet_gen", "build", "--sources", "src", "--out", "build",
                             "--jobs", jobs], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ())
    proc.stdout.close()  # the reader is gone before the first line
    with proc.stderr:
        err = proc.stderr.read()
    assert proc.wait(timeout=300) == 0, err
    assert sorted(p.name for p in (root / "build").glob("*.pdf")) == ALL_PDFS
    assert build(root, "--check").returncode == 0


def test_no_output_stream_or_a_full_one(tmp_path):
    """Started with stdout closed (`>&-`): the build is done, no traceback; with stderr closed too (it once stopped
    at once, exit 1). Writing to a full disk (`> /dev/full`): the work is done, the loss said on stderr, exit code
    1. Wrong usage keeps its 2."""
    root = make_tree(tmp_path / "repo", pix=False)
    command = [sys.executable, "-m", "worksheet_gen", "build", "--sources", "src", "--out", "build"]
    closed = subprocess.run(command, cwd=root, env=environ(), stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: os.close(1), timeout=300)
    assert closed.returncode == 0 and "Traceback" not in closed.stderr, closed.stderr
    assert sorted(p.name for p in (root / "build").glob("*.pdf")) == ["pictures-corrige.pdf", "pictures-eleve.pdf"]
    usage = subprocess.run([sys.executable, "-m", "worksheet_gen", "check", "src/nope.yaml"], cwd=root, env=environ(),
                           stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1), timeout=300)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr, usage.stderr
    shutil.rmtree(root / "build")
    silent = subprocess.run(command, cwd=root, env=environ(), stdout=subprocess.PIPE, text=True,
                            preexec_fn=lambda: os.close(2), timeout=300)  # 2>&-, as cron or a service may run it
    assert silent.returncode == 0 and "wrote build/pictures-eleve.pdf" in silent.stdout
    schema = subprocess.run([sys.executable, "-m", "worksheet_gen", "schema"], cwd=root, env=environ(),
                            stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1), timeout=300)
    assert schema.returncode == 1 and "Traceback" not in schema.stderr, schema.stderr
    if os.path.exists("/dev/full"):
        for args in (command + ["--force"], [sys.executable, "-m", "worksheet_gen", "--version"],
                     [sys.executable, "-m", "worksheet_gen", "build", "--help"]):
            with open("/dev/full", "w") as full:
                lost = subprocess.run(args, cwd=root, env=environ(), stdout=full, stderr=subprocess.PIPE, text=True,
                                      timeout=300)
            assert lost.returncode == 1 and "Traceback" not in lost.stderr, lost.stderr
            assert lost.stderr.splitlines()[-1] == "cannot write the output: No space left on device"


def test_a_link_to_a_source_is_an_error_and_removes_nothing(tmp_path):
    """sources/alias.yaml -> pix.yaml: each build used to write both names' PDFs and remove one pair (the manifest
    records the file once), and --check never passed. Now the link is an error, the file is built once under its
    own name, and the same file named three ways is one source."""
    root = make_tree(tmp_path / "repo", pix=False)
    (root / "src" / "alias.yaml").symlink_to("pictures.yaml")
    for _ in range(2):
        proc = build(root)
        assert proc.returncode == 1
        assert "src/alias.yaml:1:1: error: this is a link to src/pictures.yaml" in proc.stderr, proc.stderr
        assert "removed" not in proc.stdout
        assert sorted(p.name for p in (root / "build").glob("*.pdf")) == ["pictures-corrige.pdf", "pictures-eleve.pdf"]
    (root / "src" / "alias.yaml").unlink()
    assert build(root, "--check").returncode == 0
    proc = cli("check", "src/pictures.yaml", "./src/pictures.yaml", "src/../src/pictures.yaml", cwd=root, env=environ())
    assert proc.returncode == 0 and "1 source" in proc.stdout, proc.stdout


def test_failed_sources_said_in_order():
    """The summary names the sources that failed sorted, whichever worker finished first (it once varied)."""
    from worksheet_gen.build import Result
    from worksheet_gen.report import summary

    result = Result(sources=3, failures=["src/zz.yaml", "src/aa.yaml", "src/mm.yaml"])
    assert "; 3 failed: src/aa.yaml, src/mm.yaml, src/zz.yaml (" in summary(result)


def test_paths_said_as_given(tmp_path):
    """An absolute --out outside the working folder is said as it is, not as ../../tmp/…; a relative one as given."""
    root = make_tree(tmp_path / "repo", pix=False)
    outside = tmp_path / "elsewhere"
    said = cli("build", "--sources", "src", "--out", str(outside), cwd=root, env=environ()).stdout
    assert f"wrote {outside}/pictures-eleve.pdf" in said.splitlines()
    said = cli("build", "--sources", "src", "--out", "../again", cwd=root, env=environ()).stdout
    assert "wrote ../again/pictures-eleve.pdf" in said.splitlines()


def test_on_a_terminal_one_source_says_what_it_wrote(tmp_path):
    """One source: no bar going from 0 to 1, the files written named as they are."""
    root = make_tree(tmp_path / "repo", pix=False)
    code, out, screen = _on_a_terminal(root)
    assert code == 0
    assert "Building" not in screen and "[#" not in screen
    assert out.splitlines()[:2] == ["wrote build/pictures-eleve.pdf", "wrote build/pictures-corrige.pdf"]
    assert SUMMARY.match(out.splitlines()[-1]).group(4) == "2"


def test_github_says_when_it_will_not_show_every_annotation(capsys):
    from worksheet_gen.errors import Pos, Problem
    from worksheet_gen.report import problems

    problems([Problem(Pos("a.yaml", n, 1), f"error {n}") for n in range(1, 13)]
             + [Problem(Pos("a.yaml", 99, 1), "just one warning", severity="warning")], "github")
    lines = capsys.readouterr().out.splitlines()
    parsed = [parse_workflow_command(line) for line in lines]
    assert [name for name, _, _ in parsed] == ["error"] * 12 + ["warning", "notice"]
    assert parsed[-1][2].startswith("12 errors in all: GitHub shows 10 of them")


def _doc_blocks() -> list:
    import yaml

    text = (Path(__file__).resolve().parent.parent / "docs/ci.md").read_text()
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def _commands(workflow) -> list[str]:
    """Every `worksheet-gen …` command line that a workflow runs."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.extend(line.strip() for line in node.splitlines() if line.strip().startswith("worksheet-gen "))

    walk(workflow)
    return found


def test_the_ci_workflows_in_the_docs_validate_build_and_publish(tmp_path):
    github, gitlab = _doc_blocks()[:2]
    steps = github["jobs"]["fiches"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert runs.index("pip install .") < runs.index("worksheet-gen check --format github") \
        < runs.index("worksheet-gen build --format github")
    assert steps[-1]["uses"].startswith("actions/upload-artifact@") and steps[-1]["with"]["path"] == "build/*.pdf"
    assert set(github[True]) == {"push", "pull_request"}  # YAML 1.1 reads the key `on` as true
    assert gitlab["validate"]["script"] == ["pip install .", "worksheet-gen check"]
    assert gitlab["build"]["script"] == ["pip install .", "worksheet-gen build"]
    assert gitlab["build"]["artifacts"]["paths"] == ["build/*.pdf"]
    assert gitlab["stages"] == ["validate", "build"]
    # every command line they run works in a repository laid out as the README says
    shutil.copytree(CI_DATA, tmp_path / "sources")
    for command in _commands(github) + _commands(gitlab):
        proc = cli(*command.split()[1:], cwd=tmp_path, env=environ())
        assert proc.returncode == 0, (command, proc.stdout, proc.stderr)
    assert sorted(hashes(tmp_path / "build")) == ["pictures-corrige.pdf", "pictures-eleve.pdf"]


def test_rendering_the_two_pdfs_in_two_processes_changes_nothing():
    from worksheet_gen.build import render_fiche
    from worksheet_gen.sources import load_fiche

    fiche, _ = load_fiche(CI_DATA / "pictures.yaml")
    serial = render_fiche(fiche)
    forked = render_fiche(fiche, parallel=True)
    assert forked[:2] == serial[:2]
    assert sorted(forked[2]) == sorted(serial[2]) and serial[2]  # the layout warning comes back from either process


def test_a_forked_job_sends_back_its_bytes_and_the_warnings_it_reported():
    from worksheet_gen.build import _fork
    from worksheet_gen.errors import Pos, Problem

    warnings: dict = {}
    problem = Problem(Pos("src/a.yaml", 3, 7), "the answer needs more room", severity="warning")

    def job() -> tuple[bytes, int]:  # in the child: what it reports is sent with its bytes
        warnings[(problem.pos, problem.message)] = problem
        return b"%PDF-1.7 student", 4

    assert _fork(job, warnings)() == (b"%PDF-1.7 student", 4)
    assert warnings == {(problem.pos, problem.message): problem}
    for data in (b"\0\1", b"\1\0", b""):  # without warnings: the bytes as they are, whatever they start with
        assert _fork(lambda: (data, 300), {})() == (data, 300)


def test_hidden_files_and_office_locks_in_a_folder_are_not_fiches(tmp_path):
    """Fresh eyes: the `._eau.yaml` a Mac leaves on a USB key or a share (binary) failed the whole build, and a
    `.hidden.yaml` wrote hidden PDFs. Hidden files and office lock files of a folder are left out; named on the
    command line, such a file is built."""
    sources = tmp_path / "sources"
    sources.mkdir()
    text = (SOURCES / "pix.yaml").read_text(encoding="utf-8")
    (sources / "pix.yaml").write_text(text, encoding="utf-8")
    (sources / "._pix.yaml").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02\xb0")
    (sources / ".brouillon.yaml").write_text(text, encoding="utf-8")
    (sources / "~$pix.yaml").write_bytes(b"\xff\xfe~\x00")
    proc = cli("build", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["sources"] == 1
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == [
        ".worksheet-gen.json", "pix-corrige.pdf", "pix-eleve.pdf"]
    assert cli("check", cwd=tmp_path).returncode == 0
    proc = cli("build", "sources/.brouillon.yaml", cwd=tmp_path)
    assert proc.returncode == 0 and (tmp_path / "build" / ".brouillon-eleve.pdf").is_file(), proc.stderr
