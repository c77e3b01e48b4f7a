"""TrueType faces without parsing them: reportlab's parsed metrics, shipped with the package or kept in the user cache.

Parsing a face (its character map, widths and glyph offsets, in Python) costs about 10 ms, and a
build loads five. The package ships the parsed faces of its own fonts (``shippedfaces``), used when
they were made from the same font bytes by the same reportlab; any other face is parsed by
the first build that needs it and kept in the user cache (``faceblob`` encoding, signed), keyed by the
font file's sha256, reportlab's version and Python's. Later builds rebuild the same face from it and
the font file's own bytes (which the PDF subsets are cut from); anything that does not decode to the
expected shape is refused and the font parsed again.

This leans on how reportlab builds a ``TTFont`` (its attributes): ``tests/test_cache.py`` compares
a face and a font rebuilt from the cache with freshly parsed ones, attribute by attribute, so a
reportlab release that changes them fails a test instead of changing a PDF.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFontFace

from . import cache, faceblob, filehash, files, shippedfaces

KIND = "ttf"
MAX_FONT = 32 * 2**20
LATER = ("glyphToChar",)  # read by reportlab's text shaping only, which worksheet-gen does not ask for
_PENDING = "_worksheet_gen_pending"  # where a rebuilt face keeps the data of the attributes not decoded yet


def _decoded(value: object, blob: memoryview) -> tuple[dict, dict, memoryview]:
    return *faceblob.decode_face(value, blob, LATER), blob


def face(path: Path):
    """The reportlab face of a TrueType file: shipped, or from the user cache when it holds it, else parsed (and
    stored)."""
    data, info = files.read_unchanged(path, MAX_FONT)
    key = faceblob.key(filehash.sha256(path, data, info))
    kept = shippedfaces.load(path, key, LATER) or cache.load_blob(KIND, key, _decoded)
    if kept is None:
        parsed = TTFontFace(str(path))
        blob = bytearray()
        try:
            value = faceblob.encode_face(parsed, blob)
        except (TypeError, OverflowError):  # reportlab set something faceblob does not know how to keep: no cache
            return parsed
        cache.store_blob(KIND, key, value, bytes(blob))
        return parsed
    state, later, blob = kept
    made = Face.__new__(Face)
    vars(made).update(state)
    made.filename = str(path)
    made._ttf_data = data
    made._pdfScale = _scale(state["unitsPerEm"])
    if later:
        vars(made)[_PENDING] = (later, blob)
    return made


KEPT_SUBSETS = 8  # font files of subsets kept per face: those of one fiche's two sheets


def _scale(units: int):
    """What reportlab's parser sets as the face's scale to thousandths of an em."""
    if units == 1000:
        return lambda x: x
    factor = 1000 / units
    return lambda x: x * factor


class Face(TTFontFace):
    """A TrueType face rebuilt from kept attributes; those in LATER are decoded when first read."""

    def __getattr__(self, name: str):  # only called for an attribute the face does not have
        pending = vars(self).get(_PENDING)
        if pending is None or name not in pending[0]:
            raise AttributeError(name)
        data, blob = pending
        try:
            value = faceblob.decode(data[name], blob)
        except (ValueError, TypeError):  # not with what this tool wrote: parsed again then
            value = getattr(TTFontFace(self.filename), name)
        setattr(self, name, value)
        if all(k in vars(self) for k in data):
            del vars(self)[_PENDING]
        return value

    def makeSubset(self, subset):
        """reportlab's font file of a subset of the face's characters, made once per process for each subset: the
        student sheet and the corrigé of a fiche embed the same subsets of the faces the answers do not use."""
        key = tuple(subset)
        kept = vars(self).setdefault("_subsets", {})
        made = kept.get(key)
        if made is None:
            if len(kept) >= KEPT_SUBSETS:
                del kept[next(iter(kept))]  # the oldest
            made = kept[key] = super().makeSubset(subset)
        return made


def font(name: str, path: Path):
    """A reportlab TTFont for a face, built as TTFont(name, path) builds it, around face(path)."""
    from fnmatch import fnmatch
    from weakref import WeakKeyDictionary

    from reportlab import rl_config
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont

    made = TTFont.__new__(TTFont)
    made.fontName = name
    made.face = face(path)
    made.encoding = TTEncoding()
    made.state = WeakKeyDictionary()
    made._asciiReadable = rl_config.ttfAsciiReadable
    made.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)
    return made
