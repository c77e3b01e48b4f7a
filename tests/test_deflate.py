"""Streams compressed once per process (deflate.py): reportlab's bytes, and a check that tells the day reportlab
stops compressing font files through the filter object it is given."""

from __future__ import annotations

from conftest import SOURCES
from worksheet_gen import deflate
from worksheet_gen.render import render  # noqa: I001  (imports reportlab as the command does)
from reportlab.pdfbase import pdfdoc  # noqa: E402


def test_a_kept_stream_is_reportlabs_compression():
    ours, theirs = deflate.Deflate(), pdfdoc.PDFStreamFilterZCompress()
    for data in ("Texte é" * 1000, b"\x00\x01" * 5000, b"court", bytearray(b"x" * 9000)):
        assert ours.encode(data) == ours.encode(data) == theirs.encode(data)
    assert ours.pdfname == theirs.pdfname == "FlateDecode"
    assert ours.decode(ours.encode(b"abc" * 2000)) == b"abc" * 2000


def test_reportlab_still_compresses_font_files_through_pdfzcompress(monkeypatch):
    """The corrigé embeds some font subsets the student sheet embedded: they are found kept. A reportlab that
    compresses its streams another way fails here; the bytes are those of reportlab's own filter."""
    from worksheet_gen.sources import load_fiche

    fiche, problems = load_fiche(SOURCES / "pix.yaml")
    assert fiche is not None, problems
    assert isinstance(pdfdoc.PDFZCompress, deflate.Deflate)
    monkeypatch.setattr(pdfdoc, "PDFZCompress", deflate.Deflate())
    found = []
    encode = deflate.Deflate.encode
    monkeypatch.setattr(deflate.Deflate, "encode", lambda self, text: (
        found.append((text[:4], text in self.kept)), encode(self, text))[1])
    kept = [render(fiche, answers=a) for a in (False, True)]
    assert any(head == b"\x00\x01\x00\x00" and hit for head, hit in found)  # a TrueType font file, found kept
    monkeypatch.setattr(pdfdoc, "PDFZCompress", pdfdoc.PDFStreamFilterZCompress())
    assert kept == [render(fiche, answers=a) for a in (False, True)]


def test_the_corrige_takes_the_font_subsets_the_student_sheet_made(monkeypatch):
    """facecache.Face makes the font file of each subset once per process: the corrigé finds some that the
    student sheet made. A reportlab that stops asking the face for its subsets (makeSubset) fails here; the bytes
    are those of reportlab's own subsetting."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFontFace

    from worksheet_gen import facecache
    from worksheet_gen.sources import load_fiche

    fiche, problems = load_fiche(SOURCES / "pix.yaml")
    assert fiche is not None, problems
    render(fiche, answers=False)  # the faces registered, as in a build
    faces = [f.face for f in pdfmetrics._fonts.values() if isinstance(getattr(f, "face", None), facecache.Face)]
    assert faces
    for face in faces:  # what earlier renders of this process kept
        vars(face).pop("_subsets", None)
    asked, made = [], []
    kept_or_made, make = facecache.Face.makeSubset, TTFontFace.makeSubset
    monkeypatch.setattr(facecache.Face, "makeSubset", lambda self, subset: (
        asked.append(1), kept_or_made(self, subset))[1])
    monkeypatch.setattr(TTFontFace, "makeSubset", lambda self, subset: (made.append(1), make(self, subset))[1])
    kept = [render(fiche, answers=a) for a in (False, True)]
    assert made and len(made) < len(asked)  # the corrigé found some kept
    monkeypatch.setattr(facecache.Face, "makeSubset", make)  # reportlab's own, every time
    assert kept == [render(fiche, answers=a) for a in (False, True)]
