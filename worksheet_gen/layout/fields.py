"""Form fields drawn where the student answers: recorded by flowables as they are drawn, written into
the PDF page by page (the page count is known only at the end, and a field must name its page).

Text fields use Helvetica, one of the standard PDF fonts that form fields accept; check boxes and
radio buttons draw a check mark over the printed box. Names and tooltips come from form/plan.py.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib import colors
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString

from ..form.plan import FINGERPRINT, part
from ..quickdc import dataclass

INK = colors.HexColor("#1A3C8C")  # what the student types or ticks: a pen's blue
FONT = "Helvetica"
MIN_SIZE = 11  # points: field text is never smaller, whatever the profile
_RADIO = (1 << 15) | (1 << 14)  # radio, and no toggling off by clicking again


@dataclass(frozen=True)
class Spot:
    """Where a flowable's answers go: the base name of its fields, their tooltip and text size."""

    name: str
    tooltip: str
    size: float = MIN_SIZE
    more: str = "suite"  # added to the tooltip of a part after a page break
    item: str = "réponse"  # « réponse 2 »: added to the tooltip of a blank
    options: tuple[str, ...] = ()  # a closed question's option texts, the buttons' export values
    radio: bool = False  # one option (radio buttons), else any (check boxes)


def _pending(canv) -> list:
    """The fields recorded on the canvas's current page."""
    store = canv.__dict__.setdefault("_form_fields", {})
    return store.setdefault(canv.getPageNumber(), [])


def _absolute(canv, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    x0, y0 = canv.absolutePosition(x, y)
    x1, y1 = canv.absolutePosition(x + w, y + h)
    return round(x0, 2), round(y0, 2), round(x1 - x0, 2), round(y1 - y0, 2)


def text(canv, spot: Spot, name: str, x: float, y: float, w: float, h: float, *, multiline: bool,
         continued: bool = False, blank: int = 0) -> None:
    """Record a text field over the rectangle (x, y, w, h) of the flowable being drawn."""
    tooltip = spot.tooltip + (f" — {spot.item} {blank}" if blank else "") + (f" ({spot.more})" if continued else "")
    _pending(canv).append(("text", name, tooltip, _absolute(canv, x, y, w, h), multiline, spot.size))


def button(canv, spot: Spot, index: int, x: float, y: float, side: float) -> None:
    """Record the button of option ``index`` over its printed box: a radio button of the group
    ``spot.name``, or the check box ``<name>_o<index + 1>``."""
    option = spot.options[index]
    name = spot.name if spot.radio else f"{spot.name}_o{index + 1}"
    tooltip = spot.tooltip if spot.radio else f"{spot.tooltip} — {option}"
    _pending(canv).append(("radio" if spot.radio else "check", name, tooltip, _absolute(canv, x, y, side, side),
                           index, option))


def space(canv, spot: Spot, *, x0: float, x1: float, top: float, pitch: float, first: int, count: int,
          lines: int, blanks: frozenset | None) -> None:
    """The text fields over the ruled lines first..first+count-1 of an answer space whose top is at
    ``top``: one over them all, or, for a list (``blanks`` not None), one per blank, a blank running
    from the line of its bullet to the next bullet's."""
    end = first + count

    def add(name: str, a: int, b: int, start: int, blank: int = 0) -> None:
        y_top, y_bottom = top - (a - first) * pitch, top - (b - first) * pitch
        text(canv, spot, part(name, a, start), x0, y_bottom + 0.6, x1 - x0, y_top - y_bottom - 0.6,
             multiline=b - a > 1, continued=a > start, blank=blank)

    if blanks is None:
        add(spot.name, first, end, 0)
        return
    starts = sorted(blanks) or [0]
    starts[0] = 0
    for k, (s, e) in enumerate(zip(starts, starts[1:] + [lines]), 1):
        a, b = max(s, first), min(e, end)
        if a < b:
            add(f"{spot.name}_i{k}", a, b, s, k)


def emitter(fingerprint: str) -> Callable:
    """What writes the recorded fields of a page into the PDF (call it before the page is shown);
    page 1 also gets the hidden field holding the fingerprint."""
    groups: dict[str, tuple] = {}
    streams: dict[tuple, object] = {}

    def emit(canv) -> None:
        form = canv.acroForm
        if canv.getPageNumber() == 1:
            form.textfield(name=FINGERPRINT, value=fingerprint, x=0, y=0, width=1, height=1, fontName=FONT,
                           fontSize=1, borderWidth=0, fillColor=None, borderColor=None, textColor=None,
                           annotationFlags="hidden", fieldFlags="readOnly", maxlen=0)
        for item in canv.__dict__.get("_form_fields", {}).pop(canv.getPageNumber(), []):
            if item[0] == "text":
                _, name, tooltip, (x, y, w, h), multiline, size = item
                form.textfield(name=name, tooltip=tooltip, value="", x=x, y=y, width=w, height=h, fontName=FONT,
                               fontSize=size, textColor=INK, fillColor=None, borderColor=None, borderWidth=0,
                               fieldFlags="multiline" if multiline else "", maxlen=0)
            else:
                _button(canv, item, groups, streams)
        for group, kids, options in groups.values():  # complete on every page: the last page's state is the one saved
            group["Kids"] = PDFArray(list(kids))
            group["Opt"] = PDFArray([PDFString(o) for o in options])

    return emit


def _button(canv, item: tuple, groups: dict, streams: dict) -> None:
    """Write one radio button (a kid of its group) or one check box, with a check mark as its on appearance."""
    kind, name, tooltip, (x, y, side, _), index, option = item
    form = canv.acroForm
    state = str(index) if kind == "radio" else "0"
    ap = {}
    for key in "ND":
        ap[key] = PDFDictionary({state: _stream(form, streams, key, True, side),
                                 "Off": _stream(form, streams, key, False, side)})
    widget = dict(Type=PDFName("Annot"), Subtype=PDFName("Widget"), Rect=PDFArray([x, y, x + side, y + side]),
                  P=canv._doc.thisPageRef(), F=4, AS=PDFName("Off"), AP=PDFDictionary(ap),
                  MK=PDFDictionary({"CA": PDFString("4")}))  # ZapfDingbats « 4 »: a check mark
    if kind == "radio":
        if name not in groups:
            group = PDFDictionary(dict(FT=PDFName("Btn"), Ff=_RADIO, T=PDFString(name), TU=PDFString(tooltip)))
            groups[name] = (group, [], [])
            form.fields.append(form.getRef(group))
        group, kids, options = groups[name]
        widget["Parent"] = form.getRef(group)
        annotation = PDFDictionary(widget)
        canv._addAnnotation(annotation)
        kids.append(form.getRef(annotation))
        options.append(option)
        return
    widget.update(FT=PDFName("Btn"), T=PDFString(name), TU=PDFString(tooltip), V=PDFName("Off"),
                  Opt=PDFArray([PDFString(option)]))
    annotation = PDFDictionary(widget)
    canv._addAnnotation(annotation)
    form.fields.append(form.getRef(annotation))


def _stream(form, streams: dict, key: str, on: bool, side: float):
    """The appearance of a button, made once per look: a check mark in the student's ink, or nothing."""
    look = (key, on, round(side, 2))
    if look not in streams:
        ap = form.checkboxAP(key, "Yes" if on else "Off", buttonStyle="check", shape="square", fillColor=None,
                             borderColor=None, textColor=INK, borderWidth=None, size=side)
        streams[look] = form.getRef(ap)
    return streams[look]

