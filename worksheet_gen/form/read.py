"""Filled forms as students hand them in, read as untrusted input: files, folders and .zip archives.

Nothing is ever extracted to disk: an archive's members are read into memory, each one cut
at MAX_FILE bytes whatever its header claims, so a zip bomb costs at most that much. Every
bound is a constant below (docs/forms.md lists them). A file that cannot be read is a
problem naming it; the others are still read.
"""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import os
import re
import signal
import stat
import struct
import zipfile
from dataclasses import field
from pathlib import Path
from typing import Iterator

from ..i18n import Msg, Number, _
from .. import files
from ..errors import escaped, os_reason, quote
from ..quickdc import dataclass

MAX_FILE = 20 * 2**20  # bytes of one PDF
MAX_FILES = 2000  # files read in one run, folders and archives included
MAX_ARCHIVE = 2 * 2**30  # bytes of one .zip file on disk
MAX_DIRECTORY = 2 * 2**20  # bytes of an archive's table of contents (about 20,000 names)
MAX_FIELDS = 5000  # form fields read in one PDF
MAX_DEPTH = 8  # levels of nested fields
MAX_VALUE = 32_768  # characters kept of one field's value: more than a cell of the table holds (it cuts them with …)
SECONDS = 10  # to read the fields of one PDF
STREAM = 8 * 2**20  # bytes a stream of a PDF may inflate to (a form's own are a few KiB)
SKIPPED = {"__MACOSX", "Thumbs.db", "desktop.ini"}  # what file managers and archivers add


@dataclass
class Handed:
    """One file handed in: its name as the teacher sees it (path, or archive.zip:member) and its bytes,
    or the reason it cannot be read."""

    name: str
    data: bytes | None = None
    problem: Msg | str = ""
    hint: Msg | str = ""


@dataclass
class Form:
    """The values read from one filled PDF: field name -> text, the on-state of a button, or None."""

    values: dict[str, str | None] = field(default_factory=dict)


class Unreadable(Exception):
    """Raised when a handed-in file cannot be read as a filled form: message, hint."""

    def __init__(self, message: Msg, hint: Msg | str = ""):
        super().__init__(str(message))
        self.message, self.hint = message, hint


def shown(name: str) -> str:
    """A file name safe to print: control and direction characters (which could drive the terminal or
    reverse the line) shown as escapes."""
    return escaped(name)


def _skipped(name: str) -> bool:
    """Whether a file or folder name is one a file manager or archiver adds (hidden, __MACOSX…)."""
    return name in SKIPPED or (name.startswith(".") and name not in (".", ".."))


def gather(paths: list[str], *, exclude: frozenset[Path] = frozenset()) -> Iterator[Handed]:
    """Each file that paths name, in order: files as given, folders walked (sorted, hidden files skipped),
    .zip archives opened; at most MAX_FILES in all. Only regular files are read (a pipe or a device is a
    problem at once), and in a folder walked, never a link to a file outside it."""
    count = 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _skipped(d))
                found += [Path(folder) / n for n in sorted(names) if not _skipped(n)]
        elif os.path.lexists(path):
            found, path = [path], None  # named on the command line: the user's to choose, links and all
        else:
            yield Handed(shown(raw), problem=_("no such file or folder"))
            continue
        for file in found:
            if file.resolve() in exclude:
                continue
            for handed in _open(file, path):
                count += 1
                if count > MAX_FILES:
                    yield Handed(shown(str(file)), problem=_("more than {limit} files handed in: the rest is not read").format(
                        limit=MAX_FILES),
                                 hint=_("collect the classes one at a time"))
                    return
                yield handed


def _open(file: Path, folder: Path | None) -> Iterator[Handed]:
    """The file itself, or each member of a .zip archive (found in folder, when one was walked)."""
    name = shown(str(file))
    try:
        info = file.stat()
        if folder is not None and file.is_symlink() and folder.resolve() not in file.resolve().parents:
            yield Handed(name, problem=_('is a link to a file outside the folder: it is not read'),
                         hint=_('copy the form itself into the folder'))
            return
        if not stat.S_ISREG(info.st_mode):
            yield Handed(name, problem=_('is not a regular file (a pipe, a device or a socket): it is not read'),
                         hint=_('copy the form itself into the folder'))
            return
        if file.suffix.lower() == ".zip":  # not .docx, .odt…: those are zips too, but not handed-in forms
            yield from _members(file, name, info.st_size)
            return
        if info.st_size > MAX_FILE:
            yield _too_large(name, info.st_size)
            return
        yield Handed(name, files.read(file, MAX_FILE))
    except files.TooLarge as exc:  # it grew since it was measured
        yield _too_large(name, exc.size)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        yield Handed(name, problem=_("cannot be read: {reason}").format(reason=os_reason(exc)))


