"""Hostile but valid content: printed literally, wrapped, split over pages, never a crash."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

import pdfread as R
import sheetread as S
from conftest import DATA, SOURCES, cli, need, pdftotext, squash
from worksheet_gen.sources import load_fiche

HEAD = "title: Essai\nlang: {lang}\nactivities:\n  - title: Activité\n    content:\n"
RIGHT_EDGE = 595.3 - 18 * 72 / 25.4  # A4 width minus the right margin, in points


def build(tmp_path: Path, body: str, *, lang: str = "fr", name: str = "fiche") -> tuple[Path, Path, str]:
    """Build one source through the CLI; return the two PDFs and what the build printed on stderr."""
    source = tmp_path / f"{name}.yaml"
    source.write_text(HEAD.format(lang=lang) + body, encoding="utf-8")
    proc = cli("build", str(source), "--out", str(tmp_path / "build"))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    student, key = tmp_path / "build" / f"{name}-eleve.pdf", tmp_path / "build" / f"{name}-corrige.pdf"
    assert len(PdfReader(student).pages) == len(PdfReader(key).pages)
    return student, key, proc.stderr


def words(path: Path) -> list[tuple[int, float, float, str]]:
    """(page, xMax, yMax, word) for every word pdftotext finds."""
    out = subprocess.run([need("pdftotext"), "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for page, chunk in enumerate(out.split("<page ")[1:], 1):
        for x, y, w in re.findall(r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', chunk):
            found.append((page, float(x), float(y), w))
    return found


def body_text(path: Path) -> str:
    """The text inside the body frame of every page: no header, no footer."""
    from worksheet_gen.profiles import STANDARD as P

    top, height = P.margin_top - 2, P.frame_h + 4  # the body frame, in points, and a little around it
    crop = ["-x", "0", "-y", str(int(top)), "-W", str(int(P.page[0])), "-H", str(int(height))]
    args = [need("pdftotext"), "-enc", "UTF-8", *crop, str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


MARKUP = ['<b>gras</b>', '<font color=red size=30>rouge</font>', '<a href=javascript:alert(1)>clic</a>',
          'R&D', 'x<y and c>d', '&amp; &lt;', '<br/>', '<para>', '<img src=x.png/>', '</i>']


def test_markup_is_printed_literally(tmp_path):
    text = " ".join(MARKUP)
    body = (f"      - text: '{text}'\n      - question: '{text}'\n        options: ['{MARKUP[0]}', '{MARKUP[3]}']\n"
            f"        answer: '{MARKUP[0]}'\n      - question: Pourquoi ?\n        answer: '{text}'\n"
            f"      - table: '{MARKUP[1]}'\n        sections:\n          - title: '{MARKUP[4]}'\n"
            f"            answer: ['{MARKUP[5]}']\n")
    student, key, _ = build(tmp_path, body, lang="en")
    flat = " ".join(pdftotext(key).split())
    # The corrigé prints each string as often as the source writes it: in the text, the prompt and the
    # answer (all of them), as an option (the first and fourth), the table's title, a section and its answer.
    printed = [text, text, text, MARKUP[0], MARKUP[3], MARKUP[1], MARKUP[4], MARKUP[5]]
    assert {m: flat.count(m) for m in MARKUP} == {m: sum(t.count(m) for t in printed) for m in MARKUP}
    links = [a.get_object().get("/A", {}).get("/URI", "") for page in PdfReader(key).pages
             for a in page.get("/Annots", [])]
    assert not [u for u in links if "javascript" in u]
    # French typography applies to the text, still printed as written otherwise
    _, key_fr, _ = build(tmp_path, f"      - text: '{text}'\n", name="fr")
    assert squash(text) in squash(pdftotext(key_fr))


def test_very_long_words_wrap_inside_the_page(tmp_path):
    word = "Anticonstitutionnellement" * 10
    dots = "." * 400
    body = (f"      - text: {word}\n      - text: 'Nom : {dots}'\n      - question: Le mot {word} ?\n"
            f"        options: [{word}, court]\n        answer: court\n      - question: Recopiez.\n"
            f"        answer: {word}\n      - table: Tableau\n        sections:\n          - title: {word[:150]}\n"
            f"            answer: [{word}]\n")
    student, key, _ = build(tmp_path, body)
    for path in (student, key):
        boxes = words(path)
        assert boxes
        assert max(x for _, x, _, _ in boxes) <= RIGHT_EDGE + 1
    assert squash(word) in squash(pdftotext(key))


def test_a_long_paragraph_breaks_across_pages(tmp_path):
    sentences = [f"Phrase numéro {i} d’un très long paragraphe sur les métiers du numérique." for i in range(250)]
    student, key, _ = build(tmp_path, f"      - text: {' '.join(sentences)}\n")
    assert len(PdfReader(student).pages) >= 3
    assert squash(" ".join(sentences)) in squash(body_text(student))
    assert "Phrase numéro 0" in pdftotext(student, 1)  # it starts on page 1, under the banner


def test_a_table_row_taller_than_a_page(tmp_path):
    body = ("      - table: Les étapes\n        sections:\n          - title: Avant la certification\n"
            "            lines: 40\n            answer: [S’inscrire, Réviser]\n          - title: Après\n"
            "            lines: 40\n            answer: [Valoriser]\n")
    student, key, _ = build(tmp_path, body)
    n = len(PdfReader(student).pages)
    assert n >= 3
    pages = sorted({p for p, _, _, w in words(student) if w == "Avant"})
    assert pages[0] == 1  # the heading starts its row, on the page where the row starts
    assert len(pages) >= 2 and all("(suite)" in pdftotext(student, p) for p in pages[1:])  # and says it goes on
    assert "Valoriser" in pdftotext(key)


def test_an_answer_space_taller_than_a_page(tmp_path):
    body = "      - question: Racontez votre stage.\n        lines: 40\n        answer: Un long récit.\n"
    student, key, _ = build(tmp_path, body)
    assert len(PdfReader(student).pages) == 2
    assert "Racontez votre stage" in pdftotext(student, 1)  # it starts on page 1, under the banner
    assert "Un long récit" in pdftotext(key, 1)


def test_options_and_captions_taller_than_a_page(tmp_path):
    options = ", ".join(f"Métier numéro {i}" for i in range(60))
    caption = " ".join(["Une légende très longue."] * 600)
    body = (f"      - question: Cochez les métiers du numérique.\n        type: multi\n        options: [{options}]\n"
            f"        answer: [Métier numéro 1, Métier numéro 59]\n"
            f"      - link: https://www.onisep.fr\n        caption: {caption}\n")
    student, key, _ = build(tmp_path, body)
    text = body_text(student)
    assert all(f"Métier numéro {i}" in text for i in range(60))
    assert squash(caption) in squash(text)
    fiche, _ = load_fiche(tmp_path / "fiche.yaml")  # the boxes continued on the next page: the right ones ticked
    ticked = [[c.option for c in cs if c.ticked] for cs in S.choices(R.read(key), fiche)]
    assert len(R.read(key)) >= 2 and ticked == [["Métier numéro 1", "Métier numéro 59"]]
    assert [[c.option for c in cs] for cs in S.choices(R.read(student), fiche)] == [
        [f"Métier numéro {i}" for i in range(60)]]


def test_values_are_printed_as_written(tmp_path):
    body = ("      - question: À quelle heure ?\n        answer: 12:30\n      - question: En anglais ?\n"
            "        answer: No\n      - question: Code ?\n        answer: 0123\n      - question: Prix ?\n"
            "        answer: 1.50\n      - question: Date ?\n        answer: 2024-09-02\n"
            "      - question: Faut-il un bac +5 ?\n        type: yesno\n        answer: no\n")
    _, key, _ = build(tmp_path, body)
    text = pdftotext(key)
    for value in ("12:30", "No", "0123", "1.50", "2024-09-02"):
        assert re.search(rf"(?m)^\s*{re.escape(value)}\s*$", text), value
    fiche, _ = load_fiche(tmp_path / "fiche.yaml")  # « no » is the answer NON, not the boolean false
    assert [(c.option, c.ticked) for c in S.choices(R.read(key), fiche)[-1]] == [("OUI", False), ("NON", True)]


def test_a_sign_never_starts_a_line(tmp_path):
    """The narrow space before ? ! ; : and » never breaks, however the lines of a long paragraph fall."""
    text = " ".join(f"Et la question {i} ? Réponse « oui » ; suite {i} : fin {i} !" for i in range(60))
    student, _, _ = build(tmp_path, f"      - text: {json.dumps(text, ensure_ascii=False)}\n")
    lines = [ln.strip() for ln in body_text(student).splitlines() if ln.strip()]
    assert len(lines) > 25
    assert [ln for ln in lines if ln[0] in "?!;:»"] == []


def test_the_longest_accepted_address_scans(tmp_path):
    need("zbarimg")
    from worksheet_gen.media import url_problem

    url = "https://www.onisep.fr/metiers/"
    while url_problem(url + "a") is None:
        url += "a"
    assert len(url) >= 110
    assert url_problem(url + "a")[0].text("en").startswith("the address is too long to scan")
    student, _, _ = build(tmp_path, f"      - link: {url}\n")
    subprocess.run([need("pdftoppm"), "-r", "150", "-png", str(student), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout
    assert out.split() == [url]


def test_the_build_never_touches_the_network(tmp_path, monkeypatch):
    """Validate and render a fiche with addresses and a picture while every network call fails."""
    from worksheet_gen.build import render_fiche
    from worksheet_gen.sources import load_fiche

    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fiche, problems = load_fiche(SOURCES / "pix.yaml")
    assert render_fiche(fiche)[0].startswith(b"%PDF")
    source = tmp_path / "image.yaml"
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "schema.png").write_bytes((DATA / "invalid" / "images" / "schema.png").read_bytes())
    source.write_text(HEAD.format(lang="fr") + "      - image: images/schema.png\n        caption: Un schéma.\n"
                      "      - video: https://youtu.be/1B8fBmLIsh8\n", encoding="utf-8")
    fiche, problems = load_fiche(source)
    assert fiche is not None, problems
    student, key, _ = render_fiche(fiche)
    assert student.startswith(b"%PDF") and key.startswith(b"%PDF")


@pytest.mark.parametrize("text, printed", [
    ("« Oui » ; « Non » !", ["«", "Oui", "»", ";", "!"]),
    ("Ligne 1\nLigne 2", ["Ligne 1", "Ligne 2"]),
    ("’“”…–—•€ œ Œ æ ç É À", list("’“”…–—•€œŒæçÉÀ")),
])
def test_french_punctuation_and_line_breaks_pass(tmp_path, text, printed):
    student, _, _ = build(tmp_path, f"      - text: {json.dumps(text, ensure_ascii=False)}\n")
    got = pdftotext(student)
    assert [p for p in printed if p not in got] == []


def test_wrapping_each_paragraph_once_per_width_changes_no_byte(monkeypatch):
    from worksheet_gen.build import render_fiche
    from worksheet_gen.layout import flowables
    from worksheet_gen.sources import load_fiche

    fiches = [load_fiche(SOURCES / "pix.yaml")[0], load_fiche(DATA / "profiles" / "all-blocks.yaml")[0]]
    cached = [render_fiche(f)[:2] for f in fiches]
    monkeypatch.setattr(flowables.Paragraph, "wrap", flowables.Paragraph._layout)  # a fresh wrap every time
    assert [render_fiche(f)[:2] for f in fiches] == cached


def test_a_long_paragraph_with_emphasis_and_compound_words_prints_every_word_whole(tmp_path):
    # reportlab replaces a paragraph's text with the pieces it cut; breaking those again (the rest
    # of a paragraph on the next page) lost the hyphen of « copier-coller » (« copiercol-ler »).
    sentence = ("*Attention* : il faut copier-coller puis glisser-déposer le fichier {i} dans "
                "l’arborescence partagée de l’établissement, conformément aux recommandations.")
    text = " ".join(sentence.format(i=i) for i in range(90))
    student, _, _ = build(tmp_path, f"      - text: \"{text}\"\n")
    assert len(PdfReader(student).pages) >= 2  # the paragraph crosses a page
    source = set(text.replace("*", "").split())
    lines = [ln.split() for ln in body_text(student).splitlines() if ln.split()]
    lines = lines[next(i for i, ln in enumerate(lines) if "Attention" in ln):]  # the paragraph, to the end
    wrong = []
    for line, after in zip(lines, lines[1:] + [[]]):
        for k, word in enumerate(line):
            if k == len(line) - 1 and word.endswith("-") and after:
                if word + after[0] not in source and word[:-1] + after[0] not in source:
                    wrong.append((word, after[0]))
            elif word not in source and not (k == 0 and any(w.endswith(word) for w in source)):
                wrong.append(word)
    assert wrong == []


@pytest.mark.parametrize("qtype, word, shown", [("truefalse", "oui", "Vrai"), ("truefalse", "non", "Faux"),
                                                ("yesno", "vrai", "OUI"), ("yesno", "Faux", "NON")])
def test_an_answer_from_the_other_pair_of_words_is_read_and_said(tmp_path, qtype, word, shown):
    body = (f"      - question: On garde deux spécialités.\n        type: {qtype}\n        answer: {word}\n"
            "        explain: on en abandonne une.\n")
    student, key, stderr = build(tmp_path, body)
    assert f"warning: the answer '{word}' is not a word of" in stderr and f"the corrigé ticks '{shown}'" in stderr
    assert f"{shown} : on en abandonne une." in " ".join(pdftotext(key).replace("\u00a0", " ").split())
    assert "abandonne" not in pdftotext(student)
