"""A parsed TrueType face's attributes as plain data: a JSON value, and one blob holding its arrays of numbers.

reportlab's parser leaves a face's metrics in dicts and lists of thousands of numbers (character map,
widths, glyph offsets): each list of numbers is kept in the blob as a little-endian array of the
smallest type that holds it, and the JSON value says where (type, start, count). Decoding reads the
arrays with ``array.frombytes`` and rebuilds the dicts with ``zip``. Nothing decoded is executed; data
not of these shapes is refused with ValueError or TypeError.
"""

from __future__ import annotations

import gc
import sys
from array import array
from itertools import accumulate

FORMAT = 1  # the layout below; part of the key of what it encodes
SKIP = ("filename", "_ttf_data", "_pdfScale")  # set again: the path, its bytes, a function of unitsPerEm
_INTS = "bhiq"  # signed integers of 1, 2, 4 and 8 bytes
_SIZES = {code: array(code).itemsize for code in _INTS + "d"}
_SCALARS = {int, float, str, bool, type(None)}
_SWAP = sys.byteorder == "big"  # the blob is little-endian everywhere


def key(sha256: str) -> dict:
    """What the parsed face of a font file whose bytes have this sha256 depends on (Python's version aside): that
    sha256, reportlab's version and this encoding's."""
    from .manifest import library_versions

    return {"font": sha256, "reportlab": library_versions()["reportlab"], "format": FORMAT}


def encode_face(face, blob: bytearray) -> dict:
    """The attributes a parsed reportlab face keeps (all but SKIP) as JSON data, by name, their arrays appended to
    blob; TypeError or OverflowError as encode() says."""
    return {k: encode(v, blob) for k, v in vars(face).items() if k not in SKIP}


