"""Hostile inputs: every file the tool reads is untrusted, its own manifest included.

Each case goes through the command line and asserts the exit code, the message, and that
every other file of the tree is unchanged (sha256 before and after).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from conftest import ROOT, SOURCES, cli, fr
from worksheet_gen.manifest import VERSION  # a manifest of another version is ignored silently
from formtools import pix_form  # noqa: F401  (a fixture)

FICHE = "title: Essai\nactivities:\n  - title: A\n    content:\n"
SECRET = "password: hunter2\n"  # what a file outside the sources folder holds: never read, never quoted


def files(root: Path) -> dict[str, str]:
    """Every file and link under root (links not followed), with its sha256 or its target."""
    out = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = "link to " + os.readlink(path)
            elif path.is_file():
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """The files created, removed or changed between two calls of files()."""
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A checkout built once: sources/pix.yaml, build/ with its PDFs and manifest, outside/ with a secret."""
    root = tmp_path_factory.mktemp("hostile") / "repo"
    (root / "sources").mkdir(parents=True)
    (root / "outside").mkdir()
    (root / "outside" / "secret.yaml").write_text(SECRET)
    shutil.copy(SOURCES / "pix.yaml", root / "sources")
    cli("build", cwd=root, check=True)
    return root


@pytest.fixture
def tree(built, tmp_path) -> Path:
    """A fresh copy of the built checkout, for one test to attack."""
    root = tmp_path / "repo"
    shutil.copytree(built, root, symlinks=True)
    return root


def attack(root: Path, *args: str, code: int = 1, expect: list[str] = (), may_change: set[str] = frozenset(),
           file_size: int | None = None, env: dict | None = None):
    """Run the CLI in root; check the exit code, the exact diagnostic lines, no traceback, and that
    nothing but may_change was created, changed or removed. Returns the process.

    ``file_size`` limits the size of the files it writes, as a full disk would (RLIMIT_FSIZE)."""
    before = files(root)
    if file_size is None:
        proc = cli(*args, cwd=root, env=env)
    else:
        import resource
        import subprocess
        import sys

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

        proc = subprocess.run([sys.executable, "-m", "worksheet_gen", *args], cwd=root, capture_output=True,
                              text=True, timeout=300, preexec_fn=limit)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output and SECRET.strip() not in output, output
    assert proc.returncode == code, output
    problems = [line for line in proc.stderr.splitlines() if re.match(r"^\S.*: (error|warning): ", line)]
    assert problems == list(expect), output
    assert changed(before, files(root)) <= set(may_change)
    return proc


# --- bounded time -------------------------------------------------------------------------------

def _check_seconds(path) -> float:
    """CPU seconds to read and validate one source, as `check` does (without starting Python)."""
    from worksheet_gen.sources import load_fiche

    start = time.process_time()
    load_fiche(path)
    return time.process_time() - start


