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


class _Unkept(dict):
    """A layout cache that keeps nothing: every paragraph breaks its own lines."""

    def __setitem__(self, key, value):
        pass


@pytest.mark.parametrize("name, profile", [("pix.yaml", "standard"), ("long-options.yaml", "dys"),
                                           ("specialites-2de.yaml", "large")])
def test_pdf_bytes_the_same_with_and_without_the_layout_cache(name, profile, monkeypatch):
    """Lines broken once per text, style and width, shared by equal paragraphs: the student sheet, the corrigé
    and the form, rendered in one process as `watch` and `--jobs 1` do, are the bytes each paragraph breaking its
    own lines gives (the fiches split paragraphs and option rows across pages)."""
    from conftest import DATA
    from worksheet_gen.profiles import PROFILES
    from worksheet_gen.render import render
    from worksheet_gen.sources import load_fiche

    path = SOURCES / name if name == "pix.yaml" else DATA / "fiches" / name
    fiche, problems = load_fiche(path, profile=profile)
    assert fiche is not None, problems
    kinds = ({"answers": False}, {"answers": True}, {"answers": False, "form": True})
    monkeypatch.setattr(F, "_LAYOUTS", _Unkept())
    alone = [render(fiche, profile=PROFILES[profile], **kind) for kind in kinds]
    monkeypatch.setattr(F, "_LAYOUTS", {})
    shared = [render(fiche, profile=PROFILES[profile], **kind) for kind in kinds]
    assert len(F._LAYOUTS) > 20
    again = [render(fiche, profile=PROFILES[profile], **kind) for kind in kinds]  # every layout found
    assert alone[0].startswith(b"%PDF-") and alone == shared == again


def _pieces(state: dict) -> list:
    """The pieces of a kept layout, with their classes: the words of its lines, or its fragments."""
    lines = state["blPara"].lines
    if state["blPara"].kind == 0:
        return [(type(w).__name__, str(w)) for line in lines for w in line[1]]
    return [(type(f).__name__, getattr(f, "text", None)) for f in state["frags"]]


def _hyphen_ends(paragraph) -> list[int]:
    """The lines of a wrapped paragraph whose line before ends with a hyphenated word."""
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:
        return [i for i in range(1, len(lines)) if type(lines[i - 1][1][-1]).__name__ == "_SplitWordHY"]
    return [i for i in range(1, len(lines)) if type(paragraph.frags[lines[i].sFW - 1]).__name__ == "_SplitFragHY"]


@pytest.mark.parametrize("word", ["établissements", "<b>établissements</b>"])  # one fragment, or several
def test_a_split_leaves_the_shared_layout_as_it_was(word, monkeypatch):
    """reportlab's split changes the class of the hyphenated piece it ends the first part with, in place: it
    splits lines broken for the paragraph alone, and an equal paragraph still gets the layout as it was made."""
    from worksheet_gen.fonts import register
    from worksheet_gen.layout.styles import Styles
    from worksheet_gen.profiles import STANDARD

    register(STANDARD.family)
    monkeypatch.setattr(F, "_LAYOUTS", {})
    style = Styles("fr", STANDARD).body
    text = " ".join([f"Anticonstitutionnellement, les {word} d'enseignement professionnalisants"] * 6)
    width = 150
    first = F.Paragraph(text, style)
    _, height = first.wrap(width, 10_000)
    state, _ = F._LAYOUTS[(first._key, F.Paragraph, width)]
    made = _pieces(state)
    ends = _hyphen_ends(first)
    assert ends, "no line of the test paragraph ends with a hyphenated word: the test would not bite"
    parts = first.split(width, ends[0] * style.leading + 1)  # the first part ends with a hyphenated word
    assert len(parts) == 2
    assert _pieces(state) == made
    second = F.Paragraph(text, style)
    assert second.wrap(width, 10_000) == (width, height)
    assert _pieces({k: second.__dict__[k] for k in ("blPara", "frags")}) == made


def test_a_style_changed_in_place_is_parsed_with_its_new_values(monkeypatch):
    """A style's values are sorted once while it stays as it was: changed in place, its next paragraph is
    parsed with the new values, as reportlab would."""
    monkeypatch.setattr(F, "_PARSED", {})
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14)
    assert F.Paragraph("<b>x</b> y", style).frags[0].fontSize == 11
    style.fontSize = 13
    again = F.Paragraph("<b>x</b> y", style)
    assert [f.fontSize for f in again.frags] == [f.fontSize for f in Reportlab("<b>x</b> y", style).frags] == [13, 13]
    assert len(F._PARSED) == 2


def test_reportlab_still_cleans_markup_with_its_public_cleaner():
    """The skeleton parse cleans markup as reportlab's Paragraph does, with the function it exports for that."""
    from reportlab.platypus import cleanBlockQuotedText

    text = "  Deux  espaces,\n une ligne\u00a0<b>et  du gras</b>  "
    assert Reportlab(text, ParagraphStyle("t")).text == cleanBlockQuotedText(text) != text


def _reference(text, style, bullet):
    """reportlab's parse, when it keeps the style it was given (the skeleton's parse keeps it)."""
    made = Reportlab(text, style, bullet)
    return made.text, _frags(made), made.bulletText, vars(made.style)


