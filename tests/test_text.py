"""Inline markup and French typography, on the markup handed to reportlab."""

from __future__ import annotations

import json

import pytest

from conftest import cli, pdftotext
from worksheet_gen.text import french, markup, paragraphs, plain

NARROW = '<font size="-3.00">\u00a0</font>'  # 70 % of the size, relative: it follows a smaller answer


@pytest.mark.parametrize("source, expected", [
    ("À quoi sert Pix ?", f"À quoi sert Pix{NARROW}?"),
    ("Vrai: ainsi", f"Vrai{NARROW}: ainsi"),
    ("Bravo!", f"Bravo{NARROW}!"),
    ("10:30 et https", "10:30 et https"),
    ('le "débutant"', f"le «{NARROW}débutant{NARROW}»"),
    ("l'État", "l’État"),
    ("en 1re et en Tle", "en 1<super>re</super> et en T<super>le</super>"),
    ("la 6e2, la 5eA et la 1re3", "la 6<super>e</super>2, la 5<super>e</super>A et la 1<super>re</super>3"),  # classes
    ("la couleur #1e3a5f", "la couleur #1e3a5f"),  # a code, not a class
])
def test_french_typography(source, expected):
    assert markup(source, size=10) == expected


@pytest.mark.parametrize("source, expected", [
    ('Read "What is Erasmus+?" first', "Read “What is Erasmus+?” first"),
    ("Why ? Because : it's free !", "Why? Because: it’s free!"),
    ("Wait...", "Wait…"),
    ("10:30 and 1ère", "10:30 and 1ère"),  # English keeps levels as written
    ("`a 'b' \"c\" :`", '<nobr><font name="WG-Mono" size="-0.80">a \'b\' "c" :</font></nobr>'),  # code as written
])
def test_english_typography(source, expected):
    assert markup(source, lang="en", size=10) == expected


@pytest.mark.parametrize("source, expected", [
    ("R&D <font> x<y", "R&amp;D &lt;font&gt; x&lt;y"),
    ("**gras** et *italique*", "<b>gras</b> et <i>italique</i>"),
])
def test_user_text_cannot_inject_markup(source, expected):
    assert markup(source, lang="en") == expected
    assert markup(source) == expected  # French typography has nothing to add here


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_tag_in_user_text_stays_text(lang):
    out = markup('<a href="http://evil">x</a> <font color=red>', lang=lang)
    assert out.startswith("&lt;a href=")
    assert "<font color" not in out and "&lt;font color=red&gt;" in out


def test_links_are_clickable_and_escaped():
    out = markup("voir [le site](https://x.org/?a=1&b=2) ou https://pix.fr/competences.", lang="en")
    assert '<a href="https://x.org/?a=1&amp;b=2"' in out
    assert ">https://pix.fr/competences</font></a>." in out  # printed as written, in the monospace face


def test_paragraphs_and_lists():
    assert paragraphs("a\nb\n\n- x\n- y") == ["a b", "• x\n• y"]


def test_plain_drops_markup():
    assert plain("**Pix** [site](https://pix.fr)", lang="en") == "Pix site"
    assert french("Pix ?") == "Pix\u202f?"


def test_adapted_markup_keeps_ordinals_on_the_line_and_widens_word_spaces():
    assert markup("en 1re et en Tle", size=10, sup=False) == "en 1re et en Tle"
    wide = '<font size="5.00">\u00a0</font> '
    out = markup("un **mot** [un lien](https://x.org/a)", lang="en", space=5)
    assert out == f'un{wide}<b>mot</b>{wide}<a href="https://x.org/a" color="#1F4E79">un{wide}lien</a>'


