"""The French documentation (docs/fr/) stays in step with the English pages it translates.

Each page of PAIRS is read with markdown-it (CommonMark and tables, as GitHub shows it). For each
pair, and for the whole file on both sides:

- the headings have the same levels in the same order (their words are translated); the code
  of a heading (`…`) counts with its section's, so that a heading of errors.md may give the
  message in French with the English wording under it, where the English page does the reverse;
- the code blocks (examples: fiches, commands, messages) are the same, in the same order, after
  one normalization: in `yaml` and `sh` blocks the comments (from a `#` at the start of a line or
  after a space, to the end of the line) are left out, since they are translated, and a line
  holding only a comment is left out; the YAML of both sides must also read as the same data;
- the tables have the same number of rows and cells, in the same order;
- each section (the text between two headings) holds the same inline code spans (keys, values,
  commands, messages), in any order, spaces inside a span folded to one;
- every relative link and picture of the French pages leads to a file that exists, and to a
  heading of that file when it names one (`format.md#le-texte-imprimé-tel-quel`, GitHub's anchors);
  the English pages' own links are checked the same way;
- each English page links to its French twin, and each French page to its English twin.
- no English section changed since the French was last brought in step: docs/fr/translated-from.json
  holds a fingerprint of each English section's words, which `python tests/test_docs_fr.py`
  records once the French pages say the same again (and only when the checks above pass).

A section or an example added to one side only therefore fails here, with the place to look.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import hashlib
import json
import sys

import pytest
import yaml
from markdown_it import MarkdownIt

from conftest import ROOT

# English page → French page, paths from the root of the repository.
PAIRS = {
    "README.md": "docs/fr/README.md",
    "docs/format.md": "docs/fr/format.md",
    "docs/packs.md": "docs/fr/packs.md",
    "docs/profiles.md": "docs/fr/profiles.md",
    "docs/errors.md": "docs/fr/errors.md",
}
COMMENTED = {"yaml", "yml", "sh", "bash", "shell"}
# For each English page, a fingerprint of each section as it was when the French was last brought
# in step with it; `python tests/test_docs_fr.py` records the English pages as they are now.
TRANSLATED_FROM = ROOT / "docs" / "fr" / "translated-from.json"
_MD = MarkdownIt("commonmark").enable("table")
_COMMENT = re.compile(r"(^|\s)#.*$")


@dataclass
class Section:
    """The text under one heading (the first one: before any heading)."""

    line: int
    text: str = ""
    heading: str = ""
    level: int = 0
    code: Counter = field(default_factory=Counter)


@dataclass
class Page:
    path: str
    sections: list[Section]
    blocks: list[tuple[int, str, str]]  # (line, info, text)
    tables: list[tuple[int, int, int]]  # (line, rows, cells)
    links: list[tuple[int, str]]  # (line, target)
    anchors: set[str]


def _fold(code: str) -> str:
    return re.sub(r"\s+", " ", code).strip()


def github_anchor(title: str, seen: Counter) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    slug = "".join(
        c for c in title.lower() if c in " -_" or unicodedata.category(c)[0] in "LNM"
    ).replace(" ", "-")
    n = seen[slug]
    seen[slug] += 1
    return slug if n == 0 else f"{slug}-{n}"


def read_page(path: str, root: Path = ROOT) -> Page:
    tokens = _MD.parse((root / path).read_text(encoding="utf-8"))
    sections = [Section(line=1)]
    blocks, links, anchors, seen, tables = [], [], set(), Counter(), []
    heading_level = 0
    for tok in tokens:
        if tok.type == "table_open":
            tables.append([tok.map[0] + 1, 0, 0])
        if tok.type == "tr_open":
            tables[-1][1] += 1
        if tok.type in ("th_open", "td_open"):
            tables[-1][2] += 1
        if tok.type == "heading_open":
            heading_level = int(tok.tag[1])
            sections.append(Section(line=tok.map[0] + 1, level=heading_level))
            continue
        if tok.type == "fence":
            blocks.append((tok.map[0] + 1, tok.info.strip(), tok.content))
            continue
        if tok.type != "inline":
            continue
        line = tok.map[0] + 1
        section = sections[-1]
        words = []
        for child in tok.children or []:
            if child.type == "code_inline":
                section.code[_fold(child.content)] += 1
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            if child.type == "link_open":
                links.append((line, child.attrs["href"]))
            if child.type == "image":
                links.append((line, child.attrs["src"]))
        if heading_level:
            section.heading = "".join(words)
            anchors.add(github_anchor(section.heading, seen))
            heading_level = 0
    lines = (root / path).read_text(encoding="utf-8").split("\n")
    for section, after in zip(sections, sections[1:] + [Section(line=len(lines) + 1)]):
        section.text = "\n".join(lines[section.line - 1 : after.line - 1])
    return Page(path, sections, blocks, [tuple(t) for t in tables], links, anchors)


def normalized(info: str, text: str) -> str:
    """A code block without its comments (yaml, sh), as both languages must hold it."""
    if info.split()[0:1] and info.split()[0] in COMMENTED:
        kept = []
        for raw in text.splitlines():
            stripped = _COMMENT.sub("", raw).rstrip()
            if stripped or not raw.strip():
                kept.append(stripped)
        return "\n".join(kept)
    return text


def _where(section: Section) -> str:
    return f"line {section.line}" + (f" « {section.heading} »" if section.heading else "")


def differences(en: Page, fr: Page) -> list[str]:
    """What one page has that its twin lacks, each with both places to look."""
    problems = []
    levels_en = [s.level for s in en.sections]
    levels_fr = [s.level for s in fr.sections]
    if levels_en != levels_fr:
        for i, (a, b) in enumerate(zip(en.sections, fr.sections)):
            if a.level != b.level:
                problems.append(
                    f"headings differ from heading {i}: {en.path} {_where(a)} (h{a.level}) but "
                    f"{fr.path} {_where(b)} (h{b.level})"
                )
                break
        else:
            longer, shorter = (en, fr) if len(levels_en) > len(levels_fr) else (fr, en)
            extra = longer.sections[len(shorter.sections)]
            problems.append(f"{longer.path} {_where(extra)}: a heading {shorter.path} does not have")
        return problems  # the sections below cannot be paired
    for a, b in zip(en.sections, fr.sections):
        for code in sorted((a.code - b.code).keys()):
            problems.append(f"{fr.path} {_where(b)} lacks `{code}` that {en.path} {_where(a)} has")
        for code in sorted((b.code - a.code).keys()):
            problems.append(f"{en.path} {_where(a)} lacks `{code}` that {fr.path} {_where(b)} has")
    if [t[1:] for t in en.tables] != [t[1:] for t in fr.tables]:
        for a, b in zip(en.tables + [(0, 0, 0)], fr.tables + [(0, 0, 0)]):
            if a[1:] != b[1:]:
                problems.append(
                    f"the table at {en.path}:{a[0]} ({a[1]} rows, {a[2]} cells) differs from the one at "
                    f"{fr.path}:{b[0]} ({b[1]} rows, {b[2]} cells)"
                )
                break
    if len(en.blocks) != len(fr.blocks):
        problems.append(f"{en.path} has {len(en.blocks)} code blocks, {fr.path} {len(fr.blocks)}")
    for (la, ia, ta), (lb, ib, tb) in zip(en.blocks, fr.blocks):
        if ia != ib or normalized(ia, ta) != normalized(ib, tb):
            problems.append(f"the code block at {en.path}:{la} differs from the one at {fr.path}:{lb}")
        elif ia in ("yaml", "yml") and yaml.safe_load(ta) != yaml.safe_load(tb):
            problems.append(f"the YAML at {en.path}:{la} and {fr.path}:{lb} read as different data")
    return problems


def broken_links(page: Page) -> list[str]:
    problems = []
    base = (ROOT / page.path).parent
    for line, target in page.links:
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):
            continue  # https:, mailto:: not a file of the repository
        file_part, _, anchor = unquote(target).partition("#")
        dest = (base / file_part).resolve() if file_part else ROOT / page.path
        if not dest.exists():
            problems.append(f"{page.path}:{line}: the link '{target}' leads to no file")
        elif anchor and dest.suffix == ".md":
            names = read_page(str(dest.relative_to(ROOT))).anchors
            if anchor not in names:
                problems.append(f"{page.path}:{line}: '{target}' names no heading of {dest.name}")
    return problems


def links_to(page: Page, other: str) -> bool:
    base = (ROOT / page.path).parent
    return any(
        (base / t.partition("#")[0]).resolve() == (ROOT / other).resolve()
        for _, t in page.links
        if t.partition("#")[0]
    )


def fingerprints(page: Page) -> list[str]:
    """One short hash a section, of its words: a change of wrapping or of spaces does not count."""
    return [hashlib.sha256(" ".join(s.text.split()).encode()).hexdigest()[:12] for s in page.sections]


def untranslated(english: str, recorded: dict) -> list[str]:
    """The sections of an English page changed since the French page was brought in step."""
    en, fr = read_page(english), read_page(PAIRS[english])
    old = recorded.get(english, [])
    if len(old) != len(en.sections):
        return [f"{english}: its sections are not recorded; bring {fr.path} in step, then run {RECORD}"]
    return [
        f"{english} {_where(a)} changed since {fr.path} {_where(b)} was translated: translate the "
        f"change, then run {RECORD}"
        for a, b, now, then in zip(en.sections, fr.sections, fingerprints(en), old)
        if now != then
    ]


RECORD = "`python tests/test_docs_fr.py`"


@pytest.mark.parametrize("english", sorted(PAIRS))
def test_the_french_page_has_the_sections_and_examples_of_the_english(english):
    problems = differences(read_page(english), read_page(PAIRS[english]))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("english", sorted(PAIRS))
def test_the_french_page_translates_the_english_page_as_it_is(english):
    """A change of wording in an English section (no new code, no new section) is translated too."""
    if differences(read_page(english), read_page(PAIRS[english])):
        pytest.fail("the sections differ: see the test above")
    problems = untranslated(english, json.loads(TRANSLATED_FROM.read_text(encoding="utf-8")))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", sorted(PAIRS) + sorted(PAIRS.values()))
def test_every_relative_link_leads_somewhere(path):
    problems = broken_links(read_page(path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("english", sorted(PAIRS))
def test_each_page_links_to_its_twin(english):
    french = PAIRS[english]
    assert links_to(read_page(english), french), f"{english} does not link to {french}"
    assert links_to(read_page(french), english), f"{french} does not link to {english}"


def test_a_change_to_one_side_only_is_caught(tmp_path):
    """The checks above fail on the drifts they exist for (on copies of the real pages)."""
    (tmp_path / "docs" / "fr").mkdir(parents=True)
    for rel in ("docs/format.md", "docs/fr/format.md"):
        (tmp_path / rel).write_text((ROOT / rel).read_text(encoding="utf-8"), encoding="utf-8")
    english = tmp_path / "docs" / "format.md"
    original = english.read_text(encoding="utf-8")

    def drift(changed: str) -> list[str]:
        assert changed != original
        english.write_text(changed, encoding="utf-8")
        return differences(read_page("docs/format.md", tmp_path), read_page("docs/fr/format.md", tmp_path))

    assert any("a heading" in p for p in drift(original + "\n## A new section\n\nText.\n"))
    assert any("code blocks" in p for p in drift(original + "\n```sh\nworksheet-gen check\n```\n"))
    assert any("differs" in p for p in drift(original.replace("lines: 3 ", "lines: 4 ", 1)))
    assert any("the table" in p for p in drift(original.replace("| `explain` |", "| `explain` | x |\n| `y` |", 1)))
    assert any("lacks `seyès`" in p for p in drift(original.replace("`seyes`", "`seyès`", 1)))
    # a comment of an example is translated, not compared
    assert drift(original.replace("# printed « Niveaux", "# shown « Niveaux", 1)) == []


def record() -> int:
    """Write translated-from.json from the English pages as they are, once the French is in step."""
    problems = [p for english in sorted(PAIRS) for p in differences(read_page(english), read_page(PAIRS[english]))]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    data = {english: fingerprints(read_page(english)) for english in sorted(PAIRS)}
    TRANSLATED_FROM.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"recorded {sum(map(len, data.values()))} sections of {len(data)} pages in {TRANSLATED_FROM.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(record())
