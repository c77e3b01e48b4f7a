"""Assemble a class pack with pypdf. Pure: PDF bytes in, PDF bytes out.

Every copy of a fiche is appended from one ``PdfReader``, so all copies share the
sheet's content streams, fonts and images; each copy only adds its page objects.
What a copy gets written on it (the student's name, the date) is an overlay: a small form
XObject of its own, drawn after the sheet's content on that page of that copy, whose font
is shared by every student.
"""

from __future__ import annotations

import io
from typing import Callable, Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, IndirectObject,
                           NameObject, StreamObject)

from . import __version__
from .pack import COPY, COVER, KEY, Part, Sheet


def assemble(sheets: Sequence[Sheet], parts: Sequence[Part], *, labels: Sequence[str], title: str,
             by_student: bool = True, duplex: bool = True, extra: bytes | None = None,
             overlays: dict[tuple[int, int], Sequence[tuple[int, int]]] | None = None,
             progress: Callable[[int], None] = lambda n: None) -> bytes:
    """The pack as PDF bytes, with bookmarks, page labels, a title and print preferences.

    ``labels`` name each copy (« Copie 3 », « DUPONT Léa (4e B) »). ``extra`` is a PDF
    whose first page is the cover (when ``parts`` has one); ``overlays[(copy, sheet)]`` lists
    (page of that copy of that sheet, page of ``extra`` to write on it). ``duplex`` sets the
    print dialog's duplex preference.
    """
    overlays = overlays or {}
    students = [PdfReader(io.BytesIO(s.student)) for s in sheets]
    keys = [PdfReader(io.BytesIO(s.key)) for s in sheets]
    added = PdfReader(io.BytesIO(extra)) if extra else None
    writer = PdfWriter()
    graft = _Grafter(writer, added) if added else None
    for part in parts:
        if part.kind == COVER:
            writer.append(added, pages=[0], import_outline=False)
        else:
            writer.append((students if part.kind == COPY else keys)[part.fiche], import_outline=False)
            for page, index in overlays.get((part.copy, part.fiche), ()) if graft is not None else ():
                graft(writer.pages[part.start + page], index)
        for _ in range(part.blanks):
            writer.add_blank_page()
        progress(1)
    _retag(writer)
    _navigate(writer, sheets, parts, labels, by_student)
    writer.add_metadata({"/Title": title, "/Creator": f"worksheet-gen {__version__}"})
    writer.page_mode = "/UseOutlines"
    prefs = writer.create_viewer_preferences()  # what the print dialog proposes
    prefs.print_scaling = "/None"  # true size: rulings and grids keep their pitch
    prefs.duplex = "/DuplexFlipLongEdge" if duplex else "/Simplex"
    writer.pdf_header = "%PDF-1.7"  # the version that defines /Duplex
    if "/Lang" in students[0].trailer["/Root"]:
        writer.root_object[NameObject("/Lang")] = students[0].trailer["/Root"]["/Lang"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def warm() -> None:
    """Read, append, bookmark and write a one-page PDF once: what pypdf imports and prepares on first use
    (about 8 ms) is then ready for the first pack. The assembler process does it while it waits for one."""
    blank = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.write(blank)
    writer = PdfWriter()
    writer.append(PdfReader(blank), import_outline=False)
    writer.add_outline_item(title="-", page_number=0)
    writer.set_page_label(0, 0, prefix="-")
    writer.write(io.BytesIO())


class _Grafter:
    """Adds a page of the extra PDF to a pack page as an overlay: that page's drawing and resources as a
    form XObject of its own (one per page of the extra PDF, however many pack pages it goes on), drawn
    after the sheet's own content by a stream every overlaid page shares."""

    NAME = NameObject("/WgOverlay")  # the overlay in each overlaid page's resources

    def __init__(self, writer: PdfWriter, source: PdfReader):
        self.writer, self.source = writer, source
        self.push = self._add(_stream(b"q\n"))  # shared by every overlaid page: keep the sheet's state apart
        self.pop = self._add(_stream(b"\nQ\n"))
        self.draw: IndirectObject | None = None  # made at the first overlay: packs without any keep their bytes
        self.done: dict[int, IndirectObject] = {}

    def _add(self, stream: StreamObject) -> IndirectObject:
        return self.writer._add_object(stream)

    def _overlay(self, index: int) -> IndirectObject:
        """The form XObject of page index of the extra PDF: its content as drawn, never parsed."""
        if index not in self.done:
            src = self.source.pages[index]
            contents = src["/Contents"].get_object()
            if isinstance(contents, StreamObject):  # as reportlab writes a page: copied compressed, as it is
                form = contents.clone(self.writer)
            else:
                form = self._add(_stream(src.get_contents().get_data()).flate_encode()).get_object()
            form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                         NameObject("/BBox"): ArrayObject(FloatObject(v) for v in src.mediabox),
                         NameObject("/Resources"): src["/Resources"].clone(self.writer, ignore_fields=("/ProcSet",))})
            self.done[index] = form.indirect_reference
        return self.done[index]

    def __call__(self, page, index: int) -> None:
        if self.draw is None:
            self.draw = self._add(_stream(f"\n{self.NAME} Do\n".encode()))
        overlay = self._overlay(index)
        contents = page.get("/Contents")
        own = list(contents) if isinstance(contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([self.push, *own, self.pop, self.draw])
        resources = DictionaryObject(page["/Resources"].get_object())
        forms = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        forms[self.NAME] = overlay
        resources[NameObject("/XObject")] = forms
        page[NameObject("/Resources")] = resources


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _retag(writer: PdfWriter) -> None:
    """Give every font subset its own tag: each source PDF names its subsets AAAAAA+…, and
    a printer that caches fonts by name would draw one subset's glyphs with another's."""
    seen: set[int] = set()
    for page in writer.pages:
        for font in (ref.get_object() for fonts in _fonts(page) for ref in fonts.values()):
            if id(font) in seen or "+" not in font.get("/BaseFont", ""):
                continue
            seen.add(id(font))
            n, tag = len(seen) - 1, ""
            for _ in range(6):
                n, letter = divmod(n, 26)
                tag = chr(65 + letter) + tag
            name = NameObject(f"/{tag}+{font['/BaseFont'].split('+', 1)[1]}")
            font[NameObject("/BaseFont")] = name
            if "/FontDescriptor" in font:
                font["/FontDescriptor"].get_object()[NameObject("/FontName")] = name


def _fonts(page) -> list:
    """The font dictionaries a page draws with: its own, then its form XObjects' (the overlays)."""
    resources = page.get("/Resources", DictionaryObject()).get_object()
    out = [resources.get("/Font", DictionaryObject()).get_object()]
    for ref in resources.get("/XObject", DictionaryObject()).get_object().values():
        form = ref.get_object()
        if form.get("/Subtype") == "/Form":
            out.append(form.get("/Resources", DictionaryObject()).get_object().get("/Font", DictionaryObject())
                       .get_object())
    return out


def _navigate(writer: PdfWriter, sheets: Sequence[Sheet], parts: Sequence[Part], labels: Sequence[str],
              by_student: bool) -> None:
    """Bookmarks and page labels: the cover, each copy (and its fiches), each corrigé."""
    several = len({p.position for p in parts if p.kind == COPY}) > 1
    profiles = len({sheets[p.fiche].profile for p in parts if p.kind == KEY}) > 1
    parents: dict[object, object] = {}
    for part in parts:
        last = part.start + part.pages + part.blanks - 1
        if part.kind == COVER:
            writer.add_outline_item(title="Couverture", page_number=part.start)
            writer.set_page_label(part.start, last, prefix="Couverture")
            continue
        fiche = sheets[part.fiche]
        if part.kind == KEY:
            if "keys" not in parents:
                count = sum(p.kind == KEY for p in parts)
                parents["keys"] = writer.add_outline_item(title="Corrigés" if count > 1 else "Corrigé",
                                                          page_number=part.start)
            if several or profiles:
                writer.add_outline_item(title=f"Corrigé — {fiche.name}", page_number=part.start,
                                        parent=parents["keys"])
            tag = fiche.slug if fiche.profile == "standard" else f"{fiche.slug}-{fiche.profile}"
            writer.set_page_label(part.start, last, style="/D", prefix=f"Corrigé {tag} p. ", start=1)
            continue
        who = labels[part.copy]
        group = ("copy", part.copy) if by_student else ("fiche", part.position)
        if group not in parents:
            head = who if group[0] == "copy" else fiche.title
            parents[group] = writer.add_outline_item(title=head, page_number=part.start, is_open=False)
        if several or group[0] == "fiche":
            child = fiche.name if group[0] == "copy" else who
            writer.add_outline_item(title=child, page_number=part.start, parent=parents[group])
        prefix = f"{who} · {fiche.slug} p. " if several else f"{who} p. "
        writer.set_page_label(part.start, last, style="/D", prefix=prefix, start=1)