@pytest.mark.parametrize("source, expected", [
    ("Lisez. Puis répondez ! Enfin ? « Bravo. »", ["Lisez.", "Puis répondez !", "Enfin ?", "« Bravo. »"]),
    ("Voir M. Dupont et J. Martin. Fin.", ["Voir M. Dupont et J. Martin.", "Fin."]),
    ("Un **gras. Long** et *un. Deux* puis [lien. Ici](https://x.org). Fin.",
     ["Un **gras. Long** et *un. Deux* puis [lien. Ici](https://x.org).", "Fin."]),
    ("fin de phrase. **À vous de jouer !**", ["fin de phrase.", "**À vous de jouer !**"]),
    ("• a. B\n• c", ["• a. B\n• c"]),
    ("voir youtu.be/Ab. et 3.5 km. suite", ["voir youtu.be/Ab. et 3.5 km. suite"]),
])
def test_sentences(source, expected):
    from worksheet_gen.text import sentences

    assert sentences(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("***x*** et **a *b** c*", "<b>*x</b>* et <b>a *b</b> c*"),  # never <b><i>…</b></i>, which reportlab refuses
    ("**a *b* c** et *d **e** f*", "<b>a <i>b</i> c</b> et *d <b>e</b> f*"),
    ("2*3 = 6 et *mot*, x*y*z, a * b", "2*3 = 6 et <i>mot</i>, x*y*z, a * b"),
])
def test_emphasis_always_nests(source, expected):
    assert markup(source, lang="en") == expected


