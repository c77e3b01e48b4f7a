"""Checks on what a fiche points to: web addresses printed as QR codes and local pictures.

Each check returns None when all is well, or a (message, hint) pair. Nothing here
touches the network: an address is only looked at, a picture is only read from disk.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from . import pictures
from .errors import os_reason, quote
from .i18n import Msg, Number, _
from .values import URL_PATTERN

QR_MM = 28.0  # printed size of a QR code, quiet zone included (layout/story.py QR_SIZE)
MIN_MODULE_MM = 0.5  # smaller modules do not scan reliably from paper with a phone
SCANNABLE_BYTES = 122  # what a version 7 code holds at level M: 53 modules with the quiet zone, 0.53 mm each
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MAX_IMAGE_MM = 240.0  # a picture must fit on one page, with its spacing
MAX_URL = 2000  # characters of an address: what every browser opens
LINK_SCHEMES = ("http://", "https://", "mailto:")  # what a link in text may open
_URL = re.compile(URL_PATTERN)  # also the JSON Schema's
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)

Problem = tuple[Msg, Msg] | None


def _too_long(url: str) -> Problem:
    if len(url) > MAX_URL:
        return (_("the address is too long ({count} characters, at most {limit})").format(count=len(url),
                                                                                         limit=MAX_URL),
                _("use the site's own short address, or remove tracking parts such as ?utm_source=…"))
    return None


def link_problem(url: str) -> Problem:
    """Why an address written as a link in a text cannot be one, if it cannot."""
    if not url.lower().startswith(LINK_SCHEMES):
        return (_("the link {link} is not a web or e-mail address (only https://, http:// and mailto: "
                  "links are made)").format(link=quote(url)),
                _("write the full address, e.g. [Onisep](https://www.onisep.fr)"))
    hidden = next((ch for ch in url if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")), None)
    if hidden is not None:  # a NUL or a direction mark in the address a click opens
        return (_("the link address holds an invisible character (U+{code})").format(code=f"{ord(hidden):04X}"),
                _("retype the address, or copy it again from the browser's address bar"))
    return _too_long(url)


def url_problem(url: str) -> Problem:
    """Why an address cannot be printed as a QR code, if it cannot."""
    too_long = _too_long(url)
    if too_long:
        return too_long
    if _SCHEME.match(url) and not url.lower().startswith(("http://", "https://")):
        return (_("{address} is not a web address (only http:// and https:// are printed)").format(
                    address=quote(url)), _("write it as https://example.org/page"))
    if not _URL.match(url):
        return (_("{address} is not a web address").format(address=quote(url)),
                _("write it as https://example.org/page, without spaces"))
    full = url if "://" in url else "https://" + url
    if len(full.encode("utf-8")) <= SCANNABLE_BYTES:
        return None  # no need to make the code (2 ms each: 25,000 links took a minute to check)
    try:
        module = module_mm(full)
    except ValueError:  # segno.DataOverflowError: no QR code holds it at all
        module = 0.0
    if module < MIN_MODULE_MM:
        return (_("the address is too long to scan once printed ({count} characters: its QR code would have "
                  "{size} mm dots, at least {least} mm are needed)").format(count=len(url), size=Number(module, ".2f"),
                                                                            least=Number(MIN_MODULE_MM)),
                _("use a shorter address, at most about 120 characters"))
    return None


def module_mm(url: str) -> float:
    """The size of one QR module once printed, for this address."""
    return QR_MM / qr_code(url).symbol_size()


class Code:
    """A QR code's modules, as segno made them: rows of 0 (light) and 1 (dark), without the quiet zone."""

    def __init__(self, rows: tuple[bytes, ...]):
        self.rows = rows

    def symbol_size(self, border: int = 4) -> int:
        """The number of modules across, quiet zone included."""
        return len(self.rows) + 2 * border

    def matrix_iter(self, border: int = 4):
        """The rows with their quiet zone, as segno's matrix_iter(scale=1, border=border) yields them."""
        blank = (0,) * self.symbol_size(border)
        margin = (0,) * border
        yield from [blank] * border
        for row in self.rows:
            yield margin + tuple(row) + margin
        yield from [blank] * border


def _rows(value: object) -> tuple[bytes, ...]:
    """Cached rows, checked: a square of 0s and 1s, of a size a QR code has (21 to 177 modules, by 4)."""
    if type(value) is not list or not 21 <= len(value) <= 177 or (len(value) - 21) % 4:
        raise ValueError("not a QR code")
    if not all(type(row) is str and len(row) == len(value) and set(row) <= {"0", "1"} for row in value):
        raise ValueError("not a QR code")
    return tuple(row.encode("ascii").translate(_BITS) for row in value)


_BITS = bytes.maketrans(b"01", b"\x00\x01")


