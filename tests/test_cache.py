"""The user cache (fonts, QR codes, hyphenation): the same PDF bytes with it, without it, cold or warm, and
whatever was done to its files; and the checks that tell the day a reportlab release makes it wrong."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest

from conftest import SOURCES, cli

PIX = SOURCES / "pix.yaml"


def build(tmp_path: Path, cache: Path | str, name: str, *args: str) -> dict[str, bytes]:
    """Build the Pix fiche into a new folder with that cache; the PDFs' bytes by name."""
    out = tmp_path / name
    cli("build", str(PIX), "--out", str(out), *args, check=True, env={**os.environ, "WORKSHEET_GEN_CACHE": str(cache)})
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.pdf"))}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The Pix PDFs built with no cache at all."""
    return build(tmp_path_factory.mktemp("nocache"), "off", "out")


def test_same_bytes_without_cache_cold_and_warm(tmp_path, reference):
    folder = tmp_path / "cache"
    assert len(reference) == 2
    assert build(tmp_path, folder, "cold") == reference
    kinds = sorted({p.name.split("-")[0] for p in folder.iterdir()})
    assert kinds == ["hyphens", "qr", "ttf"]  # the cold build filled it
    for path in folder.iterdir():  # plain JSON, nothing that runs when loaded
        assert isinstance(json.loads(path.read_bytes()), dict)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert build(tmp_path, folder, "warm") == reference
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before  # read, not written again


def test_adapted_profile_same_bytes_with_cache(tmp_path):
    """The dys profile's font (Andika) goes through the cache too."""
    off = build(tmp_path, "off", "off", "--profile", "dys")
    folder = tmp_path / "cache"
    assert build(tmp_path, folder, "cold", "--profile", "dys") == off
    assert build(tmp_path, folder, "warm", "--profile", "dys") == off


def _damage(path: Path, how: str, tmp_path: Path) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(bytes(random.Random(path.name).randrange(256) for _ in range(4000)))
    elif how == "valid-json-wrong-shape":
        doc = json.loads(data)
        doc["value"] = {"keys": {"q": "AAAA"}, "values": [1, 2]} if path.name.startswith("ttf") else [[1, 2], "x"]
        path.write_text(json.dumps(doc))
    elif how == "another-key":  # a well-formed file of another entry, copied over this one
        other = sorted(p for p in path.parent.iterdir() if p.name.split("-")[0] == path.name.split("-")[0]
                       and p != path)
        path.write_bytes(other[0].read_bytes() if other else b"{}")
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "folder":
        path.unlink()
        path.mkdir()
    elif how == "link-to-device":
        path.unlink()
        path.symlink_to("/dev/zero")
    elif how == "link-to-huge":
        huge = tmp_path / "huge.json"
        with open(huge, "wb") as fh:
            fh.truncate(64 * 2**20)  # sparse: larger than any cache file may be
        path.unlink()
        path.symlink_to(huge)
    elif how == "deep-json":
        path.write_text("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize("how", ["truncated", "garbage", "valid-json-wrong-shape", "another-key", "empty", "folder",
                                 "link-to-device", "link-to-huge", "deep-json"])
def test_damaged_cache_is_rebuilt_and_bytes_unchanged(tmp_path, reference, how):
    folder = tmp_path / "cache"
    build(tmp_path, folder, "fill")
    for path in sorted(folder.iterdir()):
        _damage(path, how, tmp_path)
    assert build(tmp_path, folder, "after") == reference
    if how != "folder":  # a folder in its place stays; anything else is written anew
        for path in folder.iterdir():
            assert path.is_file() and not path.is_symlink()
            assert isinstance(json.loads(path.read_bytes())["value"], (dict, list))
    assert build(tmp_path, folder, "again") == reference


def test_unusable_cache_folder_never_fails_a_build(tmp_path, reference):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert build(tmp_path, blocker, "file") == reference
    assert build(tmp_path, blocker / "below", "below") == reference