def decode_face(value: object, blob: memoryview, later: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """A kept face's attributes, decoded and checked (names to values, with the ones a face must have), and the
    ones named in later left as data for decode() with this blob; ValueError or TypeError for what is not a kept
    face."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    if type(value) is not dict:
        raise ValueError("not a face")
    collecting = gc.isenabled()
    gc.disable()  # some 10,000 lists and tuples of numbers, none in a cycle: no collection while they are made
    try:
        made = {name: decode(data, blob) for name, data in value.items() if name not in later}
    finally:
        if collecting:
            gc.enable()
    if not {"charToGlyph", "charWidths", "glyphPos", "hmetrics", "unitsPerEm", "name"} <= made.keys():
        raise ValueError("not a face")
    if type(made["unitsPerEm"]) is not int or not 16 <= made["unitsPerEm"] <= 16384:
        raise ValueError("not a face")
    if not all(type(made[k]) is dict for k in ("charToGlyph", "charWidths")) or \
            not all(type(made[k]) is list for k in ("glyphPos", "hmetrics")) or type(made["name"]) is not TTFNameBytes:
        raise ValueError("not a face")
    return made, {name: value[name] for name in later if name in value}


def encode(value: object, blob: bytearray) -> object:
    """value as JSON data, its number arrays appended to blob; TypeError for a type it does not know,
    OverflowError for an integer that does not fit 64 bits."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    kind = type(value)
    if value is None or kind in _SCALARS:
        return value
    if kind is TTFNameBytes:
        return {"name": value.ustr}
    if kind is bytes:
        return {"bytes": value.decode("latin-1")}
    if kind is tuple:
        return {"tuple": [encode(v, blob) for v in value]}
    if kind is list:
        if value and _all(value, int):
            return {"ints": _put(value, blob)}
        if value and _all(value, float):
            return {"floats": _put(value, blob, "d")}
        odd = [[i, v] for i, v in enumerate(value) if type(v) is not int]
        if value and len(odd) <= len(value) // 8 and all(type(v) is float for _, v in odd):  # a few floats among ints
            return {"ints": _put([0 if type(v) is float else v for v in value], blob), "floats at": odd}
        if value and _all(value, tuple) and len({len(t) for t in value}) == 1 and value[0]:
            return {"columns": [encode(list(column), blob) for column in zip(*value)]}
        if value and _all(value, list) and _all(flat := [v for row in value for v in row], int):
            return {"lens": _put([len(row) for row in value], blob), "ints": _put(flat, blob)}
        if _all_scalars(value):
            return {"list": value}
        return {"list": [encode(v, blob) for v in value]}
    if kind is dict:
        if _all(value, str) and _all_scalars(value.values()):
            return {"map": value}
        return {"keys": encode(list(value), blob), "values": encode(list(value.values()), blob)}
    raise TypeError(f"cannot keep a {kind.__name__}")


def _all(values, kind: type) -> bool:
    return set(map(type, values)) <= {kind}


def _all_scalars(values) -> bool:
    return set(map(type, values)) <= _SCALARS


def _put(values: list, blob: bytearray, code: str = "") -> list:
    """Append values to blob as an array of the smallest type that holds them; where they lie: [type, start, count]."""
    if not code:
        low, high = min(values), max(values)
        code = next((c for c in _INTS if -(2 ** (8 * _SIZES[c] - 1)) <= low and high < 2 ** (8 * _SIZES[c] - 1)), "")
        if not code:
            raise OverflowError("an integer does not fit 64 bits")
    packed = array(code, values)
    if _SWAP:
        packed.byteswap()
    start = len(blob)
    blob += packed.tobytes()
    return [code, start, len(values)]


def _take(where: object, blob: memoryview, codes: str) -> list:
    """The numbers _put stored at where; ValueError unless where lies inside blob."""
    if type(where) is not list or len(where) != 3:
        raise ValueError("not an array")
    code, start, count = where
    if type(code) is not str or code not in codes or type(start) is not int or type(count) is not int:
        raise ValueError("not an array")
    end = start + count * _SIZES[code]
    if start < 0 or count < 0 or end > len(blob):
        raise ValueError("an array outside the blob")
    values = array(code)
    values.frombytes(blob[start:end])
    if _SWAP:
        values.byteswap()
    return values.tolist()


def decode(data: object, blob: memoryview) -> object:
    """The value encode() made data from, its arrays read from blob; ValueError (or TypeError) when data is not of
    that shape."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    if data is None or type(data) in _SCALARS:
        return data
    if type(data) is not dict or len(data) > 2:
        raise ValueError("not a kept value")
    if len(data) == 1:
        (tag, inner), = data.items()
        if tag == "ints":
            return _take(inner, blob, _INTS)
        if tag == "floats":
            return _take(inner, blob, "d")
        if tag == "list" and type(inner) is list:
            return inner if _all_scalars(inner) else [decode(v, blob) for v in inner]
        if tag == "map" and type(inner) is dict and _all_scalars(inner.values()):
            return inner
        if tag == "name" and type(inner) is str:
            return TTFNameBytes(inner.encode("utf-8"))
        if tag == "bytes" and type(inner) is str:
            return inner.encode("latin-1")
        if tag == "tuple" and type(inner) is list:
            return tuple(decode(v, blob) for v in inner)
        if tag == "columns" and type(inner) is list and inner:
            columns = [decode(column, blob) for column in inner]
            if all(type(c) is list for c in columns) and len({len(c) for c in columns}) == 1:
                return list(zip(*columns))
    elif data.keys() == {"ints", "floats at"} and type(data["floats at"]) is list:
        values = _take(data["ints"], blob, _INTS)
        for i, v in data["floats at"]:  # TypeError or ValueError unless pairs
            if type(i) is not int or type(v) is not float or not 0 <= i < len(values):
                raise ValueError("not a kept value")
            values[i] = v
        return values
    elif data.keys() == {"lens", "ints"}:
        lens, ints = _take(data["lens"], blob, _INTS), _take(data["ints"], blob, _INTS)
        if min(lens, default=0) >= 0 and sum(lens) == len(ints):
            return [ints[end - n:end] for n, end in zip(lens, accumulate(lens))]
    elif data.keys() == {"keys", "values"}:
        names, values = decode(data["keys"], blob), decode(data["values"], blob)
        if type(names) is list and type(values) is list and len(names) == len(values):
            made = dict(zip(names, values))
            if len(made) == len(names):
                return made
    raise ValueError("not a kept value")