@pytest.mark.parametrize("text", TEXTS + (
    "Le <b>site</b> <a href=\"https://example.org/x?a=1&amp;b=2\" color=\"#1F4E79\"><font name=\"Courier\" "
    "size=\"-0.80\">https://example.org/x</font></a> et <nobr>code</nobr>, en 1<super>re</super>"
    "<font size=\"-3.00\">\u00a0</font>: <i>oui</i>",
    "  Deux  espaces,\n une ligne<br/>puis <b>une</b>  autre  ",
    "R&amp;D <b>et</b> 3 &lt; 4", "a < b <b>c</b>", "<b></b>vide", "\U000f0100 <b>marque</b>",
    "<para leading=\"30\"><b>autre</b> style</para>", "<bullet>*</bullet>Puce <b>à</b> soi"))
def test_a_skeleton_parse_is_reportlabs_parse_or_nothing(text):
    """A text whose tags were parsed before gets reportlab's own fragments, or is left to reportlab."""
    from worksheet_gen.layout import skeleton

    style = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14)
    for attempt in range(2):  # the skeleton parsed, then found
        made = skeleton.parse(text, style, "1.", 1, ("body", attempt))
        if made is not None:
            assert (made[0], [dict(vars(f)) for f in made[1]], made[2], vars(style)) == _reference(text, style, "1.")


def test_every_paragraph_of_the_test_fiches_parsed_by_skeleton_is_reportlabs_parse(monkeypatch):
    """The markup of real fiches (every question kind, links, code, levels, the larger profiles): a text of
    the same tags as one seen before gets exactly reportlab's fragments."""
    from conftest import DATA
    from worksheet_gen.layout import skeleton
    from worksheet_gen.profiles import PROFILES
    from worksheet_gen.render import render
    from worksheet_gen.sources import load_fiche

    seen, found = [], []
    parse = skeleton.parse

    def recording(text, style, bullet_text, case_sensitive, style_key):
        made = parse(text, style, bullet_text, case_sensitive, style_key)
        seen.append(text)
        if made is not None:
            found.append(((made[0], [dict(vars(f)) for f in made[1]], made[2], dict(vars(style))),
                          (text, style, bullet_text)))
        return made

    monkeypatch.setattr(skeleton, "parse", recording)
    monkeypatch.setattr(skeleton, "_SKELETONS", {})
    for path, profile in [(SOURCES / "pix.yaml", "standard"), (DATA / "fiches" / "erasmus-en.yaml", "standard"),
                          (DATA / "fiches" / "parcoursup.yaml", "dys"), (DATA / "fiches" / "long-options.yaml", "large")]:
        fiche, problems = load_fiche(path, profile=profile)
        assert fiche is not None, problems
        monkeypatch.setattr(F, "_PARSED", {})
        render(fiche, answers=True, profile=PROFILES[profile])
    assert len(found) > 0.6 * len(seen) > 100  # most texts share their tags with one seen before
    for made, (text, style, bullet) in found:
        assert made == _reference(text, style, bullet)


@pytest.mark.parametrize("name, profile", [("pix.yaml", "standard"), ("long-options.yaml", "dys")])
def test_the_explanation_column_found_once_is_the_one_found_afresh(name, profile, monkeypatch):
    """The column of explanations beside options is found once per fiche and profile: the corrigé that finds
    it kept (after the student sheet) is the corrigé that looks for it again."""
    from conftest import DATA
    from worksheet_gen.layout import story
    from worksheet_gen.profiles import PROFILES
    from worksheet_gen.render import render
    from worksheet_gen.sources import load_fiche

    fiche, problems = load_fiche(SOURCES / name if name == "pix.yaml" else DATA / "fiches" / name, profile=profile)
    assert fiche is not None, problems
    monkeypatch.setattr(story, "_COLUMNS", {})
    render(fiche, answers=False, profile=PROFILES[profile])
    (kept,) = story._COLUMNS.values()
    assert kept[2] is not None  # the fiche has explanations beside options: the test bites
    warm = render(fiche, answers=True, profile=PROFILES[profile])
    monkeypatch.setattr(story, "_COLUMNS", {})
    assert warm == render(fiche, answers=True, profile=PROFILES[profile])


def test_the_explanation_column_is_found_again_in_another_profile(monkeypatch):
    """The same fiche in another profile (larger text, other widths) has a column of its own."""
    from worksheet_gen.layout import story
    from worksheet_gen.profiles import PROFILES
    from worksheet_gen.render import render
    from worksheet_gen.sources import load_fiche

    fiche, problems = load_fiche(SOURCES / "pix.yaml")
    assert fiche is not None, problems
    monkeypatch.setattr(story, "_COLUMNS", {})
    render(fiche, answers=False)
    after_standard = render(fiche, answers=True, profile=PROFILES["dys"])
    monkeypatch.setattr(story, "_COLUMNS", {})
    assert after_standard == render(fiche, answers=True, profile=PROFILES["dys"])


def test_answers_set_smaller_share_one_style_while_theirs_is_unchanged():
    """An answer set at a smaller size is a clone of its style (AnswerSpace.place); equal sizes give the same
    clone, so that its values are not compared again for every paragraph, and a style changed since gets a new
    one with the change."""
    style = ParagraphStyle("answer", fontSize=11, leading=14)
    a = F._sized(style, "fit", 9, 11)
    assert F._sized(style, "fit", 9, 11) is a and (a.fontSize, a.leading, a.name) == (9, 11, "fit")
    assert F._sized(style, "fit", 8, 10) is not a
    style.textColor = "red"
    b = F._sized(style, "fit", 9, 11)
    assert b is not a and b.textColor == "red" and b.fontSize == 9
