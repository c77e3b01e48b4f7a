"""Paragraph markup parsed once per process: the same fragments and the same PDF bytes as reportlab's own parse,
and a check that tells the day reportlab stops taking parsed fragments as it does today."""

from __future__ import annotations

import inspect

import pytest

from conftest import SOURCES
from worksheet_gen.layout import flowables as F  # first: it imports reportlab as the command does
from reportlab.lib.styles import ParagraphStyle  # noqa: E402,I001
from reportlab.platypus import Paragraph as Reportlab  # noqa: E402

TEXTS = ("Plain text, with « guillemets » and an accent: élève",
         "<b>Bold</b>, <i>italic</i> and <b><i>both</i></b>",
         "A link: <a href=\"https://pix.fr\" color=\"blue\">pix.fr</a> &amp; more",
         "Two<br/>lines and a <font size=\"8\">small</font> word",
         "<para>In a para tag</para>")


def _frags(paragraph) -> list[dict]:
    return [dict(vars(f)) for f in paragraph.frags]


def test_reportlab_still_takes_parsed_fragments_through_its_constructor():
    """Paragraph(text, style, bulletText, frags, caseSensitive, encoding) keeps frags as given, unparsed: the
    parse cache hands its copies in that way. A reportlab release that changes it fails here."""
    params = list(inspect.signature(Reportlab.__init__).parameters)
    assert params == ["self", "text", "style", "bulletText", "frags", "caseSensitive", "encoding"]
    style = ParagraphStyle("t")
    parsed = Reportlab("<b>x</b> y", style)
    given = [f.clone() for f in parsed.frags]
    again = Reportlab("ignored <i>markup</i>", style, None, given)
    assert again.frags is given and again.text == "ignored <i>markup</i>"


@pytest.mark.parametrize("text", TEXTS)
def test_a_cached_parse_is_reportlabs_parse(text, monkeypatch):
    monkeypatch.setattr(F, "_PARSED", {})
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14, bulletText="•")
    first = F.Paragraph(text, style)
    assert len(F._PARSED) == 1
    second = F.Paragraph(text, ParagraphStyle("other name, same values", fontName="Helvetica", fontSize=11,
                                              leading=14, bulletText="•"))
    assert len(F._PARSED) == 1  # found, not parsed again
    reference = Reportlab(text, style)
    for made in (first, second):
        assert _frags(made) == _frags(reference)
        assert (made.text, made.bulletText) == (reference.text, reference.bulletText)
    assert all(a is not b for a, b in zip(first.frags, second.frags))  # each paragraph has fragments of its own
    assert F.Paragraph(text, ParagraphStyle("bigger", fontName="Helvetica", fontSize=12, leading=14)) \
        .frags[0].fontSize == 12  # another style is another entry


def test_numbered_text_is_never_cached(monkeypatch):
    monkeypatch.setattr(F, "_PARSED", {})
    F.Paragraph("Question <seq id=\"q\"/>", ParagraphStyle("s"))
    assert F._PARSED == {}


def test_pdf_bytes_the_same_with_and_without_the_parse_cache(monkeypatch):
    from worksheet_gen.render import render
    from worksheet_gen.sources import load_fiche

    fiche, problems = load_fiche(SOURCES / "pix.yaml")
    assert fiche is not None, problems
    monkeypatch.setattr(F, "_PARSED", {})
    cold = [render(fiche, answers=a) for a in (False, True)]
    warm = [render(fiche, answers=a) for a in (False, True)]  # as `watch` renders again
    assert len(F._PARSED) > 20
    monkeypatch.setattr(F, "_parse_key", lambda *args: None)
    assert cold[0].startswith(b"%PDF-") and cold == warm == [render(fiche, answers=a) for a in (False, True)]