@lru_cache(maxsize=256)
def qr_code(url: str) -> Code:
    """The QR code printed for an address, made once per machine: about 1.7 ms, and 2 ms
    more to import segno (quickqr: without its writers, its mask chosen on whole rows; segno's own took 3.7 and 18).
    The user cache keeps its modules, keyed by the address and segno's version."""
    from . import cache
    from .manifest import library_versions

    key = {"url": url, "segno": library_versions()["segno"], "error": "m", "boost": True}
    rows = cache.load("qr", key, _rows)
    if rows is None:
        from .quickqr import segno  # without its writers, its masks chosen on whole rows

        made = segno.make_qr(url, error="m", boost_error=True)
        rows = tuple(bytes(1 if v else 0 for v in row) for row in made.matrix)
        cache.store("qr", key, ["".join("01"[v] for v in row) for row in rows])
    return Code(rows)


def image(text: str, base_dir: Path, root: Path, *,
          guess: bool = True) -> tuple[Problem, Path | None, tuple[int, int] | None]:
    """Check a picture path written in a source, and decode the picture: (problem, resolved path, upright size).

    ``guess``: name the closest picture of the folder when the path names none."""
    if "\0" in text:  # no file name holds one (the text check reports the character itself)
        return (_("the image name holds a null character (U+0000)"), _("retype the file name")), None, None
    if _SCHEME.match(text) and not re.match(r"^[a-z]:[\\/]", text, re.IGNORECASE):
        return ((_("pictures are read from files, never from the web"),
                 _("download the picture, put it next to the source and give its file name")), None, None)
    if Path(text).is_absolute() or text.startswith(("~", "\\")) or re.match(r"^[a-z]:[\\/]", text, re.IGNORECASE):
        return ((_("an image path must be relative to the source file"), _("copy the picture next to the source")),
                None, None)
    try:
        target = (base_dir / text).resolve()
        root = root.resolve()
        if root != target and root not in target.parents:
            return ((_("the image {name} is outside the sources folder").format(name=quote(text)),
                     _("copy the picture into the sources folder")), None, None)
        if target.is_dir():
            return ((_("{name} is a folder, not a picture").format(name=quote(text)),
                     _("give the name of the picture file")), None, None)
        if not target.exists():
            return ((_("the image {name} does not exist").format(name=quote(text)),
                     _nearby(base_dir, text) if guess else _CHECK), None, None)
        if target.suffix.lower() not in IMAGE_SUFFIXES:
            return ((_("the image {name} is not a PNG or JPEG file").format(name=quote(text)),
                     _("convert it to PNG or JPEG")), None, None)
        picture = pictures.load(str(target))
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: a loop of links; ValueError: a NUL
        return _unreadable(quote(text), os_reason(exc)), None, None
    except pictures.PictureError as exc:
        return _PICTURE_PROBLEMS[exc.kind](quote(text), exc.detail), None, None
    return None, target, picture.size


def _unreadable(name: Msg, why: str) -> Problem:
    return _("cannot read the image {name}: {reason}").format(name=name, reason=why), _("check the file name")


_PICTURE_PROBLEMS = {
    "read": _unreadable,
    "size": lambda name, size: (_("the image {name} is too large ({size} MiB, at most {limit} MiB)").format(
        name=name, size=int(size) // 2**20, limit=pictures.MAX_BYTES // 2**20), _("save it smaller")),
    "format": lambda name, kind: (_("the image {name} is a {kind} picture, not PNG or JPEG").format(
        name=name, kind=kind), _("export it as PNG or JPEG from an image editor")),
    "pixels": lambda name, size: ((_("the image {name} has too many pixels ({size})") if size else
                                   _("the image {name} has too many pixels")).format(name=name, size=size),
                                  _("resize it to at most 4000 pixels wide")),
    "damaged": lambda name, detail: (_("the image {name} is damaged or not really a PNG or JPEG file").format(
        name=name), _("open it in an image editor and save it again as PNG or JPEG")),
}


def _nearby(base_dir: Path, text: str) -> Msg:
    """A hint naming the closest existing picture, when there is one."""
    folder = (base_dir / text).parent
    try:
        names = [p.name for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES]
    except OSError:
        names = []
    import difflib  # here: only a mistake needs it

    guess = difflib.get_close_matches(Path(text).name, names, n=1)
    if guess:
        return _("did you mean {name}?").format(name=quote(str(Path(text).parent / guess[0]).removeprefix("./")))
    return _CHECK


_CHECK = _("check the name and the folder: the path is relative to the source file")


def height_problem(text: str, size: tuple[int, int], width_mm: float) -> Problem:
    """Why a picture printed width_mm wide would not fit on a page, if it would not."""
    w, h = size
    height = width_mm * h / w
    if height <= MAX_IMAGE_MM:
        return None
    widest = int(MAX_IMAGE_MM * w / h)
    hint = (_("give 'width: {width}' or less").format(width=widest) if widest >= 5 else
            _("crop the picture: it is far taller than wide"))
    return (_("at {width} mm wide, the image {name} would be {height} mm tall, more than a page").format(
        width=Number(width_mm), name=quote(text), height=f"{height:.0f}"), hint)
