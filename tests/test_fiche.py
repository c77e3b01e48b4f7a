"""The Pix fiche end to end: what a teacher prints and what a student must never see."""

from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader

import pdfread as R
from conftest import SOURCES, cli, need, pdftotext, squash

# Every question of the seed fiche, as the teacher wrote it.
SEED_QUESTIONS = [
    "Donnez plusieurs exemples pour lesquels nous sommes amenés à utiliser le numérique.",
    "À quoi sert Pix ?",
    "Quelle est la particularité du test Pix ?",
    "Combien de compétences sont évaluées ?",
    "Combien de domaines sont concernés ?",
    "Combien de niveaux d’évaluation y a-t-il ?",
    "Quelles activités serez-vous amené.e à faire quand vous utiliserez Pix ?",
    "Devez-vous faire tous les tests en une seule fois pour valider la certification ?",
    "Faut-il attendre la fin de l’ensemble des tests pour avoir des résultats ?",
    "Allez-vous devoir relever des défis ?",
    "Vous pouvez faire les tests autant de fois que vous le souhaitez :",
    "Grâce à PIX, vous obtenez un document officiel certifiant vos compétences numériques :",
    "À quoi sert la session de certification ?",
    "Le test de certification est :",
    "Toutes les versions de votre profil sont prises en compte :",
    "Combien y a-t-il de questions pour chaque compétence évaluée ?",
    "Les questions posées sont des variantes de questions que vous avez déjà réussies :",
    "Le niveau de certification est :",
    "Listez les 3 situations qui peuvent se présenter à vous dans Pix",
    "Les étapes clés de la certification Pix",
    "Avant la certification",
    "Le jour de la certification",
    "Après la certification",
]
SEED_URLS = {"https://youtu.be/1B8fBmLIsh8", "https://www.youtube.com/watch?v=x9C9tK7SU7g",
             "https://youtu.be/HyKAOMTshns"}


def _answer_texts(fiche):
    """Every text that only the corrigé may show: model answers and explanations."""
    from worksheet_gen.text import paragraphs

    for q in fiche.questions():
        if not q.options:
            for a in q.answer:
                yield from (p.lstrip("• ") for p in paragraphs(a))
        if q.explain:
            yield q.explain
    for activity in fiche.activities:
        for block in activity.blocks:
            for section in getattr(block, "sections", ()):
                yield from section.answer


def test_build_writes_both_pdfs(pix_build):
    assert sorted(p.name for p in pix_build.iterdir()) == [".worksheet-gen.json", "pix-corrige.pdf", "pix-eleve.pdf"]


def test_every_seed_question_is_on_the_student_sheet(pix_build):
    text = squash(pdftotext(pix_build / "pix-eleve.pdf"))
    missing = [q for q in SEED_QUESTIONS if squash(q) not in text]
    assert not missing


def test_the_student_sheet_shows_no_answer(pix_build, pix_fiche):
    text = squash(pdftotext(pix_build / "pix-eleve.pdf"))
    raw = PdfReader(pix_build / "pix-eleve.pdf")
    layer = squash("".join(page.extract_text() for page in raw.pages))
    answers = list(_answer_texts(pix_fiche))
    assert len(answers) > 25
    leaked = [a for a in answers if squash(a)[:40] in text or squash(a)[:40] in layer]
    assert not leaked


def test_the_corrige_shows_every_answer(pix_build, pix_fiche):
    text = squash(pdftotext(pix_build / "pix-corrige.pdf", raw=True))  # table cells stay whole
    missing = [a for a in _answer_texts(pix_fiche) if squash(a) not in text]
    assert not missing


def test_corrige_says_so_on_every_page(pix_build):
    key = pix_build / "pix-corrige.pdf"
    n = len(PdfReader(key).pages)
    for page in range(1, n + 1):
        assert "CORRIGÉ" in pdftotext(key, page)
        assert "CORRIGÉ" not in pdftotext(pix_build / "pix-eleve.pdf", page)


def test_footer_numbers_pages(pix_build):
    path = pix_build / "pix-eleve.pdf"
    n = len(PdfReader(path).pages)
    assert n >= 2
    for page in range(1, n + 1):
        assert f"Page {page} / {n}" in pdftotext(path, page)


def test_header_and_name_fields(pix_build):
    first = pdftotext(pix_build / "pix-eleve.pdf", 1)
    for label in ("Nom", "Prénom", "Classe", "Date", "Ressource en autonomie", "Niveaux"):
        assert label in first


@pytest.mark.parametrize("name", ["pix-eleve.pdf", "pix-corrige.pdf"])
def test_every_qr_code_decodes_to_its_url(pix_build, tmp_path, name):
    need("zbarimg")
    subprocess.run([need("pdftoppm"), "-r", "150", "-png", str(pix_build / name), str(tmp_path / "p")], check=True)
    found = set()
    for png in sorted(tmp_path.glob("p*.png")):
        out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout
        found |= set(out.split())
    assert found == SEED_URLS


