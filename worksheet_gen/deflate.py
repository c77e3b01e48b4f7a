"""reportlab's FlateDecode filter, each large stream compressed once per process (importing this module sets it).

The student sheet and the corrigé of a fiche embed the same subsets of the faces the answers do not
use (a sixth of the bytes of a generated fiche's two PDFs, the font files), and reportlab
compresses each one again. reportlab compresses page contents and font files with
``reportlab.pdfbase.pdfdoc.PDFZCompress``, an instance of its ``PDFStreamFilterZCompress`` looked up
when each stream is written: it becomes a ``Deflate``, which gives the same bytes (zlib's default
level, as reportlab's) and keeps the last streams it compressed. ``tests/test_deflate.py`` fails the
day reportlab stops compressing font files through that object.
"""

from __future__ import annotations

import zlib

from reportlab.pdfbase import pdfdoc

LEAST = 4096  # bytes: a smaller stream is compressed each time (page contents of a few lines)
KEPT = 16  # streams kept: the font files of one fiche's two sheets


class Deflate(pdfdoc.PDFStreamFilterZCompress):
    """reportlab's FlateDecode filter, the last KEPT large streams it compressed kept by their bytes."""

    def __init__(self):
        self.kept: dict[bytes, bytes] = {}

    def encode(self, text):
        data = text.encode("utf8") if isinstance(text, str) else text
        if len(data) < LEAST or not isinstance(data, bytes):
            return zlib.compress(data)
        packed = self.kept.get(data)
        if packed is None:
            if len(self.kept) >= KEPT:
                del self.kept[next(iter(self.kept))]  # the oldest
            packed = self.kept[data] = zlib.compress(data)
        return packed


if type(pdfdoc.PDFZCompress) is pdfdoc.PDFStreamFilterZCompress:
    pdfdoc.PDFZCompress = Deflate()
