"""TrueType faces read once per machine: reportlab's parsed metrics kept in the user cache as plain data.

Parsing a face (its character map, widths and glyph offsets, in Python) costs about 10 ms, and a
build loads five. The first build stores what reportlab's parser set on the face, encoded as typed
JSON arrays; later builds rebuild the same face from it and the font file's own bytes (which the
PDF subsets are cut from). The key holds the font file's sha256 and reportlab's version; anything
that does not decode to the expected shape is refused and the font parsed again.

This leans on how reportlab builds a ``TTFont`` (its attributes): ``tests/test_cache.py`` compares
a face and a font rebuilt from the cache with freshly parsed ones, attribute by attribute, so a
reportlab release that changes them fails a test instead of changing a PDF.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from array import array
from itertools import accumulate
from pathlib import Path

from . import cache, files

KIND = "ttf"
MAX_FONT = 32 * 2**20
_SKIP = ("_ttf_data", "_pdfScale")  # the file's bytes (read again) and a function of unitsPerEm (made again)


def encode(value: object) -> object:
    """A parsed face's attribute as plain JSON (arrays of numbers packed in base64); TypeError for a type it does
    not know, OverflowError for a number that does not fit 64 bits."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is TTFNameBytes:
        return {"name": value.ustr}
    if type(value) is bytes:
        return {"bytes": value.decode("latin-1")}
    if type(value) is tuple:
        return {"tuple": [encode(v) for v in value]}
    if type(value) is list:
        if value and _all(value, int):
            return {"q": _pack("q", value)}
        if value and _all(value, float):
            return {"d": _pack("d", value)}
        if value and _all(value, tuple) and len({len(t) for t in value}) == 1 and value[0]:
            return {"columns": [encode(list(column)) for column in zip(*value)]}
        if value and _all(value, list) and _all(_flat(value), int):
            return {"lens": _pack("q", [len(t) for t in value]), "q": _pack("q", _flat(value))}
        return {"list": [encode(v) for v in value]}
    if type(value) is dict:
        return {"keys": encode(list(value)), "values": encode(list(value.values()))}
    raise TypeError(f"cannot keep a {type(value).__name__}")


_SCALARS = {int, float, str, bool, type(None)}


def _all(values, kind: type) -> bool:
    return set(map(type, values)) <= {kind}


def _flat(rows) -> list:
    return [v for row in rows for v in row]


def _pack(code: str, values: list) -> str:
    return base64.b64encode(array(code, values).tobytes()).decode("ascii")


def _unpack(code: str, text: object) -> list:
    if type(text) is not str:
        raise ValueError("not a cached array")
    values = array(code)
    values.frombytes(base64.b64decode(text, validate=True))  # ValueError unless whole items
    return values.tolist()


def decode(data: object) -> object:
    """The value encode() made data from; ValueError (or TypeError) when data is not of that shape."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    if data is None or type(data) in (bool, int, float, str):
        return data
    keys = data.keys() if type(data) is dict else None
    if keys == {"name"} and type(data["name"]) is str:
        return TTFNameBytes(data["name"].encode("utf-8"))
    if keys == {"bytes"} and type(data["bytes"]) is str:
        return data["bytes"].encode("latin-1")
    if keys == {"tuple"} and type(data["tuple"]) is list:
        return tuple(decode(v) for v in data["tuple"])
    if keys == {"list"} and type(data["list"]) is list:
        if set(map(type, data["list"])) <= _SCALARS:  # numbers of both kinds: kept as JSON keeps them
            return data["list"]
        return [decode(v) for v in data["list"]]
    if keys == {"q"}:
        return _unpack("q", data["q"])
    if keys == {"d"}:
        return _unpack("d", data["d"])
    if keys == {"columns"} and type(data["columns"]) is list and data["columns"]:
        columns = [decode(column) for column in data["columns"]]
        if all(type(c) is list for c in columns) and len({len(c) for c in columns}) == 1:
            return list(zip(*columns))
    if keys == {"lens", "q"}:
        lens, ints = _unpack("q", data["lens"]), _unpack("q", data["q"])
        if min(lens, default=0) >= 0 and sum(lens) == len(ints):
            ends = list(accumulate(lens))
            return [ints[end - n:end] for n, end in zip(lens, ends)]
    if keys == {"keys", "values"}:
        names, values = decode(data["keys"]), decode(data["values"])
        if type(names) is list and type(values) is list and len(names) == len(values):
            return dict(zip(names, values))
    raise ValueError("not a cached value")


def _key(data: bytes) -> dict:
    from .manifest import library_versions

    return {"font": hashlib.sha256(data).hexdigest(), "reportlab": library_versions()["reportlab"],
            "byteorder": sys.byteorder}


def _face_state(value: object) -> dict:
    """A cached face's attributes, checked: a dict of names to decoded values, with the ones a face must have."""
    state = decode(value)
    if type(state) is not dict or not _all(state, str) or not {"charToGlyph", "charWidths", "glyphPos", "hmetrics",
                                                                "unitsPerEm", "name"} <= state.keys():
        raise ValueError("not a face")
    if type(state["unitsPerEm"]) is not int or not 16 <= state["unitsPerEm"] <= 16384:
        raise ValueError("not a face")
    if not all(type(state[k]) is dict for k in ("charToGlyph", "charWidths")):
        raise ValueError("not a face")
    return state


def _scale(units: int):
    """What reportlab's parser sets as the face's scale to thousandths of an em."""
    if units == 1000:
        return lambda x: x
    factor = 1000 / units
    return lambda x: x * factor


def face(path: Path):
    """The reportlab face of a TrueType file: from the user cache when it holds it, else parsed (and stored)."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    data = files.read(path, MAX_FONT)
    key = _key(data)
    state = cache.load(KIND, key, _face_state)
    if state is None:
        parsed = TTFontFace(str(path))
        try:
            cache.store(KIND, key, encode({k: v for k, v in vars(parsed).items() if k not in _SKIP}))
        except (TypeError, OverflowError):  # reportlab set something this module does not know how to keep: no cache
            pass
        return parsed
    made = TTFontFace.__new__(TTFontFace)
    vars(made).update(state)
    made.filename = str(path)
    made._ttf_data = data
    made._pdfScale = _scale(state["unitsPerEm"])
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