@pytest.mark.parametrize("name", ["pix-eleve.pdf", "pix-corrige.pdf"])
def test_fonts_are_embedded(pix_build, name):
    out = subprocess.run([need("pdffonts"), str(pix_build / name)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert row.split()[-5] == "yes", row  # the 'emb' column


@pytest.mark.parametrize("name", ["pix-eleve.pdf", "pix-corrige.pdf"])
def test_qpdf_check_is_clean(pix_build, name):
    proc = subprocess.run([need("qpdf"), "--check", str(pix_build / name)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No syntax or stream encoding errors" in proc.stdout


def test_metadata(pix_build):
    reader = PdfReader(pix_build / "pix-eleve.pdf")
    meta = reader.metadata
    assert meta.title == "Cultivez vos compétences numériques avec PIX"
    assert meta.author and meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "Corrigé" in PdfReader(pix_build / "pix-corrige.pdf").metadata.title


def test_french_typography(pix_build):
    """Before ? ! ; : and », a narrow space: narrower than the word spaces of its line, never none."""
    from worksheet_gen.profiles import STANDARD

    signs = 0
    for page in R.read(pix_build / "pix-eleve.pdf"):
        body = [w for w in page.words if STANDARD.margin_bottom < w.y0 and w.y1 < page.height - STANDARD.margin_top]
        glued = [w.text for w in body if re.search(r"[^\W\d][?!;»]$|[^\W\d]:$", w.text)]
        assert glued == [], page.index + 1
        for w in body:
            if w.text not in ("?", "!", ";", ":", "»"):
                continue
            line = R.same_line(page, w)
            k = line.index(w)
            assert k > 0, (page.index + 1, w.text)  # never first on its line
            gaps = [b.x0 - a.x1 for a, b in zip(line, line[1:])
                    if b is not w and b.text not in "?!;:»" and 0.1 < b.x0 - a.x1 < 3 * w.height]
            gap = w.x0 - line[k - 1].x1
            where = (page.index + 1, line[k - 1].text, w.text)
            assert 0.05 * w.height < gap and (not gaps or gap < 0.85 * min(gaps)), where
            signs += 1
    assert signs > 20


def test_check_accepts_the_pix_source():
    proc = cli("check", str(SOURCES / "pix.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_check_rejects_a_broken_source_with_its_location(tmp_path):
    src = tmp_path / "broken.yaml"
    src.write_text("title: Essai\nactivities:\n  - title: A\n    content:\n      - question: Q ?\n        lignes: 3\n",
                   encoding="utf-8")
    proc = cli("check", str(src))
    assert proc.returncode == 1
    assert re.search(r"broken\.yaml:6:9: error: unknown key 'lignes' \(did you mean 'lines'\?\)", proc.stderr)
    assert "Traceback" not in proc.stderr


def test_usage_errors_exit_2():
    assert cli("build", "--no-such-option").returncode == 2


def test_a_question_and_its_answer_share_a_page(pix_build, pix_fiche):
    """In the corrigé, each open question's answer starts on the page of its prompt."""
    key = pix_build / "pix-corrige.pdf"
    pages = [squash(pdftotext(key, n, raw=True)) for n in range(1, len(PdfReader(key).pages) + 1)]
    checked = 0
    for q in pix_fiche.questions():
        if q.options or not q.answer:
            continue
        prompt, answer = squash(q.prompt)[:50], squash(q.answer[0])[:30]
        where = [i for i, page in enumerate(pages) if prompt in page]
        assert len(where) >= 1, q.prompt
        assert answer in pages[where[-1]], q.prompt
        checked += 1
    assert checked >= 8


def test_compound_words_are_not_hyphenated(pix_build):
    from worksheet_gen.layout.styles import hyphenator

    assert list(hyphenator("fr_FR")("savoir-faire")) == []
    assert list(hyphenator("fr_FR")("compétences"))  # other words still hyphenate
    lines = [ln.strip() for ln in pdftotext(pix_build / "pix-eleve.pdf", raw=True).splitlines()]
    breaks = [(a.split()[-1], b.split()[0]) for a, b in zip(lines, lines[1:]) if a.endswith("-") and a and b]
    assert breaks  # the sheet does hyphenate
    bad = [(head, tail) for head, tail in breaks if "-" in head[:-1] or "-" in tail]
    assert bad == []
    source = (SOURCES / "pix.yaml").read_text(encoding="utf-8")
    rejoined = [(head, tail) for head, tail in breaks  # each break mends into a word of the source
                if (head + tail).strip(".,;:!?") not in source and (head[:-1] + tail).strip(".,;:!?") not in source]
    assert rejoined == []


def test_a_list_to_fill_shows_one_bullet_per_expected_item(pix_build, pix_fiche):
    # The « étapes clés » table has 4, 5 and 3 items to find (the ✔ of the seed), and remarks the
    # corrigé writes after them without a bullet: the student sees one bullet per item, each on the
    # line where the corrigé writes that item, and the lines left for wrapping carry none.
    from worksheet_gen.model import FillTable
    from worksheet_gen.profiles import STANDARD
    from worksheet_gen.text import plain

    table = next(b for a in pix_fiche.activities for b in a.blocks if isinstance(b, FillTable))
    student, key = R.read(pix_build / "pix-eleve.pdf"), R.read(pix_build / "pix-corrige.pdf")
    expected = [(squash(plain(s.title)), len(s.answer)) for s in table.sections]
    assert [n for _, n in expected] == [4, 5, 3] and [bool(s.explain) for s in table.sections] == [False, True, True]
    assert R.section_marks(student, R.bullets) == R.section_marks(key, R.check_marks) == expected
    dots = sorted((b.page, (b.bbox[1] + b.bbox[3]) / 2) for page in student for b in R.bullets(page))
    ticks = sorted((t.page, t.points[1][1]) for page in key for t in R.check_marks(page) if not any(
        R.inside(t.points[1], box, 0.5) for box in R.checkboxes(page)))
    assert len(dots) == len(ticks) == 12
    assert all(p == q and abs(y - v) < STANDARD.pitch / 2 for (p, y), (q, v) in zip(dots, ticks)), (dots, ticks)
    rows = [r for page in student for r in R.table_rows(page) if len(r.columns) >= 3]
    lines = sum(len([s for s in R.rules(student[r.page], 50) if r.holds(s.bbox[0] + 1, s.bbox[1], 1)])
                for r in rows)
    assert lines > 12  # lines left for wrapping, without a bullet
