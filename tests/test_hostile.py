"""Hostile inputs: every file the tool reads is untrusted, its own manifest included.

Each case goes through the command line and asserts the exit code, the message, and that
every other file of the tree is unchanged (sha256 before and after).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import ROOT, SOURCES, cli

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


def attack(root: Path, *args: str, code: int = 1, expect: list[str] = (), may_change: set[str] = frozenset()):
    """Run the CLI in root; check the exit code, the exact diagnostic lines, no traceback, and that
    nothing but may_change was created, changed or removed. Returns the process."""
    before = files(root)
    proc = cli(*args, cwd=root)
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
}


@pytest.mark.parametrize("shape", SHAPES)
def test_checking_time_grows_with_the_size_not_faster(tmp_path, shape):
    """Checking 1 MiB takes about ten times as long as 100 KiB: a ratio, whatever the machine's speed."""
    times = {}
    for size in (100 * 1024, 1024 * 1024):
        path = tmp_path / f"{size}.yaml"
        path.write_text(SHAPES[shape](size)[:size], encoding="utf-8")
        times[size] = min(_check_seconds(path) for _ in range(2))
    small, big = max(times[100 * 1024], 0.01), times[1024 * 1024]
    assert big < 30 * small, f"{shape}: 100 KiB in {times[100 * 1024]:.3f} s, 1 MiB in {big:.3f} s"


# --- texts --------------------------------------------------------------------------------------

LONG_URL = "https://example.org/" + "a" * 2980
TEXTS = {
    "links that open something else than a web or e-mail address": (
        "      - Voir [ici](javascript:alert(1)), [là](file:///etc/passwd) ou [data](data:text/html,x).\n"
        "      - Retour [en haut](#top) ou [Onisep](www.onisep.fr), mais [écrire](mailto:cio@ac.fr) va.\n",
        ["5:20: error: the link 'javascript:alert(1' is not a web or e-mail address (only https://, http:// and "
         "mailto: links are made) (write the full address, e.g. [Onisep](https://www.onisep.fr))",
         "5:47: error: the link 'file:///etc/passwd' is not a web or e-mail address (only https://, http:// and "
         "mailto: links are made) (write the full address, e.g. [Onisep](https://www.onisep.fr))",
         "5:77: error: the link 'data:text/html,x' is not a web or e-mail address (only https://, http:// and "
         "mailto: links are made) (write the full address, e.g. [Onisep](https://www.onisep.fr))",
         "6:26: error: the link '#top' is not a web or e-mail address (only https://, http:// and "
         "mailto: links are made) (write the full address, e.g. [Onisep](https://www.onisep.fr))",
         "6:44: error: the link 'www.onisep.fr' is not a web or e-mail address (only https://, http:// and "
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
                                  "#", "mailto:"]), max_size=30).map("".join))
def test_the_link_check_sees_every_address_markup_links(text):
    """The checker's linear link finder reads every address the renderer would make a link of."""
    import html

    from worksheet_gen.text import links, markup

    found = links(text)
    for href in {html.unescape(href) for href in re.findall(r'<a href="([^"]*)"', markup(text))}:
        # an address of a [label](…) exactly; a bare one (always a web address) within a longer one
        core = href.removeprefix("https://")  # markup may have put it before www.
        bare = href.startswith(("http://", "https://", "www.")) and any(core in address for address in found)
        assert href in found or bare, (href, found)
