"""Inline markup and typography: source text in, reportlab paragraph markup out.

Source text knows **bold**, *italic*, [label](https://…), bare web and e-mail addresses and
`code`. Some text is printed exactly as written, never touched by typography (no « », no
added spaces, no superscripts): web and e-mail addresses, `code` (in the monospace face)
and text that looks like a tag or an attribute (``<a href="x">``). Everything else is
escaped, so user text can never inject reportlab markup.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterator

from .memo import memo

NNBSP = "\u202f"  # narrow no-break space, as typed or inserted by french()
LINK_COLOR = "#1F4E79"
MONO = "WG-Mono"  # reportlab name of the monospace face (fonts.FAMILIES["Mono"])
SCHEMES = ("http://", "https://", "mailto:")  # the only links a sheet makes

# Spans printed as written. Every repetition starts at the beginning of a run (look-behind)
# or stops at the next opening mark, so that finding them stays linear in the text's length.
# An address never ends with . , ; : ! ? ] ’ ', which end the sentence around it, and keeps the ")" after its
# last letter only as far as they close a "(" of its own (spans() cuts the others off), as GitHub's autolinks
# do: « (voir https://pix.fr) », but Infirmier_(France) whole.
_URL_TAIL = r"[^\s<>«»\"`]*[^\s<>«»\"`.,;:!?)\]’']\)*"
_VERBATIM = re.compile(
    r"``(?P<code2>[^\n]+?)``"
    r"|`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\[\]\n]+)\]\((?P<target>(?:[^()\s]|\([^()\s]*\))+)\)"
    r"|(?<![\w/.@-])(?P<url>(?:[hH][tT][tT][pP][sS]?://|[wW][wW][wW]\.)" + _URL_TAIL + ")"
    r"|(?<![\w.+@/-])(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})(?![\w@-])"
    r"|(?<![\w.@/-])(?P<site>(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/" + _URL_TAIL + ")"
    r"|(?P<tag><[A-Za-z/!?][^<>\n]*>)"
    r"|(?P<entity>&#?[A-Za-z0-9]{1,10};)"
    r"|(?<![\w-])(?P<attr>[\w-]+=\"[^\"\n]*\")"
)
# What every span holds (` [ / @ < & =, or www.): a text without any has none, and _VERBATIM need not look.
_MAYBE_SPAN = re.compile(r"[`\[/@<&=]|[wW][wW][wW]\.")
_BOLD = re.compile(r"\*\*")
_ITALIC = re.compile(r"(?<!\*)\*(?!\*)")
_TEXT_SPACE = re.compile(r" (?=[^<>]*(?:<|$))")  # a space outside any tag (user text is escaped)
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])(?<!\b[A-Z]\.)(?<!\bM\.)(?<!\bcf\.)(?<!\bex\.)(?<!\bp\.)"  # an end, not after M. J. cf.
    r" +(?=(?:[«\"(*][ \u00a0\u202f]?)*[A-ZÀ-ÖØ-Þ])"  # spaces, then a capital, maybe after « ( " **
)
# French class levels and ordinals: 1re, 1er, 1ère, 2de, 2nde, 2e, 3e, 12e, Tle (and plurals), also at the start
# of a class's name, whose number or capital letter follows at once: 6e2, 5eA, 1re3, Tle1 (not 1e3a5f, a code).
_LEVEL_END = r"(?=\b|(?:\d{1,2}|[A-Z])\b)"
_ORDINAL = re.compile(rf"\b(1)(res?|ers?|ères?){_LEVEL_END}|\b(\d{{1,2}})(es?|èmes?|des?|ndes?|nds?){_LEVEL_END}"
                      rf"|\b(T)(les?){_LEVEL_END}")
_HAS_SCHEME = re.compile(r"[A-Za-z][\w+.-]*:")
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+(?:[/?#]|$)")
# A number or an ordinal and the word it counts stay on one line (« 4 min », « le 1er mars », « 1re année », « la
# 2de B », « le XXIe siècle »), not a number and a link word. An ordinal as french() writes it (1ère is 1re by then);
# a Roman one has two numerals at least, or I, V, X alone (« Ce », « Le » are words).
_NUMBER_WORD = re.compile(r"((?<=\d)|\b(?:1(?:res?|ers?)|\d+(?:es?|des?|ndes?|nds?)|Tles?"
                          r"|(?:[IVX]|[IVXLC]{2,})(?:es?|ers?|res?)))"
                          r" (?=[^\W\d_])(?!(?:et|ou|à|au|aux|de|des|du|en|le|la|les|puis|pour|par|sur|"
                          r"avec|dans|and|or|to|in|of|the)\b)")
# French typography (french()): each pattern is applied only to a text holding the character it is about.
_PREMIERE = re.compile(r"\b(1)ère(s?)\b")
_IEME = re.compile(r"\b(\d{1,2})ème(s?)\b")
_SIGN = re.compile(r"[%€$£°‰]")
_PERCENT = re.compile(r"(?<=\d) (?=[€$£°‰])|(?<=\d)[ \u00a0]?(?=%(?![\w%]))")
# A number's groups of three digits (« 100 000 », « 1 234,5 »), not a year after a number (« en 2024 200 »).
_THOUSANDS = re.compile(r"(?<![\d,.])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)")
# The space between a number and the abbreviation before it: « p. 12 », « n° 5 », « § 3 », « 3 h 30 ».
_BEFORE_NUMBER = re.compile(r"(?:(?<![\w.])(?:(?:p|pp|art|chap|fig|vol)\.|[nN][°º]|§)|(?<=\d)h|(?<=\d\u00a0)h)"
                            r" (?=\d)")
_APOSTROPHE = re.compile(r"(\w)'")
_QUOTES = re.compile(r'"\s*([^"]*?)\s*"')
_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_CLOSING = re.compile(r"[ \u00a0\u202f]*»")
_HIGH_MARK = re.compile(r"(?<=[^\s;!?:«(\[])[ \u00a0\u202f]?([;!?]+)")
_COLON = re.compile(r"(?<=[^\s;!?:«(\[\d])[ \u00a0\u202f]?:(?=\s|$)")
_NUMBER_COLON = re.compile(r"(?<=\d) :(?=\s|$)")
# What starts a run of another type in a paragraph: a mark (** * `), a link or an address, punctuation
# French typography sets apart (; : ! ? « » % €, a typed narrow space), an ordinal's raised ending. Each run
# costs the layout about as much as a line of plain text; a text is over-counted rather than under.
RUN = re.compile(r'\*\*|\*|`+|\]\(|://|@|www\.|[;:!?«»%€"<>&\n\u202f]'
                 rf"|\b(?:1(?:res?|ers?|ères?)|\d{{1,2}}(?:es?|èmes?|des?|ndes?|nds?)|Tles?){_LEVEL_END}")
_SLOT = "\U000f0000"  # a private-use character marks where a span printed as written goes back


class Span(namedtuple("Span", "start end kind shown target", defaults=("",))):  # not typing's: 2.9 ms to import
    """A part of a text printed as written: its place (start, end), its kind (code, link, url, email, site,
    tag, attr, entity), what it shows (shown: a link's label) and the address a link points to (target,
    "" when it is not a link)."""

    __slots__ = ()


_SPANS: dict = {}  # text -> its spans: validation, the student sheet and the corrigé look for them in the same texts
MAX_SPANS = 4096


def spans(text: str, *, address: bool = False) -> Iterator[Span]:
    """The spans of text printed as written (code, addresses, tag-like text) and the links, in order;
    ``address``: the whole text is one web address (a video's, checked as such), whatever it holds."""
    if address:
        return iter((Span(0, len(text), "url", text, text),))
    found = _SPANS.get(text)
    if found is None:
        if len(_SPANS) >= MAX_SPANS:
            _SPANS.clear()
        found = _SPANS[text] = tuple(_find_spans(text))
    return iter(found)


def _find_spans(text: str) -> Iterator[Span]:
    """The spans of text, found afresh (see spans)."""
    if not _MAYBE_SPAN.search(text):  # most texts: none of the characters any span needs
        return
    for m in _VERBATIM.finditer(text):
        kind = m.lastgroup if m.lastgroup != "target" else "link"
        if kind in ("code", "code2"):
            yield Span(m.start(), m.end(), "code", m.group(kind))
        elif kind == "link":
            yield Span(m.start(), m.end(), "link", m.group("label"), m.group("target"))
        elif kind in ("url", "site"):
            url = _closed(m.group(kind))
            target = url if kind == "url" and "://" in url else "https://" + url
            yield Span(m.start(), m.start() + len(url), kind, url, target)
        elif kind == "email":
            yield Span(m.start(), m.end(), kind, m.group(kind), "mailto:" + m.group(kind))
        else:
            yield Span(m.start(), m.end(), kind, m.group(kind))


def _closed(url: str) -> str:
    """The address without the ")" at its end that close no "(" of its own (they close the text's)."""
    unclosed = url.count(")") - url.count("(")
    ending = len(url) - len(url.rstrip(")"))
    return url[:len(url) - min(max(unclosed, 0), ending)]


def runs(text: str) -> int:
    """How many runs of another type (RUN) the layout of text may start: what its cost grows with."""
    return len(RUN.findall(text))


def links(text: str) -> Iterator[tuple[str, int]]:
    """Each link target written in text, with its offset: [label](target) and bare addresses."""
    for span in spans(text):
        if span.target:
            yield span.target, span.start


def web_target(target: str) -> str:
    """The address a link opens: https:// is put before www. ([le site](www.onisep.fr)); any other target
    without a scheme (fiche.pdf, #haut) is no web address and stays as written, for the check to refuse."""
    if target[:4].lower() == "www." and _DOMAIN.match(target):
        return "https://" + target
    return target


def is_address(text: str) -> bool:
    """Whether the whole text is a web or e-mail address (printed as written, in the monospace face)."""
    found = list(spans(text.strip()))
    return len(found) == 1 and found[0].kind in ("url", "email", "site") and found[0].shown == text.strip()


def long_verbatim(text: str, length: int = 25) -> bool:
    """Whether text holds an address or code longer than ``length`` characters (it moves whole to a new line)."""
    return any(len(s.shown) > length for s in spans(text) if s.kind in ("code", "url", "email", "site")
               or (s.kind == "link" and is_address(s.shown)))


def escape(text: str) -> str:
    """Text as reportlab paragraph data: &, < and > escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """Text as a double-quoted markup attribute value."""
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;") + '"'


def paragraphs(text: str) -> list[str]:
    """Split source text into paragraphs at blank lines; a line starting '- ' is a list item."""
    out = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.strip() for ln in chunk.splitlines() if ln.strip()]
        joined = ""
        for ln in lines:
            if ln.startswith(("- ", "• ")):
                joined += ("\n" if joined else "") + "• " + ln[2:].strip()
            else:
                joined += (" " if joined else "") + ln
        if joined:
            out.append(joined)
    return out


def sentences(paragraph: str) -> list[str]:
    """Split one paragraph of source text into sentences, never inside **bold**, *italic*, [a link](…),
    `code` or an address."""
    if "\n" in paragraph:  # a list: its items are the units
        return [paragraph]
    kept = [(s.start, s.end) for s in spans(paragraph)]
    out, start = [], 0
    for m in _SENTENCE_END.finditer(paragraph):
        head = paragraph[start:m.start()]
        if head.count("**") % 2 or _open_italic(head) or any(a < m.start() < b for a, b in kept):
            continue
        out.append(head)
        start = m.end()
    out.append(paragraph[start:])
    return [s for s in out if s.strip()]


def _emphasis(text: str, mark: str, open_tag: str, close_tag: str) -> str:
    """**bold** (mark "**") or *italic* (mark "*") replaced by tags, in one pass over the text.

    A mark opens when a non-space follows it, and closes at the next mark a non-space precedes,
    on the same line; a single * next to a letter or another * is a character, as in Markdown.
    """
    found = _BOLD if mark == "**" else _ITALIC
    out, pos, opened = [], 0, None
    for m in found.finditer(text):
        before, after = text[m.start() - 1: m.start()], text[m.end(): m.end() + 1]
        if mark == "*" and (before == "*" or after == "*"):
            continue
        if opened is not None and m.start() > opened + len(mark) and before.strip() and (
                mark == "**" or not (after.isalnum() or after == "_")):
            out += [text[pos:opened], open_tag, text[opened + len(mark):m.start()], close_tag]
            pos, opened = m.end(), None
        elif opened is None and after.strip() and (mark == "**" or not (before.isalnum() or before == "_")):
            opened = m.start()
    return "".join(out) + text[pos:]


def _open_italic(text: str) -> bool:
    return len(re.findall(r"(?<!\*)\*(?!\*)", text)) % 2 == 1


def french(text: str) -> str:
    """Apply French typography to plain text: apostrophes, « », narrow spaces before ; : ! ?, a number kept
    with its unit or noun (« 4 min », « 50 % »), ordinals as written in French (1ère → 1re, 2ème → 2e)."""
    text = text.replace("...", "…")
    if "è" in text:
        text = _PREMIERE.sub(r"\1re\2", text)
        text = _IEME.sub(r"\1e\2", text)
    if _SIGN.search(text):
        text = _PERCENT.sub(NNBSP, text)  # 10% and 10 % print 10 %, 20 °C and 12 € keep their sign
    text = _THOUSANDS.sub(lambda m: m.group().replace(" ", NNBSP).replace("\u00a0", NNBSP), text)
    text = _NUMBER_WORD.sub("\\1\u00a0", text)
    text = _BEFORE_NUMBER.sub(lambda m: m.group()[:-1] + "\u00a0", text)
    if "'" in text:
        text = _APOSTROPHE.sub("\\1’", text)
    if '"' in text:
        text = _QUOTES.sub("«" + NNBSP + "\\1" + NNBSP + "»", text)
    if "«" in text:
        text = _OPENING.sub("«" + NNBSP, text)
    if "»" in text:
        text = _CLOSING.sub(NNBSP + "»", text)
    if ";" in text or "!" in text or "?" in text:
        text = _HIGH_MARK.sub(NNBSP + "\\1", text)
    if ":" in text:
        text = _COLON.sub(NNBSP + ":", text)
        text = _NUMBER_COLON.sub(NNBSP + ":", text)
    return text


def english(text: str) -> str:
    """Apply English typography to plain text: apostrophes, “ ” for "…", … for ..., and no space before
    ; : ! ? (a space typed there, as in French, is taken out)."""
    text = text.replace("...", "…")
    text = re.sub(r"(\w)'", "\\1’", text)
    text = re.sub(r'"\s*([^"]*?)\s*"', "“\\1”", text)
    return re.sub(r"(?<=[^\s;!?:(\[])[ \u00a0\u202f]+([;!?:]+)(?=\s|$)", "\\1", text)


def typography(text: str, lang: str) -> str:
    """Text with the typography of its language (french() or english())."""
    return french(text) if lang == "fr" else english(text)


def colon(lang: str) -> str:
    """What ends a label before its text: « Nom : » in French (the typography narrows the space), « Name: »
    in English."""
    return " :" if lang == "fr" else ":"


SHRINK = 0.8  # the least size, relative to its own, an address is set at to stay on one line


_MARKUPS = memo()  # markup()'s arguments -> its markup: the student sheet and the corrigé share most texts
MAX_MARKUPS = 4096


def markup(text: str, *, lang: str = "fr", size: float = 10.0, sup: bool = True, space: float = 0.0,
           link_color: str = LINK_COLOR, mono: float = 0.92, columns: int = 0, shrink: float = SHRINK,
           address: bool = False) -> str:
    """Return reportlab paragraph markup for one paragraph of source text (see _markup), made once per process."""
    key = (text, lang, size, sup, space, link_color, mono, columns, shrink, address)
    found = _MARKUPS.get(key)
    if found is None:
        if len(_MARKUPS) >= MAX_MARKUPS:
            _MARKUPS.clear()
        found = _MARKUPS[key] = _markup(text, lang=lang, size=size, sup=sup, space=space, link_color=link_color,
                                        mono=mono, columns=columns, shrink=shrink, address=address)
    return found


def _markup(text: str, *, lang: str, size: float, sup: bool, space: float, link_color: str, mono: float,
            columns: int, shrink: float, address: bool) -> str:
    """Return reportlab paragraph markup for one paragraph of source text.

    ``sup=False`` writes 1re, Tle on the line; ``space`` > 0 widens every word space
    by a no-break space set at that font size (never inside a span printed as written);
    ``mono`` is the size of the monospace face relative to the text (it is wide);
    ``columns``, when known, is how many monospace characters a line holds: a longer
    address or code goes on lines of its own, set smaller (down to ``shrink`` times its size) when
    that keeps it on one line, else cut after / ? & = (or a space in code), never inside a word when it can be helped. Sizes are relative to the paragraph's: a corrigé that
    sets an answer smaller sets them smaller too. ``address``: the text is one web address, printed and
    linked whole (a video's, which its QR code holds whole).
    """
    kept: list[str] = []
    parts, pos, broken = [], 0, False
    for span in spans(text, address=address):
        long = columns and span.kind not in ("tag", "attr", "entity") and len(span.shown) > columns and (
            span.kind != "link" or is_address(span.shown))
        before = text[pos:span.start].lstrip(" ") if broken else text[pos:span.start]
        parts.append(before + ("\n" if long and before.strip() else ""))  # a long one starts a line
        parts.append(_SLOT)
        # A little too long for a line: set a little smaller rather than cut in two.
        fit = columns / len(span.shown) if long else 1.0
        whole = fit >= shrink
        kept.append(_span_markup(span, lang, size, size * mono * (fit if whole else 1.0), sup, link_color,
                                 columns if not whole else 0))
        pos = span.end
        broken = bool(long and text[pos:].strip(" .,;:!?)»…"))
        if broken:  # and what follows it starts the next one
            parts.append("\n")
    parts.append(text[pos:].lstrip(" ") if broken else text[pos:])
    result = _plain("".join(parts), lang, size, sup)
    if space > 0:
        # After the word, so a wrapped line never starts with it; tags keep their own spaces.
        wide = f'<font size="{space:.2f}">\u00a0</font> '
        result = _TEXT_SPACE.sub(wide, result)
        # A link's label too, unless it is an address; code and addresses keep their spaces.
        kept = [_TEXT_SPACE.sub(wide, k) if k.startswith("<a ") and MONO not in k else k for k in kept]
    pieces = result.split(_SLOT)
    return pieces[0] + "".join(k + p for k, p in zip(kept, pieces[1:]))


def _span_markup(span: Span, lang: str, size: float, mono: float, sup: bool, link_color: str,
                 columns: int = 0) -> str:
    """The markup of a span; ``mono`` is the size of its monospace face, ``columns`` > 0 cuts it in lines."""
    face = f'<font name="{MONO}"' + (f' size="-{size - mono:.2f}"' if mono < size else "") + ">"
    shown = "<br/>".join(escape(piece) for piece in cut(span.shown, columns)) if columns else escape(span.shown)
    if span.kind == "code":
        return f"<nobr>{face}{shown}</font></nobr>"
    if span.kind in ("tag", "attr", "entity"):
        return escape(span.shown)
    target = web_target(span.target)
    if span.kind == "link" and not is_address(span.shown):
        label = _plain(span.shown, lang, size, sup)
    else:
        label = f"{face}{shown}</font>"
    if not target.lower().startswith(SCHEMES):  # the validator refuses it; never a PDF action
        return label
    return f'<a href={quoteattr(target)} color="{link_color}">{label}</a>'


def _plain(text: str, lang: str, size: float, sup: bool = True) -> str:
    text = typography(text, lang)
    text = escape(text).replace("\n", "<br/>")
    text = _emphasis(text, "**", "<b>", "</b>")
    # *italic* inside or outside **bold**, never across it: the tags must nest
    text = "".join(part if part in ("<b>", "</b>") else _emphasis(part, "*", "<i>", "</i>")
                   for part in re.split(r"(</?b>)", text))
    if lang == "fr" and sup:
        text = _ORDINAL.sub(_ordinal, text)
    # U+202F would be a break point for reportlab: draw a narrowed U+00A0 instead.
    return text.replace(NNBSP, f'<font size="-{size * 0.3:.2f}">\u00a0</font>')


_BREAKS = ("/?&=#", " ", "-._,;:")  # where a long address or code may be cut, best first


def cut(text: str, columns: int) -> list[str]:
    """Text in pieces of at most ``columns`` characters, each ending where a reader expects a cut."""
    pieces = []
    while len(text) > columns:
        head = text[:columns]
        at = next((max(head.rfind(ch) for ch in marks) + 1 for marks in _BREAKS
                   if max(head.rfind(ch) for ch in marks) >= columns // 3), columns)
        pieces.append(text[:at])
        text = text[at:]
    return pieces + [text] if text else pieces


def _ordinal(m: re.Match) -> str:
    number = m.group(1) or m.group(3) or m.group(5)
    suffix = m.group(2) or m.group(4) or m.group(6)
    return f"{number}<super>{suffix}</super>"


def ordinal_parts(text: str) -> list[tuple[str, bool]]:
    """Text cut into (piece, raised) pairs: the suffix of 1re, 2de, 1er, Tle… is raised (for canvas drawing)."""
    out, pos = [], 0
    for m in _ORDINAL.finditer(text):
        cut = m.start(2) if m.group(2) else m.start(4) if m.group(4) else m.start(6)
        out += [(text[pos:cut], False), (text[cut:m.end()], True)]
        pos = m.end()
    out.append((text[pos:], False))
    return [(t, r) for t, r in out if t]


def plain(text: str, *, lang: str = "fr") -> str:
    """The text as a reader sees it, without markup (for metadata and tests)."""
    kept, parts, pos = [], [], 0
    for span in spans(text):
        parts += [text[pos:span.start], _SLOT]
        shown = span.shown
        kept.append(typography(shown, lang).replace(NNBSP, "\u00a0") if span.kind == "link"
                    and not is_address(shown) else shown)
        pos = span.end
    parts.append(text[pos:])
    rest = "".join(parts).replace("**", "")
    rest = _emphasis(rest, "*", "", "")
    rest = typography(rest, lang).replace(NNBSP, "\u00a0")
    pieces = rest.split(_SLOT)
    return pieces[0] + "".join(k + p for k, p in zip(kept, pieces[1:]))


def fonts_of(text: str) -> tuple[str, str]:
    """(the characters set in the text face, those set in the monospace face) of a source text."""
    body, mono, pos = [], [], 0
    for span in spans(text):
        body.append(text[pos:span.start])
        if span.kind == "code" or (span.kind not in ("tag", "attr", "entity") and is_address(span.shown)):
            mono.append(span.shown)
        else:
            body.append(span.shown)
        pos = span.end
    body.append(text[pos:])
    return "".join(body), "".join(mono)
