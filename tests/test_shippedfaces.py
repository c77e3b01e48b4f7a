"""The parsed faces shipped with the package: what the installed reportlab parses from the package's fonts, used only
for the font bytes, reportlab and Python they were made for, and the same PDF bytes as parsing."""

from __future__ import annotations

import shutil

import pytest

from test_cache import build, same_font


def _fonts():
    from worksheet_gen import shippedfaces

    return shippedfaces.fonts()


def test_every_font_of_the_package_ships_its_parsed_face():
    from worksheet_gen import shippedfaces

    fonts = _fonts()
    assert len(fonts) == 7
    assert sorted(p.name for p in shippedfaces.FOLDER.iterdir()) == sorted(f.name + ".face" for f in fonts)


@pytest.mark.parametrize("font", [p.name for p in _fonts()])
def test_shipped_face_is_what_reportlab_parses(font):
    """The shipped file is the one `make fonts` writes with the installed reportlab (on any Python): made for its
    version and this font's bytes, and decoding to the attributes reportlab's parser sets. A reportlab release
    fails here until `make fonts` is run (the build parses the fonts meanwhile: right, but slower)."""
    from reportlab.pdfbase.ttfonts import TTFont

    from worksheet_gen import facecache, shippedfaces
    from worksheet_gen.fonts import FONT_DIR

    path = FONT_DIR / font
    shipped = shippedfaces.path_of(path).read_bytes()
    assert shipped == shippedfaces.encoded(path), "the shipped faces are stale: run `make fonts`"
    with pytest.MonkeyPatch.context() as patch:  # the user cache is off: the face can come from nowhere else
        patch.setenv("WORKSHEET_GEN_CACHE", "off")
        from worksheet_gen import cache

        cache.reset()
        try:
            made = facecache.font("F", path)
        finally:
            cache.reset()
    parsed = TTFont("F", str(path))
    assert type(made.face) is not type(parsed.face)  # rebuilt, not parsed
    same_font(made, parsed)


def _copy(tmp_path, font: str, *, data_of: str | None = None, folder: str = "."):
    """A copy of the package's font folder in tmp_path, with a font file named font (with the bytes of data_of, if
    given; in folder, if given) and, in parsed/, the face shipped for font; its path."""
    from worksheet_gen import shippedfaces
    from worksheet_gen.fonts import FONT_DIR

    (tmp_path / "parsed").mkdir()
    (tmp_path / folder).mkdir(exist_ok=True)
    shutil.copy(FONT_DIR / (data_of or font), tmp_path / folder / font)
    shutil.copy(shippedfaces.path_of(FONT_DIR / font), tmp_path / "parsed" / (font + ".face"))
    return tmp_path / folder / font


@pytest.mark.parametrize("what", ["as-made", "font-bytes", "reportlab", "format", "elsewhere"])
def test_shipped_face_only_for_what_it_was_made_for(tmp_path, monkeypatch, what):
    """Another font file under the same name, another reportlab or encoding, or a font outside the package's
    font folder: the face is parsed from the file (as the first case shows, the copy is otherwise used)."""
    from reportlab.pdfbase.ttfonts import TTFont

    from worksheet_gen import cache, faceblob, facecache, manifest, shippedfaces

    monkeypatch.setenv("WORKSHEET_GEN_CACHE", "off")
    cache.reset()
    path = _copy(tmp_path, "Lato-Regular.ttf", data_of="Lato-Bold.ttf" if what == "font-bytes" else None,
                 folder="elsewhere" if what == "elsewhere" else ".")
    monkeypatch.setattr(shippedfaces, "FOLDER", tmp_path / "parsed")
    if what == "reportlab":
        versions = {**manifest.library_versions(), "reportlab": "5.0.99"}
        monkeypatch.setattr(manifest, "library_versions", lambda: versions)
    elif what == "format":
        monkeypatch.setattr(faceblob, "FORMAT", faceblob.FORMAT + 1)
    parsed = TTFont("F", str(path))
    made = facecache.font("F", path)
    try:
        assert (type(made.face) is type(parsed.face)) == (what != "as-made")
        same_font(made, parsed)
    finally:
        cache.reset()


def test_spoilt_shipped_face_is_parsed(tmp_path, monkeypatch):
    """A shipped file cut short, or not JSON: the face is parsed, the build goes on."""
    from reportlab.pdfbase.ttfonts import TTFont

    from worksheet_gen import cache, facecache, shippedfaces

    monkeypatch.setenv("WORKSHEET_GEN_CACHE", "off")
    cache.reset()
    path = _copy(tmp_path, "Lato-Regular.ttf")
    monkeypatch.setattr(shippedfaces, "FOLDER", tmp_path / "parsed")
    face = shippedfaces.path_of(path)
    whole = face.read_bytes()
    try:
        for spoilt in (whole[: len(whole) // 2], b"\0" * 100, whole.replace(b'"ints"', b'"inst"', 1), b""):
            face.write_bytes(spoilt)
            assert type(facecache.face(path)) is type(TTFont("F", str(path)).face)
    finally:
        cache.reset()


def test_shipped_faces_print_what_parsed_faces_print(tmp_path):
    """The Pix fiche built with the shipped faces (and no user cache) has the bytes of one built parsing every face;
    an empty user cache gets no face, as none was parsed, but the fonts' hashes."""
    parsed = build(tmp_path, "off", "parsed")
    assert build(tmp_path, "off", "shipped", shipped=True) == parsed
    folder = tmp_path / "cache"
    assert build(tmp_path, folder, "empty-cache", shipped=True) == parsed
    assert sorted({p.name.split("-")[0] for p in folder.iterdir()}) == ["hyphens", "qr", "regex", "sha256"]
    assert build(tmp_path, folder, "warm-cache", shipped=True) == parsed
    off = build(tmp_path, "off", "dys-parsed", "--profile", "dys")
    assert build(tmp_path, "off", "dys-shipped", "--profile", "dys", shipped=True) == off
