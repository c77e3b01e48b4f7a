"""Pictures, read once per process: measured, decoded, turned upright, reduced to what the print needs.

``load`` reads and decodes a picture file the first time it is asked for (validation does), and
keeps it upright (EXIF orientation applied) and no larger than a page at 300 dpi. ``for_print``
gives the renderer the bytes to embed for one printed width: the file itself when it needs no
change, else the picture resampled to about 300 dpi at that width. A 49-megapixel photo drawn
twelve times is decoded once, and never embedded larger than its print.
"""

from __future__ import annotations

import hashlib
import io
import math
import warnings
from functools import lru_cache

from . import files
from .errors import os_reason
from .quickdc import dataclass

DPI = 300
MAX_BYTES = 20 * 1024 * 1024  # a picture file (docs/format.md)
MAX_PIXELS = 50_000_000
PAGE_MM = (210.0, 297.0)  # no picture is printed larger than the page
SLACK = 1.25  # a picture up to this much sharper than 300 dpi is embedded as it is
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


class PictureError(Exception):
    """Raised when a picture cannot be printed; ``kind`` says why (damaged, format, pixels, size, read)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(kind, detail)
        self.kind, self.detail = kind, detail


@dataclass(frozen=True)
class Picture:
    """A decoded picture: the file's bytes and sha256, its format, and the upright image, at most page-sized."""

    data: bytes
    sha256: str
    format: str  # PNG or JPEG: how a reduced copy is encoded
    size: tuple[int, int]  # upright, in pixels, as in the file
    image: object  # the loaded PIL image, upright, reduced to a page at 300 dpi when larger
    rotated: bool  # the file's pixels must be turned to be upright
    recoded: bool = False  # its pixels were brought to 8 bits (16-bit grey): the file's bytes would print wrong


def _pixels(mm: float) -> int:
    return math.ceil(mm / 25.4 * DPI)


@lru_cache(maxsize=32)
def load(path: str) -> Picture:
    """Read, check and decode a picture file once per process; PictureError when it cannot be printed."""
    from PIL import Image, ImageOps

    try:
        data = files.read(path, MAX_BYTES)
    except files.TooLarge as exc:
        raise PictureError("size", str(exc.size)) from exc
    except OSError as exc:
        raise PictureError("read", os_reason(exc)) from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                if im.format not in ("PNG", "JPEG", "MPO"):
                    raise PictureError("format", im.format or "")
                if im.size[0] * im.size[1] > MAX_PIXELS:
                    raise PictureError("pixels", f"{im.size[0]} × {im.size[1]}")
                if min(im.size) < 1:
                    raise PictureError("damaged")
                im.verify()
            im = Image.open(io.BytesIO(data))
            kind = "PNG" if im.format == "PNG" else "JPEG"
            orientation = im.getexif().get(0x0112, 1)
            size = (im.size[1], im.size[0]) if orientation in _ROTATED else im.size
            most = _fit(size, (_pixels(PAGE_MM[0]), _pixels(PAGE_MM[1])))
            im.draft(None, (most[1], most[0]) if orientation in _ROTATED else most)  # a JPEG is decoded smaller
            im.load()  # a PNG is decoded whole (4 bytes a pixel at most: 16 bits are read as 8), once
            if orientation != 1:
                ImageOps.exif_transpose(im, in_place=True)  # no copy of the decoded picture when upright
            recoded = im.mode.startswith("I")  # 16-bit grey: 0-65535, which conversions clip to white at 255
            if recoded:
                im = im.convert("I").point(lambda value: value / 256).convert("L")
            if im.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                im = im.convert("RGBA" if "A" in im.mode else "RGB")
            if im.size[0] >= 2 * most[0] and im.mode in ("L", "LA", "RGB", "RGBA"):
                im = _reduced(im, im.size[0] // most[0])
            if im.size[0] > most[0]:
                im = im.resize(most, Image.LANCZOS)
    except PictureError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureError("pixels") from exc
    except Exception as exc:  # Pillow raises many kinds of errors on damaged files; all mean the same here
        raise PictureError("damaged") from exc
    return Picture(data, hashlib.sha256(data).hexdigest(), kind, size, im, orientation != 1, recoded)


BAND = 256  # rows of the decoded picture reduced at a time


def _reduced(im, factor: int):
    """im reduced by a whole factor (each factor × factor box of pixels averaged), a band of rows at a time: an
    RGBA picture is never copied whole (Pillow premultiplies its alpha into a copy), and the decoded picture is
    freed before anything else is made of it."""
    from PIL import Image

    width, height = im.size
    out = Image.new(im.mode, (-(-width // factor), -(-height // factor)))
    for top in range(0, height, BAND * factor):
        band = im.crop((0, top, width, min(height, top + BAND * factor)))
        out.paste(band.reduce(factor), (0, top // factor))
    return out


def _fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """size reduced, keeping its proportions, to fit in box (never enlarged)."""
    scale = min(1.0, box[0] / size[0], box[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


@lru_cache(maxsize=64)
def for_print(path: str, width_pt: float) -> bytes:
    """The bytes to embed for a picture printed width_pt wide: about 300 dpi, upright, PNG or JPEG as its file."""
    from PIL import Image

    picture = load(path)
    w, h = picture.size
    need = _pixels(width_pt / 72 * 25.4)
    if not picture.rotated and not picture.recoded and w <= need * SLACK:
        return picture.data  # as it is: the same bytes as before this module existed
    im = picture.image
    if im.size[0] > need:
        im = im.resize((need, max(1, round(need * h / w))), Image.LANCZOS)
    out = io.BytesIO()
    if picture.format == "PNG":
        im.save(out, "PNG")
    else:
        (im if im.mode in ("RGB", "L") else im.convert("RGB")).save(out, "JPEG", quality=90)
    return out.getvalue()


def sha256(path: str) -> str | None:
    """The sha256 of the bytes decoded for a picture (read now when this process has not loaded it)."""
    try:
        return load(path).sha256
    except PictureError:
        return files.sha256_file(path)
