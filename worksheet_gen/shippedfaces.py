"""The parsed faces of the package's own fonts, shipped beside them: a fresh machine parses no font.

``fonts/parsed/<font file>.face`` is a line of JSON (the key the face was made for: the font's
sha256, reportlab's version and the encoding's; and the ``faceblob`` value), then the ``faceblob``
blob. A face is used only when its key is that of the font file and reportlab in use; otherwise the
caller parses the font or reads its user cache. Python's version is not in the key: what reportlab's
parser sets is the same numbers on every Python the package supports (a user cache file, written by
one interpreter, keeps it in its name all the same), so a contributor's other Python uses them too. The files are part of the
package, trusted as its code is; ``make fonts`` writes them (``python -m worksheet_gen.shippedfaces``)
and ``tests/test_shippedfaces.py`` fails when they are not what the installed reportlab parses.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import faceblob, files

FOLDER = Path(__file__).parent / "fonts" / "parsed"
SUFFIX = ".face"
MAX_BYTES = 4 * 2**20  # a face is about 100 KB


def path_of(font: Path) -> Path:
    """Where the parsed face of a font file of the package is shipped."""
    return FOLDER / (font.name + SUFFIX)


def load(font: Path, key: dict, later: tuple[str, ...] = ()) -> tuple[dict, dict, memoryview] | None:
    """The shipped attributes of the face of font, a file of the package, if they were made for key; else None.
    As faceblob.decode_face() makes them, with the blob they lie in."""
    if font.parent != FOLDER.parent:
        return None
    try:
        head, _, blob = files.read(path_of(font), MAX_BYTES).partition(b"\n")
        data = json.loads(head)
        if type(data) is not dict or data.get("key") != key:
            return None
        view = memoryview(blob)
        return *faceblob.decode_face(data["value"], view, later), view
    except (OSError, ValueError, TypeError, KeyError, RecursionError, OverflowError):
        return None


def encoded(font: Path) -> bytes:
    """The file load() reads for font, made by parsing it with the installed reportlab."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    blob = bytearray()
    value = faceblob.encode_face(TTFontFace(str(font)), blob)
    key = faceblob.key(hashlib.sha256(font.read_bytes()).hexdigest())
    head = json.dumps({"key": key, "value": value}, separators=(",", ":"), ensure_ascii=False)
    return head.encode() + b"\n" + bytes(blob)


def fonts() -> list[Path]:
    """The package's font files."""
    return sorted(FOLDER.parent.glob("*.ttf"))


if __name__ == "__main__":
    FOLDER.mkdir(exist_ok=True)
    for stale in FOLDER.glob(f"*{SUFFIX}"):
        stale.unlink()
    for each in fonts():
        path_of(each).write_bytes(encoded(each))
