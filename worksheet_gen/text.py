"""Inline markup and typography: source text in, reportlab paragraph markup out.

Source text knows **bold**, *italic*, [label](https://…) and bare https:// links.
Everything else is escaped, so user text can never inject reportlab markup.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

NNBSP = "\u202f"  # narrow no-break space, as typed or inserted by french()
LINK_COLOR = "#1F4E79"
_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)|((?:https?://|www\.)[^\s<>«»\"]+[^\s<>«»\".,;:!?)])")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])")
_TEXT_SPACE = re.compile(r" (?=[^<>]*(?:<|$))")  # a space outside any tag (user text is escaped)
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])(?<!\b[A-Z]\.)(?<!\bM\.)(?<!\bcf\.)(?<!\bex\.)(?<!\bp\.)"  # an end, not after M. J. cf.
    r" +(?=(?:[«\"(*][ \u00a0\u202f]?)*[A-ZÀ-ÖØ-Þ])"  # spaces, then a capital, maybe after « ( " **
)
_ORDINAL = re.compile(r"\b(1)(re|er)\b|\b(\d{1,2})(e|ème|nde|nd)\b|\bT(le)\b")


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
    """Split one paragraph of source text into sentences, never inside **bold**, *italic* or [a link](…)."""
    if "\n" in paragraph:  # a list: its items are the units
        return [paragraph]
    out, start = [], 0
    for m in _SENTENCE_END.finditer(paragraph):
        head = paragraph[start:m.start()]
        if head.count("**") % 2 or head.count("[") != head.count("]") or _open_italic(head):
            continue
        out.append(head)
        start = m.end()
    out.append(paragraph[start:])
    return [s for s in out if s.strip()]


def _open_italic(text: str) -> bool:
    return len(re.findall(r"(?<!\*)\*(?!\*)", text)) % 2 == 1


def french(text: str) -> str:
    """Apply French typography to plain text: apostrophes, « », narrow spaces before ; : ! ?."""
    text = text.replace("...", "…")
    text = re.sub(r"(\w)'", "\\1’", text)
    text = re.sub(r'"\s*([^"]*?)\s*"', "«" + NNBSP + "\\1" + NNBSP + "»", text)
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NNBSP, text)
    text = re.sub(r"[ \u00a0\u202f]*»", NNBSP + "»", text)
    text = re.sub(r"(?<=[^\s;!?:«(\[])[ \u00a0\u202f]?([;!?]+)", NNBSP + "\\1", text)
    text = re.sub(r"(?<=[^\s;!?:«(\[\d])[ \u00a0\u202f]?:(?=\s|$)", NNBSP + ":", text)
    text = re.sub(r"(?<=\d) :(?=\s|$)", NNBSP + ":", text)
    return text


def markup(text: str, *, lang: str = "fr", size: float = 10.0, sup: bool = True, space: float = 0.0,
           link_color: str = LINK_COLOR) -> str:
    """Return reportlab paragraph markup for one paragraph of source text.

    ``sup=False`` writes 1re, Tle on the line; ``space`` > 0 widens every word space
    by a no-break space set at that font size.
    """
    out = []
    pos = 0
    for m in _LINK.finditer(text):
        out.append(_plain(text[pos:m.start()], lang, size, sup))
        label, url, bare = m.group(1), m.group(2), m.group(3)
        if bare:
            label, url = bare, bare if "://" in bare else "https://" + bare
        out.append(f'<a href={quoteattr(url)} color="{link_color}">{_plain(label, lang, size, sup)}</a>')
        pos = m.end()
    out.append(_plain(text[pos:], lang, size, sup))
    result = "".join(out)
    if space > 0:
        # After the word, so a wrapped line never starts with it; tags keep their own spaces.
        result = _TEXT_SPACE.sub(f'<font size="{space:.2f}">\u00a0</font> ', result)
    return result


def _plain(text: str, lang: str, size: float, sup: bool = True) -> str:
    if lang == "fr":
        text = french(text)
    text = escape(text).replace("\n", "<br/>")
    text = _BOLD.sub(r"<b>\1</b>", text)
    text = _ITALIC.sub(r"<i>\1</i>", text)
    if lang == "fr" and sup:
        text = _ORDINAL.sub(_ordinal, text)
    # U+202F would be a break point for reportlab: draw a narrowed U+00A0 instead.
    return text.replace(NNBSP, f'<font size="{size * 0.7:.2f}">\u00a0</font>')


def _ordinal(m: re.Match) -> str:
    if m.group(1):
        return f"{m.group(1)}<super>{m.group(2)}</super>"
    if m.group(3):
        return f"{m.group(3)}<super>{m.group(4)}</super>"
    return f"T<super>{m.group(5)}</super>"


def plain(text: str, *, lang: str = "fr") -> str:
    """The text as a reader sees it, without markup (for metadata and tests)."""
    text = _LINK.sub(lambda m: m.group(1) or m.group(3), text)
    text = text.replace("**", "")
    text = _ITALIC.sub(r"\1", text)
    return french(text).replace(NNBSP, "\u00a0") if lang == "fr" else text


_LINK_MARKS = re.compile(r"\]\(|[\[\]\n]")
_LINK_END = re.compile(r"[\s)]")
_BARE = re.compile(r"(?:https?://|www\.)[^\s<>«»\"]+[^\s<>«»\".,;:!?)]")  # as the bare address of _LINK


def links(text: str) -> list[str]:
    """Every address markup could turn into a link: each [label](address), and each bare address
    (with https:// before www.), as long as or longer than markup reads it.

    Found in linear time (_LINK takes quadratic time on « [[[[… »): each character is read a
    bounded number of times, so checking a whole file stays fast.
    """
    found = []
    label, end = -1, -1  # the first '[' since the last ']' or line break; where the last address read ends
    for m in _LINK_MARKS.finditer(text):
        if m.group() == "[":
            label = m.start() if label < 0 else label
            continue
        if m.group() == "](" and 0 <= label < m.start() - 1:  # a label of at least one character
            start = m.end()  # the address: one character that is not a space, then up to a ')' or a space
            if start + 1 > end:  # else it ends where the one before it does: no character is read twice
                stop = _LINK_END.search(text, start + 1)
                end = stop.start() if stop else len(text)
            if text[start:start + 1].strip() and text[end:end + 1] == ")":
                found.append(text[start:end])
        label = -1
    found += ("https://" + m.group() if m.group().startswith("www.") else m.group() for m in _BARE.finditer(text))
    return list(dict.fromkeys(found))  # [a](https://b) is also a bare address