def _too_large(name: str, size: int) -> Handed:
    return Handed(name, problem=_("is too large for a filled form ({size} MiB, at most {limit} MiB)").format(
        size=f"{size / 2**20:.0f}", limit=MAX_FILE // 2**20),
        hint=_("ask the student for the form itself, saved after filling it in"))


def _members(file: Path, name: str, size: int) -> Iterator[Handed]:
    """The members of an archive, read into memory; a damaged or oversized archive is one problem."""
    if size > MAX_ARCHIVE:
        yield Handed(name, problem=_("is too large an archive ({size} GiB, at most {limit} GiB)").format(
            size=Number(size / 2**30, ".1f"), limit=MAX_ARCHIVE // 2**30))
        return
    if not _directory_fits(file):
        yield Handed(name, problem=_("is an archive with too many files in it"),
                     hint=_("at most {limit} files, and a table of contents of {size} MiB").format(
                         limit=MAX_FILES, size=MAX_DIRECTORY // 2**20))
        return
    try:
        with zipfile.ZipFile(file) as archive:
            infos = sorted((i for i in archive.infolist()
                            if not i.is_dir() and not any(_skipped(part) for part in i.filename.split("/"))),
                           key=lambda i: i.filename)
            if len(infos) > MAX_FILES:
                yield Handed(name, problem=_("is an archive of {count} files, at most {limit}").format(
                    count=len(infos), limit=MAX_FILES))
                return
            for info in infos:
                yield _member(archive, info, f"{name}:{shown(info.filename)}")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        yield Handed(name, problem=_("is a damaged archive: {error}").format(error=os_reason(exc)), hint=_("download it again from the ENT"))


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Handed:
    """One member's bytes, never more than MAX_FILE + 1 of them whatever its header says."""
    if info.flag_bits & 0x1:
        return Handed(name, problem=_("is encrypted in its archive"), hint=_("extract it with its password first"))
    if info.file_size > MAX_FILE:
        return _too_large(name, info.file_size)
    try:
        with archive.open(info) as member:
            data = member.read(MAX_FILE + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        return Handed(name, problem=_("cannot be read from its archive: {error}").format(
            error=os_reason(exc)), hint=_("download the archive again"))
    if len(data) > MAX_FILE:
        return Handed(name, problem=_("is too large for a filled form (over {limit} MiB once unpacked)").format(
            limit=MAX_FILE // 2**20))
    if info.filename.lower().endswith(".zip"):
        return Handed(name, problem=_("is an archive inside an archive"), hint=_("extract the inner archive first"))
    return Handed(name, data)


def _directory_fits(file: Path) -> bool:
    """Whether an archive's table of contents is within the bounds, read from its end record before
    zipfile loads the whole table into memory (a damaged end record is left for zipfile to report)."""
    with file.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - 65_557))
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return True
    entries, size = struct.unpack("<4s4H2LH", tail[at:at + 22])[4:6]
    return entries < 0xFFFF and size < min(0xFFFFFFFF, MAX_DIRECTORY)


@contextlib.contextmanager
def _deadline(seconds: int):
    """Raise Unreadable when the block runs longer than seconds (where the system has timers)."""
    if not hasattr(signal, "setitimer") or os.name == "nt":
        yield
        return
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise Unreadable(_("takes too long to read (over {seconds} s): it is probably damaged").format(seconds=seconds),
                         _("ask the student to save the form again"))

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)  # again every 0.5 s, should pypdf swallow one
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _limits():
    """pypdf's own bounds, lowered for a filled form: no stream of it inflates beyond STREAM bytes
    (where pypdf lets them be set: 7.0 and later)."""
    import pypdf

    apply = getattr(pypdf, "apply_configuration", None)
    if apply is None:
        return contextlib.nullcontext()
    return apply(**{name: STREAM for name in ("zlib_maximum_output_length", "lzw_maximum_output_length",
                                              "run_length_maximum_output_length", "brotli_maximum_output_length",
                                              "array_based_stream_maximum_output_length", "image_maximum_buffer_size",
                                              "jbig2_maximum_output_length")},
                 maximum_declared_stream_length=MAX_FILE, form_fields_maximum_entries=MAX_FIELDS)


@contextlib.contextmanager
def _quiet_pypdf():
    """pypdf logs what it repairs in damaged files; the teacher gets one line per file instead."""
    logger = logging.getLogger("pypdf")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


def read_form(data: bytes) -> Form:
    """The field values of a PDF's bytes; raises Unreadable for anything that is not a readable form."""
    if b"%PDF-" not in data[:1024]:
        raise Unreadable(_("is not a PDF"), _("ask the student for the PDF form itself, saved after filling it in"))
    import warnings

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, LimitReachedError

    with _quiet_pypdf(), warnings.catch_warnings(), _limits(), _deadline(SECONDS):
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _opens_without_password(reader):
                raise Unreadable(_("is protected by a password"),
                                 _("ask the student to save the form again without a password"))
            return Form(_values(reader))
        except Unreadable:
            raise
        except DependencyError:  # AES needs the cryptography package, which the tool does not require
            raise Unreadable(_('is encrypted with AES, which this installation of worksheet-gen cannot read'),
                             _("ask the student to save the form again without protection, or install the Python package 'cryptography' next to worksheet-gen")) from None
        except MemoryError:
            raise Unreadable(_("is too large to read"), _("ask the student to save the form again")) from None
        except LimitReachedError as exc:  # one of pypdf's bounds (_limits): no form worksheet-gen makes comes near
            if re.search(r"decompress|length|size", str(exc), re.IGNORECASE):
                raise Unreadable(_("is too large to read"), _("ask the student to save the form again")) from None
            raise _too_many() from None
        except Exception:  # pypdf raises many kinds on damaged files; none may stop the others
            raise Unreadable(_('is damaged: it cannot be read as a PDF'), _('ask the student to save the form again')) from None
        finally:
            reader = None
            gc.collect()  # a reader's objects point back to it: freed now, memory stays that of one file


def _opens_without_password(reader) -> bool:
    """Whether an encrypted PDF opens with the empty password (some viewers protect only its permissions)."""
    from pypdf.errors import DependencyError

    try:
        return bool(reader.decrypt(""))
    except DependencyError:  # AES without the cryptography package: read_form says so
        raise
    except Exception:
        return False


def _too_many() -> Unreadable:
    return Unreadable(_("has too many form fields or parts (a form has at most {limit} fields): the form was "
                        "altered").format(limit=MAX_FIELDS), _("ask the student for a new copy of the form, filled in"))


def _values(reader) -> dict[str, str | None]:
    """Every terminal field's value by its full name, walked with bounds (depth, count, no loops)."""
    from pypdf.generic import ArrayObject, DictionaryObject

    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else None
    form = root.get("/AcroForm") if isinstance(root, DictionaryObject) else None
    form = form.get_object() if form is not None else None
    fields = form.get("/Fields") if isinstance(form, DictionaryObject) else None
    fields = fields.get_object() if fields is not None else None
    if not isinstance(fields, ArrayObject) or not fields:
        raise Unreadable(_("has no form fields left: it was printed to PDF or flattened"),
                         _("ask the student to save the filled form with « Enregistrer », not to print it"))
    out: dict[str, str | None] = {}
    seen: set[int] = set()
    stack = [(ref, "", 0, None) for ref in reversed(fields)]
    while stack:
        ref, prefix, depth, inherited = stack.pop()
        key = getattr(ref, "idnum", None)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        if len(seen) > MAX_FIELDS:
            raise _too_many()
        node = ref.get_object()
        if not isinstance(node, DictionaryObject) or depth > MAX_DEPTH:
            continue
        part = node.get("/T")
        name = f"{prefix}.{part}" if prefix and part is not None else str(part) if part is not None else prefix
        kind = node.get("/FT", inherited)
        kids = node.get("/Kids")
        kids = kids.get_object() if kids is not None else None
        named_kids = isinstance(kids, ArrayObject) and any(
            isinstance(k.get_object(), DictionaryObject) and "/T" in k.get_object() for k in kids)
        if named_kids:
            stack += [(k, name, depth + 1, kind) for k in reversed(kids)]
        elif name:
            out[name] = _value(node, kind, kids if isinstance(kids, ArrayObject) else ())
    return out


def _value(node, kind, widgets) -> str | None:
    """A field's value: its text, or the on-state of the button that is set (None when empty or off); at
    most MAX_VALUE characters. A value of another kind (a dictionary, a stream, a number) is Unreadable."""
    from pypdf.generic import NameObject, TextStringObject, ByteStringObject

    value = node.get("/V")
    value = value.get_object() if value is not None else None
    if kind == "/Btn":
        if value is not None and not isinstance(value, (NameObject, TextStringObject, ByteStringObject)):
            raise _odd(node)
        state = str(value).lstrip("/") if value is not None else ""
        if state in ("", "Off"):  # some writers set only the widgets' appearance state
            states = [w.get_object().get("/AS", "") for w in widgets[:MAX_FIELDS]] or [node.get("/AS", "")]
            state = next((str(s).lstrip("/") for s in states if isinstance(s, (NameObject, str))
                          and str(s).lstrip("/") not in ("", "Off")), "")
        return state[:MAX_VALUE] or None
    if value is None:
        return None
    if isinstance(value, ByteStringObject):
        value = value.decode("latin-1")
    elif not isinstance(value, TextStringObject):
        raise _odd(node)
    text = str(value)[:MAX_VALUE].replace("\r\n", "\n").replace("\r", "\n")
    return text if text.strip() else None


def _odd(node) -> Unreadable:
    """The problem of a field whose value is not a text (a form altered by hand or by another tool)."""
    name = node.get("/T")
    name = quote(shown(str(name)), 40) if isinstance(name, str) else _("of the form")
    return Unreadable(_('has a field {name} whose value is not a text: the form was altered').format(name=name),
                      _('ask the student to fill in a new copy of the form'))
