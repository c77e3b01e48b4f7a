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