def test_face_from_cache_is_the_parsed_face(tmp_path, monkeypatch):
    """What facecache rebuilds is, attribute by attribute, what reportlab's parser makes: a reportlab release
    that adds or changes an attribute of TTFont or TTFontFace fails here rather than changing a PDF."""
    from reportlab.pdfbase.ttfonts import TTFont

    from worksheet_gen import cache, facecache
    from worksheet_gen.fonts import FAMILIES, FONT_DIR

    monkeypatch.setenv(cache.ENV, str(tmp_path))
    cache.reset()
    try:
        for name, file in {face for fam in FAMILIES.values() for face in fam.faces}:
            parsed = TTFont(name, str(FONT_DIR / file))
            facecache.font(name, FONT_DIR / file)  # parses and stores
            cached = facecache.font(name, FONT_DIR / file)
            assert vars(cached).keys() == vars(parsed).keys()
            for key in ("fontName", "_asciiReadable", "_shapable"):
                assert getattr(cached, key) == getattr(parsed, key)
            assert type(cached.encoding) is type(parsed.encoding) and vars(cached.encoding) == vars(parsed.encoding)
            assert type(cached.state) is type(parsed.state) and len(cached.state) == 0
            mine, theirs = vars(cached.face), vars(parsed.face)
            assert mine.keys() == theirs.keys()
            for key in theirs.keys() - {"_pdfScale"}:
                assert mine[key] == theirs[key] and type(mine[key]) is type(theirs[key]), key
            for x in (0, 1, 2.5, 1000, -7, 123456):
                assert mine["_pdfScale"](x) == theirs["_pdfScale"](x)
    finally:
        cache.reset()


def test_qr_from_cache_is_segnos(tmp_path, monkeypatch):
    import segno

    from worksheet_gen import cache, media

    monkeypatch.setenv(cache.ENV, str(tmp_path))
    cache.reset()
    try:
        urls = ["https://pix.fr", "https://www.youtube.com/watch?v=x9C9tK7SU7g", "http://example.org/" + "a" * 90]
        for url in urls:
            for _ in range(2):  # made, then read back
                media.qr_code.cache_clear()
                code = media.qr_code(url)
                made = segno.make_qr(url, error="m", boost_error=True)
                assert list(code.matrix_iter()) == [tuple(r) for r in made.matrix_iter(scale=1, border=4)]
                assert code.symbol_size() == made.symbol_size(scale=1, border=4)[0]
    finally:
        media.qr_code.cache_clear()
        cache.reset()


@pytest.mark.parametrize("value", [[], [[0, 1]], ["0" * 21] * 21 + ["1" * 21], ["2" * 21] * 21, ["0" * 22] * 22,
                                   {"a": 1}, None])
def test_qr_cache_refuses_what_is_not_a_code(value):
    from worksheet_gen.media import _rows

    with pytest.raises(ValueError):
        _rows(value)


@pytest.mark.parametrize("value", [{"maison": [["mai", "sonx"]]}, {"maison": [["", "maison"]]},
                                   {"maison": "mai-son"}, {"maison": [["mai", "son", "x"]]}, [["a", "b"]]])
def test_hyphenation_cache_refuses_what_does_not_split_its_word(value):
    from worksheet_gen.hyphens import _words

    with pytest.raises(ValueError):
        _words(value)


def test_hyphenation_from_cache_is_pyphens(tmp_path, monkeypatch):
    import pyphen

    from worksheet_gen import cache, hyphens

    monkeypatch.setenv(cache.ENV, str(tmp_path))
    cache.reset()
    try:
        words = ["compétences", "orientation", "numérique", "établissement", "a"]
        first = hyphens.Words("fr_FR")
        assert [first.pairs(w) for w in words] == [tuple(pyphen.Pyphen(lang="fr_FR").iterate(w)) for w in words]
        first.save()
        second = hyphens.Words("fr_FR")
        assert [second.pairs(w) for w in words] == [first.pairs(w) for w in words]
        assert second.dic is None  # every word came from the cache
    finally:
        cache.reset()


@pytest.mark.parametrize("value", [{"keys": {"q": "AAAA"}, "values": []}, {"q": "not base64!"}, {"lens": {"q": ""}},
                                   {"columns": []}, {"name": 3}, {"tuple": "x"}, {"keys": [1], "values": [1, 2]}])
def test_face_cache_refuses_what_is_not_a_face(value):
    from worksheet_gen.facecache import _face_state

    with pytest.raises((ValueError, TypeError)):
        _face_state(value)