SHAPES = {  # each makes a source of about n bytes that once took quadratic time somewhere
    "nested brackets": lambda n: "title: " + "[" * n,
    "nested braces": lambda n: "title: " + "{" * n,
    "brackets and a question mark": lambda n: "title: " + "[a " * (n // 3) + "?",
    "unprintable characters on many lines": lambda n: FICHE + "      - |\n" + "".join(
        f"        {chr(0x4E00 + i % 20000) * 4}\n" for i in range(n // 21)),
    "escaped invisible characters": lambda n: FICHE + '      - "\\u200b"\n' * (n // 17),
    "link marks": lambda n: FICHE + "      - '" + "[a](" * (n // 4) + "'\n",
    "parentheses in addresses": lambda n: FICHE + "      - '" + "[a](x.fr/(b)(" * (n // 26) + "https://c.fr/d"
    + ")" * (n // 2) + "'\n",
    "answers that are not options": lambda n: FICHE + "      - question: Q\n        type: multi\n        options:\n"
    + "".join(f"          - option {i:07d}\n" for i in range(n // 50)) + "        answer:\n"
    + "".join(f"          - réponse {i:07d}\n" for i in range(n // 50)),
    "web addresses": lambda n: FICHE + "".join(f"      - link: https://example.org/{i}\n" for i in range(n // 40)),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_checking_time_grows_with_the_size_not_faster(tmp_path, shape):
    """Checking 1 MiB takes about ten times as long as 100 KiB: a ratio, whatever the machine's speed."""
    times = {}
    for size in (100 * 1024, 1024 * 1024):
        path = tmp_path / f"{size}.yaml"
        path.write_text(SHAPES[shape](size)[:size], encoding="utf-8")
        times[size] = min(_check_seconds(path) for _ in range(2 if size < 1024 * 1024 else 1))  # the small one twice
    small, big = max(times[100 * 1024], 0.01), times[1024 * 1024]
    assert big < 30 * small, f"{shape}: 100 KiB in {times[100 * 1024]:.3f} s, 1 MiB in {big:.3f} s"


# --- texts --------------------------------------------------------------------------------------

LONG_URL = "https://example.org/" + "a" * 2980
TEXTS = {
    "links that open something else than a web or e-mail address": (
        "      - Voir [ici](javascript:alert), [là](file:///etc/passwd) ou [data](data:text/html,x).\n"
        "      - Retour [en haut](#top) ou [Onisep](www.onisep.fr), et [écrire](mailto:cio@ac.fr) va.\n",
        ["5:20: error: the link 'javascript:alert' is not a web or e-mail address (only https://, http:// and "
         "mailto: links are made) (write the full address, e.g. [Onisep](https://www.onisep.fr))",
         "5:44: error: the link 'file:///etc/passwd' is not a web or e-mail address (only https://, http:// and "
         "mailto: links are made) (write the full address, e.g. [Onisep](https://www.onisep.fr))",
         "5:74: error: the link 'data:text/html,x' is not a web or e-mail address (only https://, http:// and "
         "mailto: links are made) (write the full address, e.g. [Onisep](https://www.onisep.fr))",
         "6:26: error: the link '#top' is not a web or e-mail address (only https://, http:// and "
         "mailto: links are made) (write the full address, e.g. [Onisep](https://www.onisep.fr))"]),
    "links whose address holds parentheses": (
        "      - Voir [ici](javascript:alert(1)) ou [Wikipédia](https://fr.wikipedia.org/wiki/Infirmier_(France)).\n",
        ["5:20: error: the link 'javascript:alert(1)' is not a web or e-mail address (only https://, http:// and "
         "mailto: links are made) (write the full address, e.g. [Onisep](https://www.onisep.fr))"]),
    "addresses of 3,000 characters": (
        f"      - Voir {LONG_URL}\n      - link: {LONG_URL}\n",
        ["5:14: error: the address is too long (3000 characters, at most 2000) (use the site's own short "
         "address, or remove tracking parts such as ?utm_source=…)",
         "6:15: error: the address is too long (3000 characters, at most 2000) (use the site's own short "
         "address, or remove tracking parts such as ?utm_source=…)"]),
    "zero-width and direction characters": (
        "      - \"Mot\\u200bcoupé, \\u200d, \\u2060 et \\ufeff\"\n      - Texte\u200e à l’envers\n",
        ["5:9: error: invisible character U+200B (ZERO WIDTH SPACE) in the text (delete it and retype the text "
         "around it)",
         "5:9: error: invisible character U+200D (ZERO WIDTH JOINER) in the text (delete it and retype the text "
         "around it)",
         "5:9: error: invisible character U+2060 (WORD JOINER) in the text (delete it and retype the text "
         "around it)",
         "5:9: error: invisible character U+FEFF (ZERO WIDTH NO-BREAK SPACE) in the text (delete it and retype "
         "the text around it)",
         "6:14: error: invisible character U+200E (LEFT-TO-RIGHT MARK) in the text (delete it and retype the "
         "text around it)"]),
    "texts made only of spaces": (
        "      - \"\u00a0 \"\n      - question: \"   \"\n        options: [Oui, \" \"]\n        answer: Oui\n",
        ["5:9: error: this item is empty (write a text after '- ', or remove the line)",
         "6:19: error: 'question' is empty (write the value after 'question:')",
         "7:24: error: an item of 'options' is empty (write a text, or remove the item)"]),
}


@pytest.mark.parametrize("case", TEXTS)
def test_a_hostile_text_is_an_error_at_its_line(tree, case):
    content, expect = TEXTS[case]
    (tree / "sources" / "hostile.yaml").write_text(FICHE + content, encoding="utf-8")
    for command in ("check", "build"):
        attack(tree, command, expect=[f"sources/hostile.yaml:{line}" for line in expect])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "(", ")", "](", "a", ".", " ", "\n", "https://", "www.", "javascript:",
                                  "#", "mailto:", "`", "@", "x.fr/"]), max_size=30).map("".join))
def test_the_link_check_sees_every_address_markup_links(text):
    """Every address the renderer makes a link of is one the checker looks at."""
    import html

    from worksheet_gen.text import links, markup, web_target

    checked = {web_target(target) for target, _ in links(text)}
    for href in re.findall(r'<a href="([^"]*)"', markup(text)):
        assert html.unescape(href) in checked


_RUN_TOKENS = ["**", "*", "`", "[a](https://e.fr)", "https://x.fr/a", "a@b.fr", "www.x.fr", " ", "a", "mot", "?", "!",
               ";", ":", "«", "»", '"', "'", "%", "€", "1er", "2e", "Tle", "10", "5 min", "...", "\n", "- ", "<b>",
               "&amp;", "\u202f", "[x](", ")"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_RUN_TOKENS), max_size=40).map("".join), st.sampled_from(["fr", "en"]))
@example("1er10", "fr")  # found once by hypothesis: an ordinal raised before digits (a class « 6e2 »)
@example("Tle2 5eA", "fr")
def test_every_run_of_another_type_the_layout_makes_is_counted(text, lang):
    """Attack 2, F7: the layout's cost grows with the runs of another type in a paragraph (reportlab's frags);
    each mark text.runs counts starts at most two (itself and the text after it)."""
    from reportlab.platypus import Paragraph

    from worksheet_gen.layout.styles import Styles
    from worksheet_gen.text import markup, runs

    made = len(Paragraph(markup(text, lang=lang), Styles(lang).body).frags)
    assert made <= 2 * runs(text) + 1, (text, made, runs(text))


# --- the manifest is input like any other -------------------------------------------------------

MANIFEST = "build/.worksheet-gen.json"


def stale(said: str, *names: str, source: str = "sources/pix.yaml") -> list[str]:
    """The errors `build --check` prints for PDFs of source that are missing or out of date."""
    return [f"{source}: error: build/{name} {said} (run 'worksheet-gen build' and commit the PDFs it writes)"
            for name in names]


def tamper(root: Path, change) -> None:
    """Edit the manifest of root/build as a hostile commit or a restored cache could."""
    path = root / MANIFEST
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_a_manifest_naming_files_outside_the_build_folder_never_removes_them(tree):
    (tree / "build" / "notes.txt").write_text("a teacher's notes")

    def forge(data):
        data["entries"]["../sources/gone.yaml"] = {
            "source": "../sources/gone.yaml", "fingerprint": "x", "deps": {}, "warnings": [],
            "outputs": {"../sources/pix.yaml": "0", "../outside/secret.yaml": "0", "/etc/passwd": "0",
                        "notes.txt": "0", "..": "0", "gone\n-eleve.pdf": "0"}}

    tamper(tree, forge)
    ignored = "build/.worksheet-gen.json:1:{}: warning: the build manifest names {}, which is not a PDF this tool " \
              "writes in its folder: it is ignored (the manifest was edited or comes from elsewhere; the build " \
              "writes a correct one)"
    names = ["..", "../outside/secret.yaml", "../sources/pix.yaml", "/etc/passwd", "gone\n-eleve.pdf", "notes.txt"]
    text = (tree / MANIFEST).read_text()  # one line: each name is shown at its column
    at = {name: text.index(json.dumps(name) + ': "0"') + 1 for name in names}
    expect = sorted(ignored.format(at[name], "'" + " ".join(name.split()) + "'") for name in names)
    attack(tree, "build", "--check", code=0, expect=expect)
    attack(tree, "build", code=0, expect=expect, may_change={MANIFEST})
    assert "gone.yaml" not in (tree / MANIFEST).read_text()  # the forged entry is dropped
    attack(tree, "build", code=0)


def test_the_pdfs_of_a_deleted_source_are_still_removed_but_only_if_the_build_wrote_them(tree):
    shutil.copy(tree / "build" / "pix-eleve.pdf", tree / "build" / "old-eleve.pdf")
    (tree / "build" / "old-corrige.pdf").write_text("changed by hand since")

    def forge(data):  # what a build of sources/old.yaml, since deleted, recorded
        eleve = hashlib.sha256((tree / "build" / "old-eleve.pdf").read_bytes()).hexdigest()
        data["entries"]["../sources/old.yaml"] = {"source": "../sources/old.yaml", "fingerprint": "x", "deps": {},
                                                  "warnings": [], "outputs": {"old-eleve.pdf": eleve,
                                                                              "old-corrige.pdf": "0" * 64}}

    tamper(tree, forge)
    kept = ["build/old-corrige.pdf: warning: this PDF changed since the build wrote it: it is not removed (delete it "
            "by hand if it is no longer needed)"]
    left = ["build/old-eleve.pdf: error: this PDF is left over: its source sources/old.yaml was removed (run "
            "'worksheet-gen build', which deletes it, and commit the change)"]
    proc = attack(tree, "build", "--check", expect=kept + left)
    assert "would remove build/old-eleve.pdf" in proc.stdout.splitlines()
    proc = attack(tree, "build", code=0, expect=kept, may_change={MANIFEST, "build/old-eleve.pdf"})
    assert "removed build/old-eleve.pdf" in proc.stdout.splitlines()
    assert not (tree / "build" / "old-eleve.pdf").exists() and (tree / "build" / "old-corrige.pdf").exists()


@pytest.mark.parametrize("forged", [
    [], {"version": VERSION, "entries": []}, {"version": "1", "entries": {}},
    {"version": VERSION, "entries": {"../sources/pix.yaml": {"source": 7}}},
    {"version": VERSION, "entries": {"../sources/pix.yaml": {"source": "../sources/pix.yaml", "fingerprint": "x",
                                                             "deps": {}, "outputs": ["pix-eleve.pdf"], "warnings": []}}},
], ids=["a list", "entries a list", "version a text", "source a number", "outputs a list"])
def test_a_manifest_of_the_wrong_shape_is_a_warning_and_a_full_rebuild(tree, forged):
    (tree / MANIFEST).write_text(json.dumps(forged))
    proc = attack(tree, "build", code=0, may_change={MANIFEST}, expect=[
        "build/.worksheet-gen.json:1:1: warning: the build manifest is not as worksheet-gen writes it: everything is "
        "rebuilt (it was edited or damaged; the build writes a new one)"])
    assert "1 source: 0 up to date, 1 rendered; 0 PDFs written" in proc.stdout
    attack(tree, "build", "--check", code=0)


def test_a_manifest_entry_that_does_not_list_its_source_is_never_up_to_date(tree):
    """A forged entry cannot make a changed source look built: --check and build see the change."""
    pix = tree / "sources" / "pix.yaml"
    pix.write_text(pix.read_text().replace("title: Cultivez", "title: Développez"))
    tamper(tree, lambda data: data["entries"]["../sources/pix.yaml"]["deps"].clear())
    proc = attack(tree, "build", "--check", expect=stale("is out of date", "pix-corrige.pdf", "pix-eleve.pdf"))
    assert "would change build/pix-eleve.pdf" in proc.stdout.splitlines()
    attack(tree, "build", code=0, may_change={MANIFEST, "build/pix-eleve.pdf", "build/pix-corrige.pdf"})


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_a_folder_or_a_pipe_where_the_manifest_should_be_is_an_error_at_once(tree, kind):
    (tree / MANIFEST).unlink()
    os.mkdir(tree / MANIFEST) if kind == "folder" else os.mkfifo(tree / MANIFEST)
    error = ["build/.worksheet-gen.json:1:1: error: the build manifest is not a file (a folder, a pipe or a device is in "
             "its place) (remove it: the build writes its manifest there)"]
    (tree / "sources" / "pix.yaml").write_text((SOURCES / "pix.yaml").read_text() + "\n# changed\n")
    for args in (("build",), ("build", "--check"), ("build", "--format", "json")):
        proc = attack(tree, *args, expect=error if "json" not in args else [])
    assert json.loads(proc.stdout)["errors"] == 1


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                     max_leaves=20)
_NAMES = st.sampled_from(["../keep.pdf", "../keep-eleve.pdf", "/tmp/keep-eleve.pdf", "keep-eleve.pdf", "..", ".",
                          "", "sub/keep-eleve.pdf", "pack-keep.pdf", "KEEP-ELEVE.PDF",
                          "c:keep-eleve.pdf", "..\\keep-eleve.pdf", "a\nb-eleve.pdf"]) | st.text(max_size=12)
_SHA = hashlib.sha256(b"%PDF keep").hexdigest()
_WARNINGS = st.lists(st.fixed_dictionaries({
    "path": _NAMES, "line": st.integers(0, 99), "col": st.integers(0, 99), "message": st.text(max_size=8),
    "hint": st.text(max_size=8), "severity": st.sampled_from(["error", "warning"])}), max_size=2)
_WELL_FORMED = st.fixed_dictionaries({
    "source": st.sampled_from(["../gone.yaml", "../src/a.yaml", "", "/", "x" * 300]) | st.text(max_size=8),
    "fingerprint": st.text(max_size=4),
    "deps": st.dictionaries(_NAMES, st.sampled_from([_SHA]) | st.text(max_size=4), max_size=3),
    "outputs": st.dictionaries(_NAMES, st.sampled_from([_SHA]) | st.text(max_size=4), max_size=4),
    "warnings": _WARNINGS,
})
_ENTRY = _WELL_FORMED | st.builds(lambda entry, key, value: {**entry, key: value}, _WELL_FORMED,  # one value wrong
                                  st.sampled_from(["source", "deps", "outputs", "warnings", "extra"]), _JSON)
_MANIFEST = st.one_of(
    _JSON,  # anything at all
    st.fixed_dictionaries({"version": st.just(1), "entries": st.dictionaries(st.text(max_size=8), _WELL_FORMED,
                                                                              max_size=3)}),
    st.fixed_dictionaries({"version": st.sampled_from([1, 2, "1", None]),
                           "entries": st.dictionaries(st.text(max_size=8), _ENTRY, max_size=3)}),
)


@settings(max_examples=300, deadline=None)
@given(_MANIFEST)
def test_any_manifest_is_read_without_a_traceback_and_removes_nothing_outside_its_folder(data):
    """Random JSON, and manifests close to the real ones, fed to the loader and to a build that uses them."""
    import tempfile

    from worksheet_gen.build import build
    from worksheet_gen.manifest import Manifest, output_name

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "src").mkdir()
        (root / "src" / "a.yaml").write_text(FICHE + "      - Un texte.\n")
        out = root / "build"
        out.mkdir()
        for name in ("keep.pdf", "keep-eleve.pdf", "build/keep-eleve.pdf", "build/pack-keep.pdf"):
            (root / name).write_bytes(b"%PDF keep")
        (out / ".worksheet-gen.json").write_text(json.dumps(data))
        manifest = Manifest.load(out)
        assert all(output_name(name) for entry in manifest.entries.values() for name in entry["outputs"])
        for entry in manifest.entries.values():
            source = manifest.abs(entry["source"]) if "\0" not in entry["source"] else root / "src" / "a.yaml"
            manifest.fresh(source, "x", outputs={"a-eleve.pdf", "a-corrige.pdf"})
            manifest.warnings(source, str)
        manifest.orphans()
        result = build([], out, check=True)
        result = build([], out)
        assert all(path.parent == out for path in result.removed)
        assert (root / "keep.pdf").read_bytes() == (root / "keep-eleve.pdf").read_bytes() == b"%PDF keep"


# --- what is written: temporary files, two builds at once, one file for two outputs --------------

def test_the_build_removes_only_its_own_temporary_files(tree):
    for name in (".notes.tmp", ".pix-eleve.pdf.left.tmp", ".x.worksheet-gen-1-abc.tmp.bak"):
        (tree / "build" / name).write_text("someone's file")
    (tree / "sources" / "pix.yaml").write_text((SOURCES / "pix.yaml").read_text() + "\n# changed\n")
    attack(tree, "build", code=0, may_change={MANIFEST})


MINI = FICHE + "      - question: Combien font 2 et 2 ?\n        answer: Quatre\n"


@pytest.mark.slow
def test_two_builds_of_one_tree_at_once_take_turns(tree):
    import subprocess
    import sys

    for i in range(6):
        (tree / "sources" / f"fiche-{i}.yaml").write_text(MINI.replace("Essai", f"Essai {i}"))
    (tree / "build" / ".notes.tmp").write_text("a teacher's file")
    runs = [subprocess.Popen([sys.executable, "-m", "worksheet_gen", *args], cwd=tree, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for args in (["build", "--jobs", "2"], ["build", "--jobs", "1", "--force"], ["build", "--check"])]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs[:2], outputs):
        assert run.returncode == 0 and "Traceback" not in err and "No such file" not in out + err, out + err
    assert runs[2].returncode in (0, 1) and "Traceback" not in outputs[2][1]
    assert sorted(p.name for p in (tree / "build").iterdir() if p.name.startswith(".")) == [
        ".notes.tmp", ".worksheet-gen.json"]
    assert len(list((tree / "build").glob("*.pdf"))) == 14
    attack(tree, "build", "--check", code=0)


def test_outputs_that_would_be_one_file_are_an_error_before_anything_is_written(tree):
    src = tree / "sources"
    (src / "Pix.yaml").write_text(MINI)  # pix.yaml and Pix.yaml: one file on Windows and macOS
    (src / "pack-a.yaml").write_text(MINI)  # writes pack-a-eleve.pdf…
    (src / "a-eleve.pack.yaml").write_text("fiches: [pix]\ncopies: 2\n")  # …and so does this pack file
    expect = [
        "sources/Pix.yaml:1:1: error: it would write 'Pix-eleve.pdf', the same file as 'pix-eleve.pdf' of "
        "sources/pix.yaml (rename one of the two files: names that differ only by capitals, or by how an accent is "
        "encoded, are one file on Windows and macOS)",  # the newcomer: pix.yaml was built before
        "sources/a-eleve.pack.yaml:1:1: error: it would write 'pack-a-eleve.pdf', the same file as 'pack-a-eleve.pdf' of "
        "sources/pack-a.yaml (rename one of the two files: names that differ only by capitals, or by how an "
        "accent is encoded, are one file on Windows and macOS)"]
    attack(tree, "build", "--check", expect=[
        *expect, *stale("is missing", "pack-a-corrige.pdf", "pack-a-eleve.pdf", source="sources/pack-a.yaml")])
    built = {MANIFEST, "build/pack-a-eleve.pdf", "build/pack-a-corrige.pdf"}
    attack(tree, "build", expect=expect, may_change=built)
    attack(tree, "build", "--check", expect=expect)  # stable: no flip-flop between the two
    (src / "pix.yaml").unlink()
    (src / "a-eleve.pack.yaml").unlink()
    attack(tree, "build", code=0, may_change={MANIFEST, "build/Pix-eleve.pdf", "build/Pix-corrige.pdf"})


def test_a_newcomer_named_like_a_built_fiche_is_the_one_in_error(tree):
    """Attack 2, F8: sources/PIX.yml added beside sources/pix.yaml (whose PDFs the manifest records) made
    pix.yaml the one in error and wrote PIX-eleve.pdf, leaving pix-eleve.pdf stale: a pull request that adds a
    file failed the established fiche."""
    shutil.copy(tree / "sources" / "pix.yaml", tree / "sources" / "PIX.yml")
    expect = ["sources/PIX.yml:1:1: error: it would write 'PIX-eleve.pdf', the same file as 'pix-eleve.pdf' of "
              "sources/pix.yaml (rename one of the two files: names that differ only by capitals, or by how an "
              "accent is encoded, are one file on Windows and macOS)"]
    for args in (["build", "--check"], ["build"], ["build", "--force"], ["build", "sources/PIX.yml", "sources/pix.yaml"]):
        proc = attack(tree, *args, expect=expect, may_change={MANIFEST})
        assert "1 failed: sources/PIX.yml" in proc.stdout
    assert not list((tree / "build").glob("PIX-*"))
    attack(tree, "build", "--check", "sources/pix.yaml", code=0)  # the established fiche is still up to date


def test_a_source_cannot_take_the_pdfs_another_source_wrote_in_an_earlier_build(tree):
    (tree / "other").mkdir()
    (tree / "other" / "pix.yaml").write_text(MINI)
    attack(tree, "build", "other/pix.yaml", expect=[
        "other/pix.yaml:1:1: error: it builds the same PDFs as sources/pix.yaml (rename one of the two files)"])


@pytest.mark.parametrize("out", ["sources", "sources/build", "."])
def test_pdfs_written_among_the_sources_leave_every_source_alone(tree, out):
    """--out equal to, inside or holding the sources folder: wrong usage, nothing read, written or removed there
    (tests/test_places.py says the messages)."""
    src = tree / "sources"
    (src / "old.yaml").write_text(MINI)
    (src / "notes.pdf").write_bytes(b"%PDF a teacher's own PDF")
    (src / ".notes.tmp").write_text("a teacher's file")
    (src / "classe.pack.yaml").write_text("fiches: [old]\ncopies: 2\n")
    for command in ("build", "watch"):
        proc = attack(tree, command, "--out", out, code=2)
        assert "give the PDFs a folder of their own" in proc.stderr


# --- nothing outside the tree is read or quoted ------------------------------------------------

def test_a_link_in_the_sources_folder_to_a_file_outside_it_is_not_read(tree):
    (tree / "sources" / "evil.yaml").symlink_to(tree / "outside" / "secret.yaml")
    (tree / "sources" / "zero.yaml").symlink_to("/dev/zero")
    expect = ["sources/evil.yaml:1:1: error: this file is a link to a file outside the sources folder: it is not read "
              "(copy the file into the sources folder, or name it on the command line)",
              "sources/zero.yaml:1:1: error: not a regular file (a folder, a pipe or a device): it is not read (rename it "
              "or move it out of the sources folder)"]
    for command in ("check", "build"):
        attack(tree, command, expect=expect)


def test_a_pipe_or_a_folder_named_like_a_source_is_reported_at_once(tree):
    os.mkfifo(tree / "sources" / "tube.yaml")
    (tree / "sources" / "dossier.yml").mkdir()
    expect = [f"sources/{name}:1:1: error: not a regular file (a folder, a pipe or a device): it is not read (rename it "
              "or move it out of the sources folder)" for name in ("dossier.yml", "tube.yaml")]
    for command in ("check", "build"):
        attack(tree, command, expect=expect)
    attack(tree, "check", "sources/tube.yaml", expect=["sources/tube.yaml: error: not a regular file (a folder, a "
                                                       "pipe or a device): it is not read (give the name of a source "
                                                       "file)"])


def test_sources_in_capitals_or_yml_are_built(tree):
    (tree / "sources" / "Majuscules.YAML").write_text(MINI)
    (tree / "sources" / "court.yml").write_text(MINI)
    proc = attack(tree, "build", code=0, may_change={MANIFEST} | {
        f"build/{slug}-{kind}.pdf" for slug in ("Majuscules", "court") for kind in ("eleve", "corrige")})
    assert "3 sources: 1 up to date, 2 rendered; 4 PDFs written" in proc.stdout


def test_paths_in_a_pack_file_cannot_leave_the_sources_folder(tree):
    (tree / "outside" / "fiche.yaml").write_text(MINI)
    (tree / "outside" / "eleves.csv").write_text("Nom;Prénom\nDUPONT;Léa\n")
    (tree / "sources" / "lien.csv").symlink_to(tree / "outside" / "eleves.csv")
    pack = tree / "sources" / "classe.pack.yaml"
    pack.write_text("fiches: [../outside/fiche, ../outside/fiche.yaml, pix]\ncopies: 2\n")
    outside = "error: the fiche '{}' is outside the folder of the pack file (name a fiche of this folder, by its " \
              "file name without .yaml)"
    attack(tree, "build", expect=[f"sources/classe.pack.yaml:1:10: {outside.format('../outside/fiche')}",
                                  f"sources/classe.pack.yaml:1:28: {outside.format('../outside/fiche.yaml')}"])
    pack.write_text("fiches: [pix]\nroster: lien.csv\n")
    attack(tree, "build", expect=["sources/classe.pack.yaml:2:9: error: the roster must be inside the folder of the "
                                  "pack file (move the CSV next to the pack file)"])


def test_copies_in_superscript_digits_is_an_error_at_its_line(tree):
    (tree / "sources" / "classe.pack.yaml").write_text("fiches: [pix]\ncopies: ²\n")
    attack(tree, "build", expect=["sources/classe.pack.yaml:2:9: error: 'copies' must be a whole number from 1 to "
                                  "500 (the number of anonymous copies, 1 to 500)"])


# --- file names are data -------------------------------------------------------------------------

def _github_lines_are_safe(text: str, names: set[str]) -> None:
    """Each line is an annotation whose file is one of names, or a line GitHub's runner reads as plain text."""
    from test_build_ci import parse_workflow_command

    for line in text.splitlines():
        if line.lstrip().startswith("::"):
            command, props, _ = parse_workflow_command(line)
            assert command in ("error", "warning", "notice") and props.get("file", next(iter(names))) in names, line
        else:
            assert "##[" not in line, line


def test_file_names_cannot_inject_github_workflow_commands(tree):
    names = ["x\n::error file=evil,line=1::pwned.yaml", "y##[stop-commands]tok.yaml",
             "z::warning::w.yaml"]
    for name in names:
        (tree / "sources" / name).write_text(FICHE + "      - question: Q ?\n        lignes: 3\n        answer: A\n")
    shown = {f"sources/{name}" for name in names}
    for command in ("check", "build"):
        proc = attack(tree, command, "--format", "github", expect=[])
        _github_lines_are_safe(proc.stdout, shown)
        _github_lines_are_safe(proc.stderr, shown)
        assert proc.stdout.count("::error file=") == 3
    attack(tree, "build", expect=[  # text: each name on one line, a newline in it shown as \n (and not read)
        "sources/x\\n::error file=evil,line=1::pwned.yaml:1:1: error: the file name holds a control or invisible "
        "character, '\\n' (U+000A): it is not read (rename the file, with letters, digits, spaces and '-')"] + [
        f"sources/{name}:6:9: error: unknown key 'lignes' (did you mean 'lines'?)" for name in names[1:]])


# --- failures on output: each an error at its path, the report still printed ----------------------

def test_a_pdf_that_cannot_be_written_is_an_error_and_the_json_report_is_printed(tree):
    pix = tree / "sources" / "pix.yaml"
    pix.write_text(pix.read_text().replace("title: Cultivez", "title: Développez"))
    proc = attack(tree, "build", "--format", "json", file_size=10_000)  # a PDF is larger: as if the disk were full
    report = json.loads(proc.stdout)
    assert report["failed"] == ["sources/pix.yaml"] and report["errors"] == 1
    assert report["problems"][0]["file"] == "build/pix-eleve.pdf"
    assert report["problems"][0]["message"] == "cannot write the file: File too large"
    proc = attack(tree, "build", file_size=10_000, expect=[
        "build/pix-eleve.pdf: error: cannot write the file: File too large (check the free space and the permissions "
        "of the output folder)"])


def test_a_write_that_fails_between_the_two_pdfs_of_a_fiche_keeps_the_earlier_pair(tree):
    """Attack 2, F3: a full disk at the corrigé left the new student sheet beside the old corrigé."""
    from pypdf import PdfReader

    pix = tree / "sources" / "pix.yaml"
    pix.write_text(pix.read_text().replace("title: Cultivez", "title: Développez"))
    (tree / "new").mkdir()
    cli("build", "--out", "new", cwd=tree, check=True)
    sizes = {kind: (tree / "new" / f"pix-{kind}.pdf").stat().st_size for kind in ("eleve", "corrige")}
    larger = max(sizes, key=sizes.get)
    shutil.rmtree(tree / "new")
    attack(tree, "build", file_size=sum(sizes.values()) // 2, expect=[  # the smaller one fits, the larger not
        f"build/pix-{larger}.pdf: error: cannot write the file: File too large (check the free space and the "
        "permissions of the output folder)"])
    for kind in ("eleve", "corrige"):  # both still the earlier ones (attack checks every byte is unchanged)
        assert "Cultivez" in PdfReader(tree / "build" / f"pix-{kind}.pdf").pages[0].extract_text()


def test_a_file_name_too_long_for_the_system_is_said_so(tree):
    name = "b" * 250
    shutil.copy(tree / "sources" / "pix.yaml", tree / "sources" / f"{name}.yaml")
    attack(tree, "build", f"sources/{name}.yaml", may_change={MANIFEST}, expect=[
        f"build/{name}-eleve.pdf: error: {TOO_LONG_NAME}"])


def test_a_manifest_that_cannot_be_saved_is_an_error_and_the_github_report_is_printed(tree):
    (tree / MANIFEST).unlink()  # the PDFs are up to date: only the manifest is written
    proc = attack(tree, "build", "--format", "github", file_size=100)
    assert proc.stdout.splitlines()[0] == (
        "::error file=build/.worksheet-gen.json::cannot write the build manifest: File too large (check the free "
        "space and the permissions of the output folder; the next build renders everything again)")
    assert "1 source: 0 up to date, 1 rendered; 0 PDFs written" in proc.stdout.splitlines()[-1]
    attack(tree, "build", code=0, may_change={MANIFEST})


# --- pictures: measured first, decoded once, printed upright and no sharper than needed -----------

def _jpeg(path: Path, size: tuple[int, int], orientation: int = 1) -> None:
    """A JPEG whose left half is red and right half blue, with an EXIF orientation."""
    from PIL import Image

    im = Image.new("RGB", size, "blue")
    im.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation
    im.save(path, "JPEG", quality=95, exif=exif.tobytes())


def _embedded(pdf: Path):
    """The pictures drawn on page 1 of a PDF, as PIL images."""
    from pypdf import PdfReader

    return [image.image for image in PdfReader(pdf).pages[0].images]


def test_a_pipe_given_as_a_picture_is_refused_at_once(tree):
    os.mkfifo(tree / "sources" / "tube.png")
    (tree / "sources" / "photo.yaml").write_text(FICHE + "      - image: tube.png\n")
    attack(tree, "build", expect=["sources/photo.yaml:5:16: error: cannot read the image 'tube.png': not a regular "
                                  "file (a folder, a pipe or a device) (check the file name)"])


def test_a_phone_photo_is_printed_upright(tree):
    _jpeg(tree / "sources" / "photo.jpg", (400, 200), orientation=6)  # stored lying down, red on the left
    (tree / "sources" / "photo.yaml").write_text(FICHE + "      - image: photo.jpg\n        width: 60\n")
    attack(tree, "build", code=0, may_change={MANIFEST, "build/photo-eleve.pdf", "build/photo-corrige.pdf"})
    for kind in ("eleve", "corrige"):
        (picture,) = _embedded(tree / "build" / f"photo-{kind}.pdf")
        assert picture.width < picture.height  # turned: portrait, as the phone showed it
        red, blue = picture.convert("RGB").getpixel((picture.width // 2, 5)), \
            picture.convert("RGB").getpixel((picture.width // 2, picture.height - 5))
        assert red[0] > 200 > red[2] and blue[2] > 200 > blue[0], (red, blue)  # orientation 6: the left is on top


def test_a_large_photo_is_embedded_at_300_dpi_of_its_printed_width(tree):
    _jpeg(tree / "sources" / "grande.jpg", (6000, 4000))
    (tree / "sources" / "photo.yaml").write_text(FICHE + "      - image: grande.jpg\n        width: 40\n"
                                                 "      - image: grande.jpg\n        width: 170\n")
    attack(tree, "build", code=0, may_change={MANIFEST, "build/photo-eleve.pdf", "build/photo-corrige.pdf"})
    widths = sorted(picture.width for picture in _embedded(tree / "build" / "photo-eleve.pdf"))
    assert widths == [473, 2008]  # 40 mm and 170 mm at 300 dpi, not 6000 pixels twice


def _png16(path: Path, side: int) -> None:
    """A square 16-bit RGBA PNG of one colour (a few hundred KB however large), written row by row."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer, row = zlib.compressobj(6), b"\x00" + bytes([0x30, 0, 0x80, 0, 0xC0, 0, 0xFF, 0xFF]) * side
    pixels = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 16, 6, 0, 0, 0))
                     + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def _peak_kb(root: Path, *args: str) -> int:
    """The peak resident memory (KB) of one run of the CLI, measured alone in a process of its own."""
    import subprocess
    import sys

    script = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    return int(subprocess.run([sys.executable, "-c", script, sys.executable, "-m", "worksheet_gen", *args],
                              cwd=root, capture_output=True, text=True, check=True).stdout)


def test_a_large_16_bit_picture_costs_its_decoded_size_not_twice_more(tree):
    """Attack 2, F8: a 7000 × 7000 RGBA 16-bit PNG (381 KB, under the 50-megapixel limit) took 500 MB: decoded
    (4 bytes a pixel), copied whole to be turned upright, then again to be resized with its alpha. Now the
    decoded picture is reduced a band of rows at a time: about the decoded size more than a small picture."""
    _png16(tree / "sources" / "grand.png", 7000)
    _png16(tree / "sources" / "petit.png", 700)
    for name in ("grand", "petit"):
        (tree / "sources" / f"{name}.yaml").write_text(FICHE + f"      - image: {name}.png\n        width: 100\n")
    decoded = 7000 * 7000 * 4 // 1024
    extra = _peak_kb(tree, "check", "sources/grand.yaml") - _peak_kb(tree, "check", "sources/petit.yaml")
    assert extra < 1.6 * decoded, (extra, decoded)  # 2.4 times before (478 MB more for 191 MB of pixels)
    before = files(tree)
    extra = _peak_kb(tree, "build", "-j1", "sources/grand.yaml") - _peak_kb(tree, "build", "-j1", "sources/petit.yaml")
    assert extra < 1.6 * decoded, (extra, decoded)
    assert changed(before, files(tree)) == {MANIFEST, "build/grand-eleve.pdf", "build/grand-corrige.pdf",
                                            "build/petit-eleve.pdf", "build/petit-corrige.pdf"}


@pytest.mark.parametrize("width", [256, 3000], ids=["embedded as it is", "reduced"])
def test_a_16_bit_grey_picture_prints_its_greys(tmp_path, width):
    """Attack 3: a 16-bit grey PNG (values 0-65535) printed almost white, its greys clipped at 255."""
    from PIL import Image
    from pypdf import PdfReader

    im = Image.new("I;16", (width, 40))
    im.putdata([x * 65535 // (width - 1) for _ in range(40) for x in range(width)])
    im.save(tmp_path / "degrade.png")
    (tmp_path / "degrade.yaml").write_text(FICHE + "      - image: degrade.png\n        width: 80\n")
    cli("build", str(tmp_path / "degrade.yaml"), "--out", str(tmp_path / "out"), cwd=tmp_path, check=True)
    for kind in ("eleve", "corrige"):
        (image,) = PdfReader(tmp_path / "out" / f"degrade-{kind}.pdf").pages[0].images
        grey = image.image.convert("L")
        row = [grey.getpixel((round(f * (grey.width - 1)), grey.height // 2)) for f in (0, 0.25, 0.5, 0.75, 1)]
        assert row[0] < 10 and row[-1] > 245 and all(abs(v - f * 255) < 12 for v, f in zip(row, (0, .25, .5, .75, 1))), row


def test_a_picture_drawn_twelve_times_is_decoded_once(tmp_path):
    from worksheet_gen import pictures
    from worksheet_gen.build import render_fiche
    from worksheet_gen.sources import load_fiche

    _jpeg(tmp_path / "photo.jpg", (3000, 2000))
    source = tmp_path / "photo.yaml"
    source.write_text(FICHE + "      - image: photo.jpg\n        width: 30\n" * 12)
    pictures.load.cache_clear()
    fiche, problems = load_fiche(source)
    assert fiche is not None, problems
    render_fiche(fiche)
    assert pictures.load.cache_info().misses == 1


# --- killed ---------------------------------------------------------------------------------------

def _children(pid: int) -> set[int]:
    """Every process below pid, as /proc lists them."""
    found = set()
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found |= {int(child)} | _children(int(child))
    except OSError:
        pass
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


HEAVY = "title: Essai\nactivities:\n" + "".join(
    f"  - title: Activité {i}\n    content:\n" + "      - question: Pourquoi les pommes tombent-elles ?\n"
    "        lines: 4\n        answer: À cause de la gravitation universelle.\n" * 5 for i in range(30))


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree in /proc (Linux)")
@pytest.mark.parametrize("fiches", [1, 4], ids=["a forked renderer", "a pool of workers"])
def test_killing_the_build_leaves_no_process_running(tmp_path, fiches):
    import signal
    import subprocess
    import sys

    (tmp_path / "sources").mkdir()
    for i in range(fiches):
        (tmp_path / "sources" / f"lourd-{i}.yaml").write_text(HEAVY.replace("Essai", f"Essai {i}"))
    proc = subprocess.Popen([sys.executable, "-m", "worksheet_gen", "build", "--jobs", "2"], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while len(seen) < min(fiches, 2) and time.monotonic() < deadline and proc.poll() is None:
        seen |= _children(proc.pid)
        time.sleep(0.01)
    assert seen, "the build started no worker"
    time.sleep(0.2)  # let them work
    seen |= _children(proc.pid)
    proc.send_signal(signal.SIGKILL)  # the main process only, as the OOM killer or a CI timeout does
    proc.wait()
    deadline = time.monotonic() + 20
    while any(_running(pid) for pid in seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in seen if _running(pid)]


def test_every_address_a_code_can_print_is_accepted_without_making_the_code():
    """The shortcut of url_problem agrees with the code segno makes, up to its length limit."""
    from worksheet_gen.media import MIN_MODULE_MM, SCANNABLE_BYTES, module_mm, url_problem

    for n in range(20, SCANNABLE_BYTES + 1):
        url = "https://example.org/" + "a" * (n - 20)
        assert url_problem(url) is None and module_mm(url) >= MIN_MODULE_MM, n
    assert url_problem(url + "a") is not None


def test_names_that_differ_by_how_an_accent_is_written_are_one_file(tree):
    src = tree / "sources"
    (src / "\u00e9l\u00e8ve.yaml").write_text(MINI)  # é and è as one character each (Windows, Linux)…
    (src / "e\u0301le\u0300ve.yaml").write_text(MINI)  # …and as letter + accent (macOS): one file there
    nfc, nfd = "\u00e9l\u00e8ve", "e\u0301le\u0300ve"
    attack(tree, "build", may_change={MANIFEST, f"build/{nfd}-eleve.pdf", f"build/{nfd}-corrige.pdf"}, expect=[
        f"sources/{nfc}.yaml:1:1: error: it would write '{nfc}-eleve.pdf', the same file as '{nfd}-eleve.pdf' "
        f"of sources/{nfd}.yaml (rename one of the two files: names that differ only by capitals, or by how an "
        "accent is encoded, are one file on Windows and macOS)"])


@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999999999999", " 1"])  # ' 1': quoted as it is (F8)
def test_a_wrong_source_date_epoch_is_one_clear_error(tree, value):
    """It dates every PDF: wrong, it made each fiche fail with an internal error of reportlab."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": value}
    error = [f"SOURCE_DATE_EPOCH: error: the date of the PDFs must be a number of seconds since 1970, not '{value}' "
             "(unset it, or set it to a whole number such as $(git log -1 --format=%ct))"]
    attack(tree, "build", "--force", env=env, expect=error)
    attack(tree, "pack", "pix", "--copies", "2", env=env, expect=error)


TOO_LONG_NAME = "cannot write the file: its name or its folder's path is too long for the system (give the source a " \
                "shorter file name, or --out a shorter folder)"


def test_a_name_too_long_for_the_system_is_an_error_not_a_traceback(tree):
    long = "a" * 5000
    unreadable = f"{long}: error: cannot read the file: File name too long (check that it exists and is readable)"
    attack(tree, "check", long, expect=[unreadable])
    attack(tree, "build", "--sources", long, expect=[unreadable])
    attack(tree, "build", "--out", long, "--force", expect=[
        f"{long}/pix-eleve.pdf: error: {TOO_LONG_NAME}"])
    attack(tree, "pack", "pix", "--copies", "2", "--out", long, expect=[
        f"{long}/pack-pix.pdf: error: cannot write the file: File name too long (check the free space and the "
        "permissions of the output folder)"])


def test_the_pack_command_does_not_overwrite_the_pdf_of_a_source(tree):
    (tree / "sources" / "pack-x.yaml").write_text(MINI)  # writes build/pack-x-eleve.pdf
    attack(tree, "build", code=0, may_change={MANIFEST, "build/pack-x-eleve.pdf", "build/pack-x-corrige.pdf"})
    for name in ("x-eleve", "X-Eleve"):
        proc = attack(tree, "pack", "pix", "--copies", "2", "--name", name, code=2)
        assert f"Invalid value for --name: sources/pack-x.yaml already writes pack-{name}.pdf: give the pack " \
               "another name" in proc.stderr


# --- the outside attack of 2026-12-01 (attack-report-1) ----------------------------------------------

def _raw_controls(text: str) -> list[str]:
    """The control and direction characters printed raw (a terminal or a log viewer would act on them)."""
    return [ch for ch in text if (ord(ch) < 0x20 and ch != "\n") or 0x7f <= ord(ch) <= 0x9f
            or ch in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]


@pytest.mark.parametrize("content", ["---\n", "~\n", "null\n", "--- &a\n"])
def test_a_source_holding_no_document_is_an_error(tree, content):
    (tree / "sources" / "pix.yaml").write_text(content)
    empty = ["sources/pix.yaml:1:1: error: the file is empty (start from the example in docs/format.md)"]
    attack(tree, "check", expect=empty)
    proc = attack(tree, "build", expect=empty)
    assert "1 failed: sources/pix.yaml" in proc.stdout
    attack(tree, "build", "--check", expect=empty)
    assert json.loads(attack(tree, "build", "--format", "json").stdout)["errors"] == 1


def test_a_folder_or_a_file_that_cannot_be_removed_named_like_a_temporary_file_is_left_alone(tree):
    import subprocess

    (tree / "build" / ".x.worksheet-gen-4000000-abcdefgh.tmp").mkdir()
    locked = tree / "build" / ".y.worksheet-gen-4000000-abcdefgh.tmp"
    locked.write_text("cannot be removed")
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
        locked.unlink()  # a file system without the immutable flag: the folder alone is tried
    try:
        (tree / "sources" / "pix.yaml").write_text((SOURCES / "pix.yaml").read_text() + "\n# changed\n")
        attack(tree, "build", code=0, may_change={MANIFEST})
        attack(tree, "build", "--out", "build2", code=0, may_change={
            "build2/.worksheet-gen.json", "build2/pix-eleve.pdf", "build2/pix-corrige.pdf"})
    finally:
        subprocess.run(["chattr", "-i", str(locked)], capture_output=True)


def test_an_image_path_holding_a_null_character_is_an_error_with_the_others(tree):
    (tree / "sources" / "im.yaml").write_text(FICHE + '      - image: "images/\\u0000.png"\n      - image: nope.png\n')
    expect = ["sources/im.yaml:5:16: error: invisible character U+0000 in the text (delete it and retype the text "
              "around it)",
              "sources/im.yaml:5:16: error: the image name holds a null character (U+0000) (retype the file name)",
              "sources/im.yaml:6:16: error: the image 'nope.png' does not exist (check the name and the folder: the "
              "path is relative to the source file)"]
    attack(tree, "check", "sources/im.yaml", expect=expect)
    attack(tree, "build", "sources/im.yaml", expect=expect)


def test_control_and_direction_characters_are_escapes_in_every_format(tree):
    name = "e\x1b]0;title\x07\x1b[31m\u202eyaml.yaml"  # a name that is not read, said with its escapes
    (tree / "sources" / name).write_text(MINI)
    (tree / "sources" / "texte.yaml").write_text(FICHE + "      - question: Q ?\n        lignes: 3\n        answer: "
                                                 "« \u202e »\n")
    shown = "e\\x1b]0;title\\x07\\x1b[31m\\u202eyaml.yaml"
    expect = [f"sources/{shown}:1:1: error: the file name holds a control or invisible character, '\\x1b' (U+001B): "
              "it is not read (rename the file, with letters, digits, spaces and '-')",
              "sources/texte.yaml:6:9: error: unknown key 'lignes' (did you mean 'lines'?)",
              "sources/texte.yaml:7:19: error: invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) in the text (delete "
              "it and retype the text around it)"]
    for command in ("check", "build"):
        proc = attack(tree, command, expect=expect)
        assert _raw_controls(proc.stdout + proc.stderr) == []
        proc = attack(tree, command, "--format", "github")
        assert _raw_controls(proc.stdout + proc.stderr) == []
        assert f"::error file=sources/{shown},line=1,col=1::the file name holds a control" in proc.stdout
        proc = attack(tree, command, "--format", "json")
        assert _raw_controls(proc.stdout + proc.stderr) == []
        assert {p["file"] for p in json.loads(proc.stdout)["problems"]} == {f"sources/{name}", "sources/texte.yaml"}
    proc = attack(tree, "pack", "pix", "--copies", "1", "--name", "a\x1b[31m", code=2)
    assert _raw_controls(proc.stdout + proc.stderr) == [] and "'a\\x1b[31m'" in proc.stderr


def test_invisible_joiners_and_stacked_accents_are_errors(tree):
    (tree / "sources" / "accents.yaml").write_text(FICHE + "      - Un mot\u034fcoupé.\n      - Zalgo e"
                                                   + "\u0301" * 50 + ".\n      - Việt Nam, ễ.\n")
    attack(tree, "check", expect=[
        "sources/accents.yaml:5:15: error: invisible character U+034F (COMBINING GRAPHEME JOINER) in the text "
        "(delete it and retype the text around it)",
        "sources/accents.yaml:6:16: error: 50 accents are stacked on one letter, at most 4 (delete the extra accents "
        "and retype the letter)"])
    (tree / "sources" / "accents.yaml").unlink()
    (tree / "classe.csv").write_text("Nom;Prénom;Profil;Profile\nDupont;Léa;dys;\nMartin;Zoé;;large\n")
    attack(tree, "pack", "pix", "--roster", "classe.csv", expect=[
        "classe.csv:1:19: error: two columns are the Profil column: 'Profil' and 'Profile' (keep one of them, or "
        "rename the other)"])
    (tree / "classe.csv").write_text("Nom;Prénom\nDupont;Léa\u034f\nMartin;Zo" + "\u0301" * 9 + "é\n")
    attack(tree, "pack", "pix", "--roster", "classe.csv", expect=[
        "classe.csv:2:11: error: the character U+034F is invisible (delete it: it often comes from copying a name "
        "out of another program)",
        "classe.csv:3:10: error: 9 accents are stacked on one letter, at most 4 (delete the extra accents)"])
    attack(tree, "pack", "pix", "--copies", "2", "--class", "4e\u202eB", expect=[
        "--class:1:3: error: the character U+202E of the class is invisible (write it without it)"])


def test_a_character_the_profile_font_lacks_is_an_error_at_its_place_shown_as_an_escape(tree):
    """Attack 2, F8: U+F8FF (a glyph Lato has, Andika lacks) under --profile dys was reported at 1:1, printed raw,
    with a space before the closing parenthesis."""
    (tree / "sources" / "pomme.yaml").write_text("title: Pomme \uf8ff\n" + FICHE[len("title: Essai\n"):]
                                                 + '      - Un texte\n      - "Voici \\uF8FF et \u0149"\n')
    lacks = "error: the character {} cannot be printed with the font of the 'dys' profile (Andika) (replace it with " \
            "plain text, or build with another profile)"
    expect = ["sources/pomme.yaml:1:14: " + lacks.format("'\\uf8ff' (U+F8FF)"),
              "sources/pomme.yaml:6:26: " + lacks.format("'\u0149' (U+0149 LATIN SMALL LETTER N PRECEDED BY "
                                                         "APOSTROPHE)")]  # the escape \\uF8FF of line 6: said once
    attack(tree, "check", "--profile", "dys", expect=expect)
    proc = attack(tree, "build", "--profile", "dys", "sources/pomme.yaml", expect=expect, may_change={MANIFEST})
    assert "\uf8ff" not in proc.stdout + proc.stderr


def test_a_key_holding_a_line_separator_is_quoted_with_it_escaped(tree):
    """Attack 2, F8: U+2028 at the start of a key was dropped from the quoted key, not shown."""
    (tree / "sources" / "cle.yaml").write_text(FICHE + '      - question: Q ?\n        "\\u2028::warning::x": 1\n'
                                               '        "a\\x85b": 2\n        answer: R\n')
    allowed = "(allowed here: question, type, lines, ruling, answer, explain, note)"
    expect = [f"sources/cle.yaml:6:9: error: unknown key '\\u2028::warning::x' {allowed}",
              f"sources/cle.yaml:7:9: error: unknown key 'a\\x85b' {allowed}"]
    for command in ("check", "build"):
        proc = attack(tree, command, expect=expect)
        assert _raw_controls(proc.stdout + proc.stderr) == []


PIX = "../sources/pix.yaml"
PDFS = {"build/pix-eleve.pdf", "build/pix-corrige.pdf"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_renders_and_compares_whatever_the_manifest_records(tree):
    """A student sheet replaced by the corrigé, with the manifest's hash of it forged to match."""
    shutil.copy(tree / "build" / "pix-corrige.pdf", tree / "build" / "pix-eleve.pdf")
    tamper(tree, lambda d: d["entries"][PIX]["outputs"].update({"pix-eleve.pdf": _sha(tree / "build" / "pix-eleve.pdf")}))
    proc = attack(tree, "build", "--check", expect=stale("is out of date", "pix-eleve.pdf"))
    assert "would change build/pix-eleve.pdf" in proc.stdout.splitlines()
    assert "1 source: 0 up to date, 1 rendered; 1 PDF out of date" in proc.stdout
    assert json.loads(attack(tree, "build", "--check", "--format", "json").stdout)["stale"] == ["build/pix-eleve.pdf"]
    attack(tree, "build", "--force", code=0, may_change={MANIFEST, "build/pix-eleve.pdf"})
    assert (tree / "build" / "pix-eleve.pdf").read_bytes() != (tree / "build" / "pix-corrige.pdf").read_bytes()
    attack(tree, "build", "--check", code=0)


def test_an_entry_that_leaves_out_or_adds_an_output_is_never_up_to_date(tree):
    (tree / "build" / "pix-eleve.pdf").unlink()
    tamper(tree, lambda d: d["entries"][PIX]["outputs"].pop("pix-eleve.pdf"))
    proc = attack(tree, "build", "--check", expect=stale("is missing", "pix-eleve.pdf"))
    assert "missing build/pix-eleve.pdf" in proc.stdout.splitlines()
    proc = attack(tree, "build", code=0, may_change={MANIFEST, "build/pix-eleve.pdf"})
    assert "wrote build/pix-eleve.pdf" in proc.stdout.splitlines()
    tamper(tree, lambda d: d["entries"][PIX]["outputs"].update({"pix-eleve-dys.pdf": "0" * 64}))
    proc = attack(tree, "build", code=0, may_change={MANIFEST})
    assert "1 source: 0 up to date, 1 rendered" in proc.stdout
    pix = tree / "sources" / "pix.yaml"  # a fiche that asks for its form: an entry without it is not up to date
    pix.write_text(pix.read_text().replace("title:", "form: oui  # the fillable PDF too\ntitle:", 1))
    attack(tree, "build", code=0, may_change={MANIFEST, "build/pix-formulaire.pdf"})
    (tree / "build" / "pix-formulaire.pdf").unlink()
    tamper(tree, lambda d: d["entries"][PIX]["outputs"].pop("pix-formulaire.pdf"))
    proc = attack(tree, "build", code=0, may_change={MANIFEST, "build/pix-formulaire.pdf"})
    assert "wrote build/pix-formulaire.pdf" in proc.stdout.splitlines()
    attack(tree, "build", code=0)  # and now up to date, without rendering
    assert "1 up to date, 0 rendered" in attack(tree, "build", code=0).stdout


def test_warnings_a_manifest_records_cannot_be_errors_or_stand_anywhere(tree):
    (tree / "sources" / "w.yaml").write_text(FICHE + "      - question: Q ?\n")
    real = ["sources/w.yaml:5:9: warning: this question has no answer: the corrigé leaves its lines empty (add "
            "'answer:')"]
    attack(tree, "build", code=0, expect=real, may_change={MANIFEST, "build/w-eleve.pdf", "build/w-corrige.pdf"})
    forgeries = [{"severity": "error", "message": "pwned"}, {"line": 10**30, "col": -5},
                 {"path": "../outside/secret.yaml"}, {"message": "x" * 100_000}]
    for forged in forgeries:
        tamper(tree, lambda d: d["entries"]["../sources/w.yaml"]["warnings"][0].update(forged))
        attack(tree, "build", code=0, expect=real, may_change={MANIFEST})
        assert "pwned" not in (tree / MANIFEST).read_text() and "x" * 1000 not in (tree / MANIFEST).read_text()
        attack(tree, "build", "--check", code=0, expect=real)


@pytest.mark.parametrize("count", ["%(x)s {0} \x1b[31mRED\u202e", "1", 1.5, -1, 10**12, [1, 2]])
def test_a_count_of_a_recorded_warning_must_be_a_whole_number(tree, count):
    """A forged manifest kept a text where the message takes a count: it was printed at every build (review 3a)."""
    long = " ".join(["un texte bien trop long pour une ligne"] * 8)
    (tree / "sources" / "w.yaml").write_text(FICHE + f"      - question: Q ?\n        lines: 1\n        answer: {long}\n")
    real = ["sources/w.yaml:7:17: warning: the answer needs more room than the 1 line the student has: the "
            "corrigé prints it smaller"]
    attack(tree, "build", code=0, expect=real, may_change={MANIFEST, "build/w-eleve.pdf", "build/w-corrige.pdf"})
    tamper(tree, lambda d: d["entries"]["../sources/w.yaml"]["warnings"][0]["message"]["args"].update(n=count))
    forged = ["build/.worksheet-gen.json:1:1: warning: the build manifest is not as worksheet-gen writes it: everything "
              "is rebuilt (it was edited or damaged; the build writes a new one)"]
    attack(tree, "build", "--check", code=0, expect=forged + real)
    proc = attack(tree, "build", code=0, expect=forged + real, may_change={MANIFEST})
    assert "RED" not in proc.stdout + proc.stderr and "2 sources: 0 up to date, 2 rendered" in proc.stdout
    assert "2 sources: 2 up to date, 0 rendered" in attack(tree, "build", code=0, expect=real).stdout


def test_a_manifest_entry_naming_files_outside_its_folder_or_spelled_twice_is_never_up_to_date(tree):
    secret = tree / "outside" / "secret.yaml"
    spellings = {f"../sources/{'./' * n}pix.yaml": _sha(tree / "sources" / "pix.yaml") for n in range(1, 40)}
    for deps in ({"../outside/secret.yaml": _sha(secret)}, {"../outside/secret.yaml": "0" * 64},
                 {str(secret): _sha(secret)}, {"/dev/zero": "0" * 64}, spellings,
                 {"../sources/../sources/pix.yaml": _sha(tree / "sources" / "pix.yaml")}):
        tamper(tree, lambda d: d["entries"][PIX]["deps"].update(deps))
        proc = attack(tree, "build", code=0, may_change={MANIFEST})  # the same answer, whatever hash is guessed
        assert "1 source: 0 up to date, 1 rendered; 0 PDFs written" in proc.stdout
        assert "1 source: 1 up to date, 0 rendered" in attack(tree, "build", code=0).stdout


def test_no_link_is_followed_in_the_output_folder(tree):
    outside = tree / "outside"
    shutil.copy(tree / MANIFEST, outside / "manifest.json")
    (tree / MANIFEST).unlink()
    (tree / MANIFEST).symlink_to(outside / "manifest.json")
    shutil.copy(tree / "build" / "pix-eleve.pdf", outside / "eleve.pdf")
    (tree / "build" / "pix-eleve.pdf").unlink()
    (tree / "build" / "pix-eleve.pdf").symlink_to(outside / "eleve.pdf")  # the right bytes, through a link
    shutil.copy(tree / "build" / "pix-corrige.pdf", outside / "old-eleve.pdf")
    (tree / "build" / "old-eleve.pdf").symlink_to(outside / "old-eleve.pdf")
    tamper_target = json.loads((outside / "manifest.json").read_text())
    tamper_target["entries"]["../sources/old.yaml"] = {
        "source": "../sources/old.yaml", "fingerprint": "x", "deps": {}, "warnings": [],
        "outputs": {"old-eleve.pdf": _sha(outside / "old-eleve.pdf")}}
    (outside / "manifest.json").write_text(json.dumps(tamper_target))
    link = ["build/.worksheet-gen.json:1:1: warning: the build manifest is a link to another file: it is not read, "
            "everything is rebuilt (the build writes its own manifest in its place)"]
    proc = attack(tree, "build", "--check", expect=link + stale("is out of date", "pix-eleve.pdf"))
    assert "would change build/pix-eleve.pdf" in proc.stdout.splitlines()
    attack(tree, "build", code=0, expect=link, may_change={MANIFEST, "build/pix-eleve.pdf"})
    assert not (tree / MANIFEST).is_symlink() and not (tree / "build" / "pix-eleve.pdf").is_symlink()
    assert (tree / "build" / "old-eleve.pdf").is_symlink()  # a link is never what the build wrote: left alone
    attack(tree, "build", "--check", code=0)


def test_a_roster_named_like_a_pdf_the_build_writes_is_never_written_over(tree):
    src = tree / "sources"
    (src / "pack-classe.pdf").write_text("Nom;Prénom\nDUPONT;Léa\n")  # a CSV named like the pack
    (src / "classe.pack.yaml").write_text("fiches: [pix]\nroster: pack-classe.pdf\n")
    named = ["sources/classe.pack.yaml:2:9: error: the roster 'pack-classe.pdf' has the name of a file the build "
             "writes (rename the class list, e.g. classe.csv)"]
    attack(tree, "check", expect=named)
    attack(tree, "build", "--out", "build", expect=named, may_change={
        "build/.worksheet-gen.json", "build/pix-eleve.pdf", "build/pix-corrige.pdf"})
    (src / "eleves.csv").symlink_to("pack-classe.pdf")  # a link inside the folder, to the same file
    (src / "classe.pack.yaml").write_text("fiches: [pix]\nroster: eleves.csv\n")
    for out in ("sources", "sources/../sources"):  # the PDFs among the sources: refused before anything is read
        proc = attack(tree, "build", "--out", out, code=2)
        assert f"Error: Invalid value for '--out': '{out}' is the sources folder" in proc.stderr


def test_a_fiche_named_on_the_command_line_is_never_read_through_a_link_out_of_the_sources(tree):
    (tree / "sources" / "sec.yaml").symlink_to(tree / "outside" / "secret.yaml")
    (tree / "sources" / "tube.yaml").unlink(missing_ok=True)
    os.mkfifo(tree / "sources" / "tube.yaml")
    link = ("sources/sec.yaml:1:1: this file is a link to a file outside the sources folder: it is not read (copy the "
            "file into the sources folder, or name it on the command line)")
    proc = attack(tree, "pack", "sec", "--copies", "1", code=2)
    assert f"Error: {link}" in proc.stderr
    (tree / "x.pdf").write_bytes(b"%PDF-1.7\n")  # a file handed in that exists: a missing one is wrong usage (exit 2)
    attack(tree, "collect", "sec", "x.pdf", expect=[link.replace(": this file", ": error: this file")])
    proc = attack(tree, "pack", "tube", "--copies", "1", code=2)
    assert "Error: sources/tube.yaml:1:1: not a regular file (a folder, a pipe or a device): it is not read" in proc.stderr
    attack(tree, "collect", "tube", "x.pdf", expect=[
        "sources/tube.yaml:1:1: error: not a regular file (a folder, a pipe or a device): it is not read (rename it or "
        "move it out of the sources folder)"])


def test_a_fiche_name_that_leads_out_of_the_sources_is_not_read_and_not_called_a_link(tree):
    """Attack 2, F8: collect ../../outside2/evil (a regular file, reached by '..') was said to be a link."""
    (tree / "x.pdf").write_bytes(b"%PDF-1.7\n")
    outside = ("outside/secret.yaml:1:1: {}this file is outside the sources folder: it is not read (name a fiche of "
               "the sources folder by its file name without .yaml, or give the path of its source (….yaml))")
    attack(tree, "collect", "../outside/secret", "x.pdf", expect=[outside.format("error: ")])
    proc = attack(tree, "pack", "../outside/secret", "--copies", "1", code=2)
    assert f"Error: {outside.format('')}" in proc.stderr and "link" not in proc.stderr


# --- collect: what it reads and where it writes ---------------------------------------------------

@pytest.fixture
def rendus(tree, pix_form) -> Path:
    """rendus/ in the tree, holding one student's form (filled with a name) as Martin.pdf."""
    from formtools import fill

    folder = tree / "rendus"
    folder.mkdir()
    fill(pix_form / "pix-formulaire.pdf", {"nom": "MARTIN", "prenom": "Léa"}, folder / "Martin.pdf")
    return folder


def test_collect_reads_only_the_regular_files_of_a_folder_never_a_pipe_a_device_or_a_link_out(tree, rendus):
    os.mkfifo(rendus / "f.pdf")  # once waited on for ever
    os.mkfifo(rendus / "g.zip")
    (rendus / "zero.pdf").symlink_to("/dev/zero")  # once read without end (5 GB in 30 s)
    (rendus / "s.pdf").symlink_to(tree / "outside" / "secret.yaml")  # once read, and said 'is not a PDF'
    (rendus / "copie.pdf").symlink_to("Martin.pdf")  # a link inside the folder is read
    pipe = "error: is not a regular file (a pipe, a device or a socket): it is not read (copy the form itself into the " \
           "folder)"
    out = "error: is a link to a file outside the folder: it is not read (copy the form itself into the folder)"
    twice = "warning: the same student as rendus/Martin.pdf ('MARTIN Léa'): both rows are kept (delete from the " \
            "table the row of the copy you do not mark)"
    proc = attack(tree, "collect", "pix", "rendus", "--out", "-", expect=[f"rendus/copie.pdf: {twice}",
        f"rendus/f.pdf: {pipe}", f"rendus/g.zip: {pipe}", f"rendus/s.pdf: {out}", f"rendus/zero.pdf: {out}"])
    assert proc.stdout.count("MARTIN") == 2
    attack(tree, "collect", "pix", "rendus/f.pdf", "rendus/zero.pdf", "--out", "-", expect=[
        f"rendus/f.pdf: {pipe}", f"rendus/zero.pdf: {pipe}"])


def test_collect_never_writes_its_table_over_a_form_or_a_source(tree, rendus):
    (tree / "sources" / "classe.csv").write_text("Nom;Prénom\nMARTIN;Léa\n")
    refused = "error: collect writes its table only to a .csv or .json file, never over a form, an archive or a " \
              "source (give --out a name such as pix-reponses.csv)"
    attack(tree, "collect", "pix", "rendus/", "--out", "rendus/Martin.pdf", expect=[f"rendus/Martin.pdf: {refused}"])
    attack(tree, "collect", "pix", "rendus/", "--out", "sources/pix.yaml", expect=[f"sources/pix.yaml: {refused}"])
    attack(tree, "collect", "pix", "rendus/", "--out", "sources/classe.csv", expect=[
        "sources/classe.csv: error: is a file of the sources folder: the table is not written over it (give --out a "
        "name outside the sources folder, such as pix-reponses.csv)"])
    shutil.copy(tree / "sources" / "classe.csv", rendus / "liste.csv")
    attack(tree, "collect", "pix", "rendus/Martin.pdf", "rendus/liste.csv", "--out", "rendus/liste.csv", expect=[
        "rendus/liste.csv: error: is one of the files handed in: the table is not written over it (give --out "
        "another name, such as pix-reponses.csv)"])
    proc = attack(tree, "collect", "pix", "rendus/", "--out", "rendus/pix-reponses.csv", code=1, expect=[
        "rendus/liste.csv: error: is not a PDF (ask the student for the PDF form itself, saved after filling it in)"],
        may_change={"rendus/pix-reponses.csv"})
    assert "MARTIN" in (rendus / "pix-reponses.csv").read_text(encoding="utf-8-sig")
    assert "wrote rendus/pix-reponses.csv: 1 form read, 1 file with a problem" in proc.stdout


def test_collect_never_writes_its_table_over_the_manifest(tree, rendus):
    """Attack 2, F5: --out build/.worksheet-gen.json replaced the manifest with the students' answers."""
    said = "error: is the build manifest: the table is not written over it (give --out another name, such as " \
           "pix-reponses.csv)"
    for out in (MANIFEST, "ailleurs/.worksheet-gen.json"):
        attack(tree, "collect", "pix", "rendus/", "--out", out, expect=[f"{out}: {said}"])
    for out in ("build/pix.pdf", "build/.pix-eleve.pdf.worksheet-gen-1-x.tmp"):  # the build's other files
        attack(tree, "collect", "pix", "rendus/", "--out", out, expect=[
            f"{out}: error: collect writes its table only to a .csv or .json file, never over a form, an archive or a "
            "source (give --out a name such as pix-reponses.csv)"])


def test_collect_onto_a_full_disk_is_an_error_at_the_table(tree, rendus):
    attack(tree, "collect", "pix", "rendus/", "--out", "t.csv", file_size=100, expect=[
        "t.csv: error: cannot write the file: File too large (check the free space and the permissions of its "
        "folder)"])


def _forged_name(form: Path, out: Path, kind: str) -> Path:
    """The form with the value of its Nom field replaced by a dictionary, a stream or a reference to itself."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=form)
    field = next(f.get_object() for f in writer.root_object["/AcroForm"]["/Fields"] if f.get_object()["/T"] == "nom")
    if kind == "dictionary":
        field[NameObject("/V")] = DictionaryObject({NameObject("/A"): TextStringObject("x")})
    elif kind == "stream":
        stream = DecodedStreamObject()
        stream.set_data(b"MARTIN")
        field[NameObject("/V")] = writer._add_object(stream)
    else:
        field[NameObject("/V")] = writer._add_object(field)  # the field itself
    writer.write(out)
    return out


def test_a_form_field_holding_no_text_is_a_problem_of_that_file_not_a_python_repr(tree, rendus, pix_form):
    for kind in ("dictionary", "stream", "self"):
        _forged_name(pix_form / "pix-formulaire.pdf", rendus / f"{kind}.pdf", kind)
    odd = "error: has a field 'nom' whose value is not a text: the form was altered (ask the student to fill in a new " \
          "copy of the form)"
    proc = attack(tree, "collect", "pix", "rendus", "--out", "-", expect=[
        f"rendus/{kind}.pdf: {odd}" for kind in ("dictionary", "self", "stream")])
    assert "MARTIN" in proc.stdout and "{" not in proc.stdout and "IndirectObject" not in proc.stdout


def _form_of(fields: int) -> bytes:
    """A one-page PDF whose form has that many text fields, written directly (pypdf takes minutes for 200,000)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
               b"<< /Fields [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(fields)) + b"] >>"]
    objects += [b"<< /FT /Tx /T (f%d) /V (x) >>" % i for i in range(fields)]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return bytes(out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))


def test_a_form_of_too_many_fields_is_said_so_not_damaged(tree, rendus):
    """Attack 2, F8: a PDF of 200,000 fields was 'damaged: it cannot be read as a PDF' (pypdf's bound on an array),
    and one of 6,000 was read in part; docs/forms.md bounds a form at 5,000 fields."""
    (rendus / "enorme.pdf").write_bytes(_form_of(200_000))
    (rendus / "six-mille.pdf").write_bytes(_form_of(6_000))
    many = "error: has too many form fields or parts (a form has at most 5000 fields): the form was altered (ask " \
           "the student for a new copy of the form, filled in)"
    proc = attack(tree, "collect", "pix", "rendus", "--out", "-", expect=[
        f"rendus/enorme.pdf: {many}", f"rendus/six-mille.pdf: {many}"])
    assert "MARTIN" in proc.stdout


def test_a_radio_value_that_is_none_of_its_options_is_an_altered_form_not_an_answer(tree, rendus, pix_form):
    """Attack 2, F6: /V /=1+1 on a radio button was written in the table as the student's answer."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    for name, state in (("formula", "/=1+1"), ("seven", "/7")):
        writer = PdfWriter(clone_from=rendus / "Martin.pdf")
        field = next(f.get_object() for f in writer.root_object["/AcroForm"]["/Fields"]
                     if f.get_object()["/T"] == ("a1_q8" if name == "formula" else "a2_q4"))
        field[NameObject("/V")] = NameObject(state)
        writer.write(rendus / f"{name}.pdf")
    odd = "whose value is not one of its options: the form was altered (ask the student to fill in a new copy of " \
          "the form)"
    proc = attack(tree, "collect", "pix", "rendus", "--out", "-", expect=[
        f"rendus/formula.pdf: error: has a field 'a1_q8' {odd}", f"rendus/seven.pdf: error: has a field 'a2_q4' {odd}"])
    assert "=1+1" not in proc.stdout and proc.stdout.count("MARTIN") == 1  # the untouched form is read


def _forged_fiche(form: Path, out: Path, name: str) -> Path:
    """The form with its hidden fingerprint naming another fiche, name, as a student could write it."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=form)
    field = next(f.get_object() for f in writer.root_object["/AcroForm"]["/Fields"]
                 if f.get_object()["/T"] == "worksheet_gen")
    field[NameObject("/V")] = TextStringObject(f"{name} {field['/V'].split(' ')[-1]}")
    writer.write(out)
    return out


def test_the_hint_to_collect_another_fiche_never_runs_what_the_student_wrote(tree, rendus, pix_form):
    """Attack 2, F4: a fiche name read from the student's file was pasted in a command between bare quotes:
    copied into a shell, "x';touch${IFS}PWNED;#" ran touch."""
    import shlex

    pwned = tree / "PWNED"
    evil = "x';touch${IFS}PWNED;#"  # run in tree
    shutil.rmtree(rendus)
    rendus.mkdir()
    _forged_fiche(pix_form / "pix-formulaire.pdf", rendus / "a.pdf", evil)
    proc = attack(tree, "collect", "pix", "rendus/", "--out", "t.csv", may_change={"t.csv"}, expect=[
        f"rendus/a.pdf: error: is the form of another fiche, '{evil}' (collect it with that fiche: "
        f"worksheet-gen collect {shlex.quote(evil)} …)"])
    command = re.search(r"\(collect it with that fiche: (.*) …\)", proc.stderr).group(1)
    assert shlex.split(command) == ["worksheet-gen", "collect", evil]  # one argument, whatever a shell does
    import subprocess

    subprocess.run(["sh", "-c", command.replace("worksheet-gen", "true", 1)], check=True, cwd=tree)
    assert not pwned.exists()
    french = cli("collect", "pix", "rendus/", "--out", "-", cwd=tree, env={**os.environ, "LANG": "fr_FR.UTF-8"})
    said = re.search(fr(r"rendus/a\.pdf: erreur: est le formulaire d'une autre fiche, « (.*) » \(rassemblez-le "
                        r"avec cette fiche : (.*) …\)$"), french.stderr, re.M)
    assert said is not None and said.group(1) == evil, french.stderr  # French quotes around the name, none in the
    assert shlex.split(said.group(2)) == ["worksheet-gen", "collect", evil]  # command: the shell's own quoting
    for name in ("--out=/etc/x", "x\x1b[2Jy", "a" * 41):  # an option, a control character, a name cut short
        _forged_fiche(pix_form / "pix-formulaire.pdf", rendus / "a.pdf", name)
        proc = cli("collect", "pix", "rendus/", "--out", "-", cwd=tree)
        assert proc.returncode == 1 and "(collect it with that fiche)" in proc.stderr, proc.stderr
        assert "worksheet-gen collect" not in proc.stderr


def test_an_aes_encrypted_form_is_said_to_be_one(tree, rendus):
    from conftest import need

    qpdf = need("qpdf")
    import subprocess

    for args, name in ((["user", "owner", "256"], "u256.pdf"),
                       (["", "owner", "128", "--use-aes=y", "--modify=none"], "o128.pdf")):
        subprocess.run([qpdf, "--encrypt", *args, "--", str(rendus / "Martin.pdf"), str(rendus / name)], check=True)
    aes = "error: is encrypted with AES, which this installation of worksheet-gen cannot read (ask the student to " \
          "save the form again without protection, or install the Python package 'cryptography' next to " \
          "worksheet-gen)"
    if importlib.util.find_spec("cryptography") is None:  # as the tool is installed: it does not require it
        attack(tree, "collect", "pix", "rendus", "--out", "-", expect=[f"rendus/o128.pdf: {aes}",
                                                                       f"rendus/u256.pdf: {aes}"])
    else:  # with it, what the docs say of any protected form
        proc = attack(tree, "collect", "pix", "rendus", "--out", "-", expect=[
            "rendus/u256.pdf: error: is protected by a password (ask the student to save the form again without "
            "a password)"])
        assert proc.stdout.count("MARTIN") == 2


# --- messages: path:line:col: error: ------------------------------------------------------------------

def test_an_output_folder_that_is_a_file_is_said_before_anything_is_rendered(tree):
    blocked = "error: the output folder cannot be made: a file stands in its place (give --out a folder, or a name " \
              "that is free)"
    null = "/dev/null"  # an absolute path outside the working folder is said as given
    # wrong usage, said by the command line before anything is read (tests/test_places.py); the build says it too,
    # of a folder that a file took since (the lines it reads)
    for args in (["build", "--out", "/dev/null"], ["pack", "pix", "--copies", "2", "--out", "/dev/null"]):
        proc = attack(tree, *args, code=2)
        assert f"Error: Invalid value for '--out': '{null}' is a file, where a folder is needed" in proc.stderr
    proc = attack(tree, "build", "--out", "sources/pix.yaml/x", code=2)
    assert "Error: Invalid value for '--out': 'sources/pix.yaml' is a file" in proc.stderr
    from worksheet_gen import build, sources

    result = build.build([tree / "sources" / "pix.yaml"], tree / "sources" / "pix.yaml" / "x", root=None, jobs=1)
    assert [str(p) for p in result.problems] == [f"{sources.display(tree / 'sources' / 'pix.yaml')}: {blocked}"]
    assert result.rendered == 0 and result.written == []  # once rendered, then 'File exists'


def test_a_roster_that_is_the_folder_of_the_pack_file_is_said_to_be_a_folder(tree):
    """Attack 2, F8: 'roster: .' was said to be outside the folder of the pack file, which it is."""
    (tree / "sources" / "c.pack.yaml").write_text("fiches: [pix]\nroster: .\n")
    attack(tree, "check", expect=["sources/c.pack.yaml:2:9: error: the roster '.' is not a regular file (a folder, "
                                  "a pipe or a device cannot be read) (give the CSV file itself)"])


def test_a_roster_that_is_a_pipe_is_said_so_at_its_line_in_the_pack_file(tree):
    os.mkfifo(tree / "sources" / "r.csv")
    (tree / "sources" / "c.pack.yaml").write_text("fiches: [pix]\nroster: r.csv\n")
    attack(tree, "check", expect=["sources/c.pack.yaml:2:9: error: the roster 'r.csv' is not a regular file (a folder, "
                                  "a pipe or a device cannot be read) (give the CSV file itself)"])


# --- bounded work: items, pages, packs ----------------------------------------------------------------

def test_a_fiche_of_more_than_1000_items_is_an_error_at_the_first_past_them(tree):
    """The report's 1 MiB source of 31,500 links took 448 s and 748 MB to build 3,938 pages."""
    links = "".join(f"      - link: https://e.fr/{i}\n" for i in range(31_500))
    (tree / "sources" / "liens.yaml").write_text(FICHE + links)
    past_the_items(tree, "sources/liens.yaml", "1005:9")  # about 2 s; the limit only catches a return of the 448 s


def past_the_items(tree: Path, source: str, where: str) -> None:
    """check and build report the item past the 1000th at where, and the build gives up within a minute."""
    past = f"{source}:{where}: error: a fiche holds at most 1000 items (texts, questions, pictures, links…): " \
           "this one is past it (split the fiche into several)"
    attack(tree, "check", expect=[past])
    start = time.monotonic()
    proc = attack(tree, "build", expect=[past], may_change={MANIFEST})
    assert f"0 PDFs written; 1 failed: {source}" in proc.stdout
    assert time.monotonic() - start < 60


MARKS = "**a** *b* `c` [d](https://e.fr) "  # 8 marks of formatting: ** twice, * twice, ` twice, ]( and ://
PAST_THE_MARKS = "error: a fiche holds at most 10000 marks of formatting (bold, italic, code, links, « », ; : ! ?, " \
                 "1er…): this one is past it (split the fiche into several: each mark costs the layout about as " \
                 "much as a line of text)"


def test_a_fiche_dense_with_marks_is_an_error_at_the_mark_past_the_limit(tree):
    """Attack 2, F7: 40 paragraphs of bold, italic, code and links (768 KB) passed check, then took 59 s of CPU to
    build 31 pages, where plain text of that size reaches the 100-page limit in 2 s."""
    (tree / "sources" / "marks.yaml").write_text(FICHE + f'      - "{(MARKS * 600)[:19900]}"\n' * 40)
    past = f"sources/marks.yaml:7:1610: {PAST_THE_MARKS}"  # the first ** of the 51st group of the third paragraph
    attack(tree, "check", expect=[past])
    proc = attack(tree, "build", expect=[past], may_change={MANIFEST})
    assert "0 PDFs written; 1 failed: sources/marks.yaml" in proc.stdout


def test_ten_thousand_marks_pass_and_one_more_is_past_them(tree):
    """The limit counts each mark once, across the texts of the fiche (two paragraphs of 5,000 here)."""
    text = (MARKS * 625).strip()
    (tree / "sources" / "marks.yaml").write_text(FICHE + f"      - '{text}'\n      - |\n        {text}\n")
    attack(tree, "check", code=0)
    (tree / "sources" / "marks.yaml").write_text(FICHE + f"      - '{text}'\n      - |\n        {text}\n\n        Soit 10 %.\n")
    attack(tree, "check", expect=[f"sources/marks.yaml:9:17: {PAST_THE_MARKS}"])


def table(sections: int) -> str:
    """A fiche of one table of that many sections of 40 lines each (a page and a half each), answered."""
    return FICHE + "      - table: T\n        sections:\n" + "".join(
        f"          - {{title: s{i}, lines: 40, answer: [x]}}\n" for i in range(sections))


def test_a_table_of_12000_sections_is_an_error_past_the_1000th_item(tree):
    """Attack 2, F2: 12,000 sections passed check, then held a build for more than 1500 s."""
    (tree / "sources" / "t.yaml").write_text(table(12_000))
    past_the_items(tree, "sources/t.yaml", "1006:13")  # about 2 s; the limit only catches a return of the 1500 s


def test_a_long_table_stops_at_the_page_limit_in_the_time_of_100_pages(tmp_path):
    """Attack 2, F2: the table was measured in full on each page it was broken across, so the time to reach
    the 100-page limit grew with its sections (990 sections: 38 s of CPU). Now a page costs its own rows."""
    from worksheet_gen.render import TooLong, render
    from worksheet_gen.sources import load_fiche

    def cost(sections: int) -> float:
        path = tmp_path / f"t{sections}.yaml"
        path.write_text(table(sections))
        fiche, problems = load_fiche(path)
        assert fiche is not None, problems
        start = time.process_time()  # CPU time: the wall clock of a busy machine counts the waits for a core
        with pytest.raises(TooLong):
            render(fiche, answers=False)
        return time.process_time() - start

    small, large = cost(100), cost(990)  # both pass 100 pages: the rendering stops at the 101st
    # Making the story of the sections stays linear (about 3 times here); measured in full on every page, the
    # table took 13 times as long (1.4 s and 18 s of CPU)
    assert large < 6 * small, (small, large)


LONG = FICHE + "".join(f"      - question: Question {i} ?\n        lines: 40\n        answer: R\n" for i in range(110))


def test_a_fiche_of_more_than_100_pages_stops_at_the_limit(tree):
    (tree / "sources" / "long.yaml").write_text(LONG)
    too_long = "sources/long.yaml:1:1: error: this fiche would print more than 100 pages, at most 100 (split it into " \
               "several fiches, or give fewer lines to its questions)"
    attack(tree, "build", expect=[too_long], may_change={MANIFEST})
    attack(tree, "pack", "long", "--copies", "1", expect=[too_long])


def test_a_pack_of_more_than_20000_pages_is_refused_before_it_is_assembled(tree):
    """The report's pack of 500 copies of a 2,406-page fiche took 440 s and 5 GB for 1.2 million pages."""
    from pypdf import PdfReader

    (tree / "sources" / "q80.yaml").write_text(FICHE + "".join(
        f"      - question: Question {i} ?\n        lines: 40\n        answer: R\n" for i in range(78)))
    cli("build", "sources/q80.yaml", "--out", str(tree.parent / "q80"), cwd=tree, check=True)
    pages = len(PdfReader(tree.parent / "q80" / "q80-eleve.pdf").pages)
    assert 300 * pages > 20_000
    attack(tree, "pack", "q80", "--copies", "500", expect=[
        f"--copies:1:1: error: the pack would have at least {500 * pages} pages, at most 20000 (make several packs, of "
        "fewer copies or fewer fiches)"])
    (tree / "sources" / "q.pack.yaml").write_text("fiches: [q80]\ncopies: 300\n")
    attack(tree, "build", may_change={MANIFEST, "build/q80-eleve.pdf", "build/q80-corrige.pdf"}, expect=[
        f"sources/q.pack.yaml:2:9: error: the pack would have at least {300 * pages} pages, at most 20000 (make "
        "several packs, of fewer copies or fewer fiches)"])


# --- `schema --out` writes only a new file or a schema it wrote ---------------------------------------------------

def test_schema_out_never_writes_over_a_file_it_did_not_write(tree):
    """Review 3a: `schema --out sources/pix.yaml` replaced the fiche with the schema (exit 0), as it did a roster or
    any notes.txt; a pipe there hung (it was read first); a link (/dev/stdout) was replaced by a regular file."""
    from worksheet_gen.schema import SCHEMA_PATH

    (tree / "sources" / "classe.csv").write_text("Nom;Prénom\nMARTIN;Léa\n")
    (tree / "notes.txt").write_text("mes notes\n")
    (tree / "autre.json").write_text('{"$id": "urn:autre", "title": "a schema of another tool"}')
    (tree / "lien").symlink_to("notes.txt")
    (tree / "sortie").symlink_to("/dev/null")
    os.mkfifo(tree / "tube")
    new = "(give the name of a new file, such as fiche.schema.json)"
    for out in ("sources/pix.yaml", "sources/classe.csv", "notes.txt", "autre.json", MANIFEST, "build/pix-eleve.pdf"):
        attack(tree, "schema", "--out", out, expect=[
            f"{out}: error: already exists and is not a schema worksheet-gen wrote: it is not written over {new}"])
    for out in ("lien", "sortie"):
        attack(tree, "schema", "--out", out, expect=[
            f"{out}: error: is a link: the schema is not written through it, nor over it {new}"])
    attack(tree, "schema", "--out", "tube", expect=[
        f"tube: error: is not a regular file (a pipe, a device or a socket): the schema is not written there {new}"])
    folder = "sources: error: is a folder: the schema is written to a file (give a file name, such as " \
             "sources/fiche.schema.json)"
    attack(tree, "schema", "--out", "sources", expect=[folder])
    proc = attack(tree, "--lang", "fr", "schema", "--out", "sources")
    assert proc.stderr == fr("sources: erreur: est un dossier : le schéma s'écrit dans un fichier (donnez un nom "
                             "de fichier, comme sources/fiche.schema.json)\n"), proc.stderr
    proc = attack(tree, "--lang", "fr", "schema", "--out", "notes.txt")
    assert proc.stderr == fr("notes.txt: erreur: existe déjà et n'est pas un schéma écrit par worksheet-gen : il "
                             "n'est pas remplacé (donnez le nom d'un nouveau fichier, comme fiche.schema.json)\n"), \
        proc.stderr
    # a new file, then the same file again once an older worksheet-gen's schema stands there
    proc = attack(tree, "schema", "--out", "editeur/fiche.schema.json", code=0, may_change={"editeur/fiche.schema.json"})
    assert proc.stdout == "wrote editeur/fiche.schema.json\n"
    copy = tree / "editeur" / "fiche.schema.json"
    assert copy.read_bytes() == SCHEMA_PATH.read_bytes()
    copy.write_text('{"$id": "https://worksheet-gen.example/schema/fiche.schema.json", "title": "format v1"}')
    attack(tree, "schema", "--out", "editeur/fiche.schema.json", code=0, may_change={"editeur/fiche.schema.json"})
    assert copy.read_bytes() == SCHEMA_PATH.read_bytes()
    assert attack(tree, "schema", "--out", "editeur/fiche.schema.json", code=0).stdout == ""  # it holds it already


# --- names holding control, invisible or direction characters ----------------------------------------------------

@pytest.mark.parametrize("name, shown, char", [
    ("a\nb", "a\\nb", "'\\n' (U+000A)"), ("a\x1bb", "a\\x1bb", "'\\x1b' (U+001B)"),
    ("a\u202eb", "a\\u202eb", "'\\u202e' (U+202E RIGHT-TO-LEFT OVERRIDE)"),
])
def test_new_names_a_control_or_invisible_character_as_an_escape(tree, name, shown, char):
    """Review 3a: the name was printed raw (the terminal acted on it), and a newline was said to be « spaces »."""
    proc = attack(tree, "new", name, code=2)
    assert proc.stderr.splitlines()[-1] == f"Error: Invalid value for NAME: '{shown}' holds a control or invisible " \
                                           f"character, {char}: type the name again with letters, digits and '-'"
    french = char.replace("'", "« ", 1).replace("'", " »", 1)
    proc = attack(tree, "--lang", "fr", "new", name, code=2)
    assert proc.stderr.splitlines()[-1] == fr(f"Erreur : Valeur invalide pour NAME : « {shown} » contient un "
                                              f"caractère de contrôle ou invisible, {french} : retapez le nom avec "
                                              "des lettres, des chiffres et « - »"), proc.stderr
    assert _raw_controls(proc.stderr) == []


def test_a_source_named_with_control_or_direction_characters_is_refused_and_nothing_is_written(tree):
    """Review 3a: its PDFs were written under the raw name, every later build warned that the manifest had been
    changed, and once the source was deleted its PDFs were never removed while `build --check` passed."""
    name = "a\x1b[31mRED\nb\u202e.yaml"
    (tree / "sources" / name).write_text(MINI)
    shown = "sources/a\\x1b[31mRED\\nb\\u202e.yaml"
    said = "the file name holds a control or invisible character, '\\x1b' (U+001B): it is not read (rename the file, " \
           "with letters, digits, spaces and '-')"
    for command in ("check", "build", ("build", "--check")):
        proc = attack(tree, *([command] if isinstance(command, str) else command), expect=[f"{shown}:1:1: error: {said}"])
        assert _raw_controls(proc.stdout + proc.stderr) == []
    attack(tree, "check", f"sources/{name}", expect=[f"{shown}: error: {said}"])
    proc = attack(tree, "--lang", "fr", "build")
    assert proc.stderr == fr(f"{shown}:1:1: erreur: le nom du fichier contient un caractère de contrôle ou "
                             "invisible, « \\x1b » (U+001B) : il n'est pas lu (renommez le fichier, avec des "
                             "lettres, des chiffres, des espaces et « - »)\n"), proc.stderr
    (tree / "sources" / name).rename(tree / "sources" / "a RED b.yaml")  # renamed: built
    attack(tree, "build", code=0, may_change={MANIFEST, "build/a RED b-eleve.pdf", "build/a RED b-corrige.pdf"})