def test_emphasis_takes_linear_time():
    import time

    def cost(n):  # CPU time: on a busy machine the wall clock counts the waits for a core, longer on long runs
        start = time.process_time()
        for text in ("*a " * n, "*a *a " * (n // 2), "**a " * n):
            markup(text, lang="en")
        return time.process_time() - start

    small, large = min(cost(1500) for _ in range(3)), min(cost(15000) for _ in range(3))  # the least of 3: noise
    assert large < 30 * max(small, 5e-3)  # ten times the text, not a hundred times the time


def test_entities_are_printed_as_written():
    assert markup("R&amp;D et &#233; ;", size=10).startswith("R&amp;amp;D et &amp;#233;")  # no space before ;


def test_only_www_becomes_a_web_address_without_a_scheme():
    from worksheet_gen.text import web_target

    assert web_target("www.onisep.fr") == "https://www.onisep.fr"
    assert web_target("fiche.pdf") == "fiche.pdf" and web_target("onisep.fr") == "onisep.fr"
    assert "<a " not in markup("voir [la fiche](fiche.pdf)", lang="en")


WIKI = "https://fr.wikipedia.org/wiki/Infirmier_(France)"


@pytest.mark.parametrize("source, shown, target", [
    (f"Lisez [l'article]({WIKI}) avant.", "l'article", WIKI),  # a link's target holds its pair
    (f"Voir {WIKI} sur Wikipédia.", WIKI, WIKI),
    (f"Voir {WIKI}.", WIKI, WIKI),  # the sentence's full stop after the pair is not the address's
    (f"(voir {WIKI}).", WIKI, WIKI),  # the pair belongs to it, the parenthesis around it does not
    ("(voir https://pix.fr)", "https://pix.fr", "https://pix.fr"),  # a ")" that closes nothing ends it
    ("(voir https://pix.fr/a_(b)_c, puis)", "https://pix.fr/a_(b)_c", "https://pix.fr/a_(b)_c"),
    ("voir youtu.be/x_(y) ou", "youtu.be/x_(y)", "https://youtu.be/x_(y)"),
    ("voir https://x.fr/a(b c", "https://x.fr/a(b", "https://x.fr/a(b"),  # GitHub keeps a "(" it does not close
    ("voir https://x.fr/a_(b)).", "https://x.fr/a_(b)", "https://x.fr/a_(b)"),
    ("(voir x.fr/?u=https://y.fr/(z))", "x.fr/?u=https://y.fr/(z)", "https://x.fr/?u=https://y.fr/(z)"),
    ("[le site](https://x.fr) (voir plus bas)", "le site", "https://x.fr"),
])
def test_parentheses_in_pairs_belong_to_an_address(source, shown, target):
    from worksheet_gen.text import spans

    found = [(s.shown, s.target) for s in spans(source)]
    assert found == [(shown, target)]


def test_a_number_and_its_percent_sign_are_kept_together_in_french_only():
    for typed in ("10%", "10 %", "10\u00a0%", "10\u202f%"):
        assert french(f"pour {typed} de la note") == "pour 10\u202f% de la note"
    assert french("(10%), 3,5%.") == "(10\u202f%), 3,5\u202f%."
    assert french("a%20b 10%20") == "a%20b 10%20"  # an encoded character, not a percentage
    assert markup("10% de https://x.fr/?q=10%25 et `10%`", size=10) == (
        f'10{NARROW}% de <a href="https://x.fr/?q=10%25" color="#1F4E79"><font name="WG-Mono" size="-0.80">'
        'https://x.fr/?q=10%25</font></a> et <nobr><font name="WG-Mono" size="-0.80">10%</font></nobr>')
    assert markup("10% of it", lang="en", size=10) == "10% of it"


def test_a_video_address_is_printed_and_linked_whole_whatever_it_ends_with():
    for url in ("https://x.fr/a)", "https://x.fr/page.", "https://x.fr/?q=«a»"):
        out = markup(url, size=10, address=True)
        assert out.startswith(f'<a href="{url}"') and f">{url}</font></a>" in out


def test_markup_made_once_per_process_is_the_markup_made_afresh(monkeypatch):
    """markup() keeps what it made by all its arguments: each variant, asked in any order, twice, is what the
    markup of those very arguments is (a kept one never answers for another size, language, width…)."""
    import worksheet_gen.text as T

    text = "Le **site** https://example.org/un/chemin/assez/long et `code`, en 1re : « oui » ?"
    variants = [{}, {"lang": "en"}, {"size": 12}, {"sup": False}, {"space": 2.0}, {"link_color": "#FFFFFF"},
                {"mono": 0.8}, {"columns": 20}, {"columns": 36}, {"columns": 36, "shrink": 1.0}, {"address": True}]
    monkeypatch.setattr(T, "_MARKUPS", {})
    made = [[markup(text, **v) for v in order] for order in (variants, variants[::-1])]
    assert len(T._MARKUPS) == len(variants)
    fresh = [T._markup(text, **{**dict(lang="fr", size=10.0, sup=True, space=0.0, link_color=T.LINK_COLOR,
                                       mono=0.92, columns=0, shrink=T.SHRINK, address=False), **v}) for v in variants]
    assert made[0] == made[1][::-1] == fresh
    assert len(set(fresh)) == len(variants)  # every argument changes this text's markup


def test_spans_found_once_per_process_are_the_spans_found_afresh(monkeypatch):
    """spans() keeps the spans of each text: asked again, or as a whole address, it answers as a first search."""
    import worksheet_gen.text as T

    monkeypatch.setattr(T, "_SPANS", {})
    text = "Voir [le site](https://pix.fr), `code`, a@b.fr et https://example.org/x)."
    first, again = list(T.spans(text)), list(T.spans(text))
    assert first == again == list(T._find_spans(text)) and [s.kind for s in first] == ["link", "code", "email", "url"]
    assert list(T.spans(text, address=True)) == [T.Span(0, len(text), "url", text, text)]
    assert list(T.spans("`autre`")) == [T.Span(0, 7, "code", "autre")]
    alone = {"Sur www.pix.fr.": "url", "Voir onisep.fr/metiers": "site", "Un <b> tag": "tag", "R &amp; D": "entity",
             'Un href="x" ici': "attr", "Du ``a``.": "code", "Un [lien](https://x.fr)": "link", "a@b.fr": "email"}
    assert {text: [s.kind for s in T.spans(text)] for text in alone} == {text: [k] for text, k in alone.items()}


# Each pair must stay on one line: the end of one piece, the start of the next (as pdftotext reads them).
GLUED = ("100 000 €", "3 h 30", "p. 12", "n° 5", "25 %", "1 234 567 km")


def test_numbers_their_groups_and_units_never_end_a_line_apart(tmp_path):
    """A paragraph for each place a line may end in the sentence: no line of the sheet ends inside one
    of GLUED, and the text layer still reads each of them with its spaces."""
    sentence = "coûte " + ", ".join(GLUED) + " et rien d'autre."
    texts = ["Le " + "mot " * i + sentence for i in range(0, 48)]
    src = tmp_path / "src"
    src.mkdir()
    (src / "n.yaml").write_text(json.dumps({"title": "Nombres", "activities": [{"title": "A", "content": texts}]},
                                           ensure_ascii=False), encoding="utf-8")
    cli("build", str(src), "--out", str(tmp_path / "out"), check=True)
    shown = pdftotext(tmp_path / "out" / "n-eleve.pdf").replace("\u00a0", " ").replace("\u202f", " ")
    lines = [" ".join(line.split()) for line in shown.splitlines() if line.strip()]
    for glued in GLUED:
        words = glued.split(" ")
        for cut in range(1, len(words)):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            apart = [(a, b) for a, b in zip(lines, lines[1:]) if a.endswith(" " + head) and b.startswith(tail)]
            assert not apart, f"{glued!r} cut after {head!r}: {apart[:2]}"
    assert " ".join(" ".join(lines).split()).count(sentence.replace("'", "’")) >= 24  # read whole, spaces and all


# Each ordinal stays on the line of the word after it (docs/format.md, « Text printed as written »).
ORDINALS = ("le 1er mars", "la 1re année", "le XXIe siècle", "la 2de B", "la 2nde C", "la 2nd D", "le 3e jour",
            "la 12e fois", "en Tle STMG", "les 1res classes", "François Ier régna")


def test_ordinals_never_end_a_line_apart_from_the_word_after_them(tmp_path):
    """A paragraph for each place a line may end in the sentence: no line of the sheet or of the corrigé
    ends with an ordinal whose word starts the next line, and the text layer reads each ordinal whole."""
    sentence = "vient " + ", ".join(ORDINALS) + " et rien d'autre."
    texts = ["Le " + "mot " * i + sentence for i in range(0, 48)]
    src = tmp_path / "src"
    src.mkdir()
    fiche = {"title": "Dates", "activities": [{"title": "A", "content": texts + [
        {"question": "Quand ?", "lines": 4, "answer": sentence, "explain": sentence}]}]}
    (src / "d.yaml").write_text(json.dumps(fiche, ensure_ascii=False), encoding="utf-8")
    cli("build", str(src), "--out", str(tmp_path / "out"), check=True)
    for pdf in ("d-eleve.pdf", "d-corrige.pdf"):
        shown = pdftotext(tmp_path / "out" / pdf).replace("\u00a0", " ").replace("\u202f", " ")
        lines = [" ".join(line.split()) for line in shown.splitlines() if line.strip()]
        for glued in ORDINALS:
            head, tail = glued.rsplit(" ", 1)
            apart = [(a, b) for a, b in zip(lines, lines[1:]) if a.endswith(" " + head.split()[-1]) and b.startswith(tail)]
            assert not apart, f"{pdf}: {glued!r} cut before {tail!r}: {apart[:2]}"
        assert " ".join(lines).count(", ".join(ORDINALS)) >= 24, pdf  # read whole, spaces and all


def test_only_ordinals_and_numbers_keep_the_word_after_them():
    assert french("le 1er mars, la 1ère année, le XXIe siècle, la 2de B") == (
        "le 1er\u00a0mars, la 1re\u00a0année, le XXIe\u00a0siècle, la 2de\u00a0B")
    # Words that look like a Roman ordinal, and a link word after an ordinal, break as any other space.
    assert french("Ce siècle, Le mot, Les uns, du 1er au 3e jour") == "Ce siècle, Le mot, Les uns, du 1er au 3e\u00a0jour"
    assert markup("le 1er mars", size=10) == "le 1<super>er</super>\u00a0mars"
    assert markup("the 1st March, 2de B", lang="en", size=10) == "the 1st March, 2de B"


def test_french_spaces_in_numbers_are_no_break_spaces():
    assert french("100 000 € et 1\u00a0234,5 km") == "100\u202f000\u202f€ et 1\u202f234,5\u00a0km"  # narrow in groups
    assert french("20 °C, 12 $, 5 ‰") == "20\u202f°C, 12\u202f$, 5\u202f‰"
    assert french("3 h 30, p. 12, n° 5, § 3") == "3\u00a0h\u00a030, p.\u00a012, n°\u00a05, §\u00a03"
    assert french("en 2024 200 élèves, au 06 12 34 56 78") == "en 2024 200\u00a0élèves, au 06 12 34 56 78"
