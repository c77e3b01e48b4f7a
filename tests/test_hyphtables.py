"""The hyphenation tables shipped with the package: what the installed pyphen parses from its dictionaries, used only
for the pyphen and dictionary bytes they were made for, and answering every word as pyphen does."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _words(lang: str) -> list[str]:
    """Words to ask: those of the test fiches and the sources, as spaces and as letters cut them, in three cases;
    the letters of every pattern of the dictionary, alone and inside a word; random words of its letters."""
    import pyphen

    from worksheet_gen import hyphtables

    text = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(ROOT.glob("tests/data/*/*.yaml"))
                     + sorted(ROOT.glob("sources/*.yaml")))
    found = set(text.split()) | set(re.findall(r"[^\W\d_]+", text))
    patterns = pyphen.Pyphen(lang=lang).hd.patterns  # also what encoded() reads: a change fails here
    letters = sorted(set("".join(patterns)) - {"."})
    for each in patterns:
        core = each.strip(".")
        found |= {core, f"re{core}ment"}
    pick = random.Random(14)
    found |= {"".join(pick.choices(letters, k=pick.randint(1, 20))) for _ in range(2000)}
    some = pick.sample(sorted(found), 2000)
    found |= {w.upper() for w in some[:1000]} | {w.capitalize() for w in some[1000:]}
    found |= {"", "a", "İstanbul", "ǅemal", "straße", "ŒUVRE", "l'établissement", "peut-être", "x" * 40}
    assert hyphtables.LANGS
    return sorted(found)


def test_every_language_the_fiches_hyphenate_ships_its_table(monkeypatch):
    from worksheet_gen import hyphens, hyphtables
    from worksheet_gen.layout.styles import Styles, hyphenator
    from worksheet_gen.profiles import STANDARD

    asked = []
    monkeypatch.setattr(hyphens, "Words", asked.append)
    hyphenator.cache_clear()
    try:
        assert STANDARD.hyphenate
        for lang in ("fr", "en"):
            Styles(lang)
    finally:
        hyphenator.cache_clear()
    assert sorted(asked) == sorted(hyphtables.LANGS)
    assert sorted(p.name for p in hyphtables.FOLDER.iterdir()) == sorted(f"{lang}.json" for lang in hyphtables.LANGS)


@pytest.mark.parametrize("lang", ["fr_FR", "en_GB"])
def test_shipped_table_is_what_pyphen_parses(lang):
    """The shipped file is the one `make hyphens` writes with the installed pyphen: made for its version and its
    dictionary's bytes. A pyphen release fails here until `make hyphens` is run (pyphen answers meanwhile: right,
    but slower on an empty user cache)."""
    from worksheet_gen import hyphtables

    assert hyphtables.path_of(lang).read_bytes() == hyphtables.encoded(lang), "stale tables: run `make hyphens`"
    assert type(hyphtables.load(lang)) is hyphtables.Table


@pytest.mark.parametrize("lang", ["fr_FR", "en_GB"])
def test_table_answers_every_word_as_pyphen(lang):
    """Table.iterate() is a copy of pyphen's algorithm: the day pyphen hyphenates otherwise, this fails."""
    import pyphen

    from worksheet_gen import hyphtables

    table, dic = hyphtables.load(lang), pyphen.Pyphen(lang=lang)
    words = _words(lang)
    assert len(words) > 5000
    wrong = [w for w in words if table.iterate(w) != tuple(dic.iterate(w))]
    assert not wrong, wrong[:20]
    assert sum(bool(table.iterate(w)) for w in words) > len(words) / 3  # the words do break


def _copy(tmp_path, *, dictionary: bytes | None = None) -> Path:
    """A copy of the installed pyphen's dictionary folder (the French file's bytes replaced, if given); its path."""
    from worksheet_gen import hyphtables

    folder = tmp_path / "dictionaries"
    shutil.copytree(hyphtables._dictionaries(), folder)
    if dictionary is not None:
        (folder / "hyph_fr.dic").write_bytes(dictionary)
    return folder


@pytest.mark.parametrize("what", ["as-made", "dictionary", "pyphen", "no-pyphen", "no-table", "spoilt"])
def test_table_only_for_what_it_was_made_for(tmp_path, monkeypatch, what):
    """Another pyphen version, other dictionary bytes, no pyphen found, no table or a spoilt one: no table, and the
    words are pyphen's own (as the first case shows, the table is otherwise used)."""
    import pyphen

    from worksheet_gen import cache, hyphens, hyphtables, manifest

    monkeypatch.setenv("WORKSHEET_GEN_CACHE", "off")
    cache.reset()
    made = hyphtables.path_of("fr_FR").read_bytes()
    dictionary = (hyphtables._dictionaries() / "hyph_fr.dic").read_bytes()
    folder = _copy(tmp_path, dictionary=dictionary + b"1zzz\n" if what == "dictionary" else None)
    monkeypatch.setattr(hyphtables, "_dictionaries", lambda: None if what == "no-pyphen" else folder)
    if what == "pyphen":
        versions = {**manifest.library_versions(), "pyphen": "0.99.0"}
        monkeypatch.setattr(manifest, "library_versions", lambda: versions)
    tables = tmp_path / "hyphenation"
    tables.mkdir()
    if what != "no-table":
        (tables / "fr_FR.json").write_bytes(made[:-100] if what == "spoilt" else made)
    monkeypatch.setattr(hyphtables, "FOLDER", tables)
    words = hyphens.Words("fr_FR")
    try:
        assert words.pairs("établissement") == tuple(pyphen.Pyphen(lang="fr_FR").iterate("établissement"))
        assert type(words.dic) is (hyphtables.Table if what == "as-made" else pyphen.Pyphen)
        assert (hyphtables.load("fr_FR") is not None) == (what == "as-made")
    finally:
        hyphens._open.remove(words)
        cache.reset()


def test_empty_cache_hyphenates_without_pyphen(tmp_path):
    """A fresh machine (empty user cache) answers from the table, pyphen not imported, and keeps pyphen's answers."""
    import pyphen

    words = ["établissement", "compétences", "orientation", "numérique", "a"]
    code = ("import sys; from worksheet_gen import hyphens; w = hyphens.Words('fr_FR'); "
            f"print(repr([w.pairs(x) for x in {words!r}])); hyphens.save(); print('pyphen' in sys.modules)")
    env = {"WORKSHEET_GEN_CACHE": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert said.split("\n")[:2] == [repr([tuple(pyphen.Pyphen(lang="fr_FR").iterate(x)) for x in words]), "False"]
    assert [p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()] == ["hyphens"]  # kept for the next run
