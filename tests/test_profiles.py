"""Layout profiles (standard, dys, large) checked on the PDFs a teacher prints.

Text sizes are read from the PDF: every text run that draws a visible glyph (pypdf's
visitor, with the text and transformation matrices), header and footer included.
Runs made only of spaces are left out: the layout widens or narrows word spaces
with no-break spaces set at a smaller size, which draw nothing. In the corrigé, the
answers (red) may be smaller when they overflow the student's space: they are
measured apart.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

import pdfread as R
from conftest import DATA, PROFILES, SHEETS, SOURCES, cli, need, pdftotext, sheet_pdf, squash

ADAPTED = ("dys", "large")
FLOOR = {"dys": 14, "large": 18}  # least text size, in points
MM = 72 / 25.4
SRC = {"pix": SOURCES / "pix.yaml", "all-blocks": DATA / "profiles" / "all-blocks.yaml"}
RED = (0.752941, 0.086275, 0.109804)  # the answer colour, #C0161C
GREY_RULE = (0.54902, 0.54902, 0.54902)  # ruled answer lines, #8C8C8C


@pytest.fixture(scope="module")
def built(sheets_built):
    """The sources (SRC among them) built in each profile, through the CLI."""
    return sheets_built


def text_runs(page):
    """(text, size in points, fill colour) of every visible text run of a page (pypdf page)."""
    return [(r.text, r.size, r.colour) for r in R.text_runs(page)]


@pytest.mark.parametrize("slug", SRC)
@pytest.mark.parametrize("profile", ADAPTED)
def test_no_text_under_the_floor_on_any_student_page(built, slug, profile):
    reader = PdfReader(sheet_pdf(built, slug, profile))
    for number, page in enumerate(reader.pages, 1):
        runs = text_runs(page)
        assert runs, f"page {number} has no text"
        small = [(t, round(s, 2)) for t, s, _ in runs if s < FLOOR[profile] - 0.01]
        assert not small, f"page {number}: {small[:5]}"


@pytest.mark.parametrize("slug", SRC)
@pytest.mark.parametrize("profile", ADAPTED)
def test_corrige_keeps_the_floor_except_for_answers(built, slug, profile):
    for number, page in enumerate(PdfReader(sheet_pdf(built, slug, profile, "corrige")).pages, 1):
        small = [(t, round(s, 2)) for t, s, c in text_runs(page) if s < FLOOR[profile] - 0.01 and c != RED]
        assert not small, f"page {number}: {small[:5]}"


def test_the_size_measure_sees_small_text(built):
    """The standard sheet has text under 14 pt, and the measure finds it: the floor tests can fail."""
    sizes = [s for page in PdfReader(sheet_pdf(built, "pix", "standard")).pages for _, s, _ in text_runs(page)]
    assert min(sizes) < 9 and max(sizes) >= 19


def _tw(path) -> list[float]:
    """The word spacing (Tw) values a PDF sets: reportlab justifies a line with Tw."""
    out = []
    for page in PdfReader(path).pages:
        for args, op in ContentStream(page.get_contents(), page.pdf).operations:
            if op == b"Tw":
                out.append(float(args[0]))
    return out


@pytest.mark.parametrize("profile", ADAPTED)
def test_no_justified_line(built, profile):
    """No line has its word spaces stretched.

    reportlab may squeeze the spaces of a line it measured a point too long (a
    negative Tw, a fraction of a point): that keeps the margin, it does not justify.
    """
    assert any(tw > 0.1 for tw in _tw(sheet_pdf(built, "pix", "standard")))  # the standard sheet is justified
    for slug in SRC:
        for kind in ("eleve", "corrige"):
            assert [tw for tw in _tw(sheet_pdf(built, slug, profile, kind)) if not -0.5 < tw <= 0] == []


def _source_words(slug) -> set[str]:
    text = SRC[slug].read_text(encoding="utf-8").replace("’", "'")
    return {w.lower() for w in re.findall(r"\w+(?:-\w+)+", text)}


def raw_text(path) -> str:
    """The text in drawing order (pdftotext -raw): hanging lines stay with their question, hyphens are kept."""
    return subprocess.run([need("pdftotext"), "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _line_end_hyphens(path) -> list[str]:
    """Words cut by a hyphen at a line end, as drawn."""
    return [f"{a}-{b}".lower() for a, b in re.findall(r"(\w+)-\n\s*(\w+)", raw_text(path))]


@pytest.mark.parametrize("profile", ADAPTED)
def test_no_word_is_hyphenated(built, profile):
    """A line may end with a hyphen only where the source has one (copier-coller)."""
    standard = _line_end_hyphens(sheet_pdf(built, "pix", "standard"))
    assert [w for w in standard if w not in _source_words("pix")]  # the standard sheet hyphenates: « sa-voir »
    for slug in SRC:
        assert [w for w in _line_end_hyphens(sheet_pdf(built, slug, profile)) if w not in _source_words(slug)] == []


def _printed_texts(fiche):
    """Every text of a fiche that the student sheet prints: titles, text, captions, questions, options, URLs."""
    from worksheet_gen.model import Callout, FillTable, Image, Media, Question, TextBlock
    from worksheet_gen.text import paragraphs, plain

    texts = [fiche.title, fiche.previous, fiche.kind] + paragraphs(fiche.intro)
    blocks = []
    for activity in fiche.activities:
        texts += [activity.title] + paragraphs(activity.intro)
        blocks += activity.blocks
    if fiche.closing:
        texts.append(fiche.closing.title)
        blocks += fiche.closing.blocks
    for b in blocks:
        if isinstance(b, (TextBlock, Callout)):
            texts += paragraphs(b.text)
        elif isinstance(b, Media):  # the address under the caption, or as the caption writes it
            bare = b.url.split("://", 1)[-1]
            texts += [b.caption, bare if bare in b.caption else b.url]
        elif isinstance(b, Image):
            texts.append(b.caption)
        elif isinstance(b, Question):
            texts += [b.prompt, *b.options]
        elif isinstance(b, FillTable):
            texts += [b.title] + [s.title for s in b.sections]
    return [plain(t, lang=fiche.lang) for t in texts if t]


@pytest.mark.parametrize("slug", SRC)
@pytest.mark.parametrize("profile", ADAPTED)
def test_nothing_is_dropped(built, slug, profile):
    from worksheet_gen.sources import load_fiche

    fiche, _ = load_fiche(SRC[slug])
    texts = _printed_texts(fiche)
    assert len(texts) > 15
    adapted = squash(raw_text(sheet_pdf(built, slug, profile)))
    assert [t for t in texts if squash(t) not in adapted] == []
    count = lambda text: len(re.findall(r"^\s*\d+\.\s", text, re.M))  # noqa: E731 — numbered questions
    assert count(pdftotext(sheet_pdf(built, slug, profile))) == count(pdftotext(sheet_pdf(built, slug, "standard")))


@pytest.mark.parametrize("profile", ADAPTED)
def test_the_student_sheet_shows_no_answer(built, profile):
    from worksheet_gen.sources import load_fiche
    from worksheet_gen.text import paragraphs

    for slug in SRC:
        fiche, _ = load_fiche(SRC[slug])
        answers = [p for q in fiche.questions() if q.kind.written for a in q.answer for p in paragraphs(a)]
        answers += [q.explain for q in fiche.questions() if q.explain]
        assert answers
        student = squash(raw_text(sheet_pdf(built, slug, profile)))
        key = squash(raw_text(sheet_pdf(built, slug, profile, "corrige")))
        assert [a for a in answers if squash(a)[:30] in student] == []
        assert [a for a in answers if squash(a)[:30] not in key] == []


def _decoded(path, tmp_path) -> list[str]:
    need("zbarimg")
    subprocess.run([need("pdftoppm"), "-r", "150", "-png", str(path), str(tmp_path / "p")], check=True)
    found = []
    for png in sorted(tmp_path.glob("p*.png")):
        found += subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.split()
        png.unlink()
    return sorted(found)


@pytest.mark.parametrize("profile", ADAPTED)
def test_qr_codes_unchanged(built, profile, tmp_path):
    for slug in SRC:
        standard = _decoded(sheet_pdf(built, slug, "standard"), tmp_path)
        assert len(standard) >= 2
        assert _decoded(sheet_pdf(built, slug, profile), tmp_path) == standard


def test_adapted_sheets_take_more_pages(built):
    pages = {p: len(PdfReader(sheet_pdf(built, "pix", p)).pages) for p in PROFILES}
    assert pages["standard"] < pages["dys"] and pages["standard"] < pages["large"]


@pytest.mark.parametrize("profile", PROFILES)
def test_checkboxes_and_ruled_lines(built, profile):
    """Checkboxes ≥ 6 mm and ruled lines ≥ 10 mm apart in the adapted profiles; the standard ones are smaller."""
    gaps, boxes = [], []
    for page in R.read(sheet_pdf(built, "all-blocks", profile)):
        boxes += [b.bbox[2] - b.bbox[0] for b in R.checkboxes(page)]
        # Answer lines (ruling: lines or dotted) are long and grey; the others rules are coloured or short.
        ys = sorted({round(s.bbox[1], 2) for s in R.rules(page, 100 * MM) if R.same_colour(s.stroke, GREY_RULE)},
                    reverse=True)
        gaps += [a - b for a, b in zip(ys, ys[1:])]
    assert len(boxes) >= 10 and len(gaps) >= 3
    if profile == "standard":
        assert min(boxes) < 6 * MM and min(gaps) < 10 * MM
    else:
        assert min(boxes) >= 6 * MM - 0.01
        assert min(gaps) >= 10 * MM - 0.01


@pytest.mark.parametrize("profile", ADAPTED)
def test_fonts_are_embedded_and_dys_uses_andika(built, profile):
    out = subprocess.run([need("pdffonts"), str(sheet_pdf(built, "pix", profile))], capture_output=True, text=True,
                         check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)
    names = {row.split()[0].split("+")[-1] for row in rows}
    names -= {"LiberationMono"}  # addresses and code, in every profile
    assert {"Andika", "Andika-Bold"} == names if profile == "dys" else {"Lato-Regular", "Lato-Bold"} <= names


@pytest.mark.parametrize("profile", ADAPTED)
def test_qpdf_check_is_clean(built, profile):
    for kind in ("eleve", "corrige"):
        proc = subprocess.run([need("qpdf"), "--check", str(sheet_pdf(built, "pix", profile, kind))], capture_output=True,
                              text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_output_names(built):
    names = {p.name for p in built.glob("*.pdf")}
    for slug in SHEETS:
        assert {f"{slug}-eleve.pdf", f"{slug}-corrige.pdf", f"{slug}-eleve-dys.pdf", f"{slug}-corrige-dys.pdf",
                f"{slug}-eleve-large.pdf", f"{slug}-corrige-large.pdf"} <= names
    assert len(names) == 6 * len(SHEETS)


def _source(tmp_path, extra: str = "", text: str = "Quelle est la somme ?") -> object:
    src = tmp_path / "src" / "essai.yaml"
    src.parent.mkdir(exist_ok=True)
    src.write_text(f"title: Essai\n{extra}activities:\n  - title: A\n    content:\n      - question: {text}\n"
                   "        answer: Une somme.\n", encoding="utf-8")
    return src


def test_the_source_chooses_its_profile_and_the_option_overrides_it(tmp_path):
    src = _source(tmp_path, "profile: dys\n")
    cli("build", str(src), "--out", str(tmp_path / "a"), check=True)
    assert sorted(p.name for p in (tmp_path / "a").glob("*.pdf")) == ["essai-corrige-dys.pdf", "essai-eleve-dys.pdf"]
    cli("build", str(src), "--out", str(tmp_path / "b"), "--profile", "standard", check=True)
    assert sorted(p.name for p in (tmp_path / "b").glob("*.pdf")) == ["essai-corrige.pdf", "essai-eleve.pdf"]


def test_unknown_profiles_are_refused(tmp_path):
    proc = cli("build", str(_source(tmp_path)), "--out", str(tmp_path / "o"), "--profile", "dyss")
    assert proc.returncode == 2 and "dyss" in proc.stderr
    proc = cli("check", str(_source(tmp_path, "profile: grand\n")))
    assert proc.returncode == 1
    assert re.search(r"essai\.yaml:2:10: error: 'profile' cannot be 'grand'", proc.stderr), proc.stderr


def test_a_character_the_profile_font_lacks_is_an_error_at_its_place(tmp_path):
    src = _source(tmp_path, text="Que vaut Σ ?")  # Lato has Σ, Andika has not
    out = tmp_path / "o"
    cli("build", str(src), "--out", str(out), check=True)
    proc = cli("build", str(src), "--out", str(out), "--profile", "dys")
    assert proc.returncode == 1
    assert re.search(r"essai\.yaml:5:28: error: the character 'Σ' \(U\+03A3 GREEK CAPITAL LETTER SIGMA\) cannot be "
                     r"printed with the font of the 'dys' profile \(Andika\)", proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.glob("*.pdf")) == ["essai-corrige.pdf", "essai-eleve.pdf"]
    proc = cli("check", str(_source(tmp_path, "profile: dys\n", text="Que vaut Σ ?")))
    assert proc.returncode == 1 and "'dys' profile" in proc.stderr


@pytest.mark.parametrize("family", ["Lato", "Lato-Upright", "Andika"])
def test_each_coverage_file_matches_its_font(family):
    from worksheet_gen import fonts

    fam = fonts.FAMILIES[family]
    data = json.loads((fonts.FONT_DIR / fam.coverage).read_text())
    assert data["fonts"] == [file for _, file in fam.faces]
    assert data["ranges"] == fonts.cmap_ranges(family)
    assert "open font license" in (fonts.FONT_DIR / fam.licence).read_text().lower()
    for ch in "éèàçœÉ«»’…\u00a0":
        assert fonts.can_draw(ch, family)


def test_rendering_other_profiles_first_leaves_the_standard_sheet_unchanged():
    """Fonts and their bold/italic mappings are global in reportlab: profiles must not leak into each other."""
    from worksheet_gen.profiles import PROFILES
    from worksheet_gen.render import render
    from worksheet_gen.sources import load_fiche

    fiche, _ = load_fiche(SRC["all-blocks"])
    first = render(fiche, answers=True, profile=PROFILES["standard"])
    for name in ("dys", "large"):
        render(fiche, answers=True, profile=PROFILES[name])
    assert render(fiche, answers=True, profile=PROFILES["standard"]) == first


def _words(path):
    """Per page: (xMin, yMin, yMax, word) of every word, y from the top of the page (pdftotext -bbox)."""
    out = subprocess.run([need("pdftotext"), "-bbox", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [[(float(x), float(y0), float(y1), w) for x, y0, y1, w in
             re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)]
            for page in out.split("<page ")[1:]]


@pytest.mark.parametrize("profile", PROFILES)
def test_long_header_footer_and_tall_table_stay_in_place(tmp_path, profile):
    """Running header and footer keep one line each; a table row taller than a page goes on in a new row."""
    from worksheet_gen.profiles import PROFILES as P

    src = tmp_path / "long.yaml"
    title = "Un titre assez long pour passer à la ligne dans les profils adaptés à grands caractères"
    src.write_text(f"title: {title}\nlevels: [6e, 5e, 4e, 3e, 2nde, 1re, Tle]\n"
                   "kind: Évaluation de fin de séquence avec un intitulé très long\nactivities:\n"
                   "  - title: A\n    content:\n      - table: Un tableau haut\n        sections:\n"
                   "          - title: Une section très haute\n            lines: 40\n            answer: [a, b]\n"
                   "          - title: Deuxième\n            answer: [c]\n", encoding="utf-8")
    cli("build", str(src), "--out", str(tmp_path), "--profile", profile, check=True)
    p = P[profile]
    student, key = (tmp_path / f"long-{k}{p.suffix}.pdf" for k in ("eleve", "corrige"))
    assert len(PdfReader(student).pages) == len(PdfReader(key).pages) >= 2
    for path in (student, key):
        for words in _words(path):
            for band in ([y0 for x, y0, y1, w in words if y1 < p.margin_top],
                         [y0 for x, y0, y1, w in words if y0 > p.page[1] - p.margin_bottom]):
                assert band and max(band) - min(band) < 0.5 * p.header, band  # one line
            assert all(0 <= y0 and y1 <= p.page[1] for x, y0, y1, w in words)
    assert "Deuxième" in pdftotext(student)


@pytest.mark.parametrize("profile", ADAPTED)
def test_answer_spaces_grow_to_hold_the_model_answer_at_full_size(tmp_path, profile):
    # The standard Pix sheet gives just enough lines; at 14 or 18 pt the answers need more.
    # The adapted sheet gets them (in both views), so the corrigé never shrinks an answer:
    # only an explanation set beside options may be smaller.
    proc = cli("build", str(SRC["pix"]), "--out", str(tmp_path), "--profile", profile, check=True)
    assert "needs more room" not in proc.stderr, proc.stderr
    red = [(text, size) for page in PdfReader(tmp_path / f"pix-corrige-{profile}.pdf").pages
           for text, size, colour in text_runs(page) if colour == RED]
    answers = squash(" ".join(a for q in load(SRC["pix"]).questions() if not q.options for a in q.answer))
    assert len(red) > 10 and answers[:40] in squash(" ".join(t for t, _ in red))  # the answers are the red text
    beside = " ".join(squash(f"{' '.join(q.answer)} : {q.explain}") for q in load(SRC["pix"]).questions()
                      if q.options and not q.lines and q.explain)  # the explanation starts with the answer
    assert [t for t, size in red if size < FLOOR[profile] - 0.01 and squash(t) not in beside] == []


def load(path):
    from worksheet_gen.sources import load_fiche

    return load_fiche(path)[0]


def test_a_title_on_two_lines_leaves_no_word_alone(built):
    # Large print sets the Pix title on two lines; balanced, each holds about half of it.
    lines = pdftotext(sheet_pdf(built, "pix", "large"), 1).splitlines()
    start = lines.index(next(ln for ln in lines if ln.startswith("Cultivez")))
    first, second = lines[start], lines[start + 1]
    assert "PIX" in second and len(second) >= 0.5 * len(first), (first, second)


def _line_starts(path) -> tuple[str, set[int]]:
    """The text of a sheet squashed (tests/conftest.py), and where in it each printed line starts."""
    text, starts = "", set()
    for line in pdftotext(path).splitlines():
        if squash(line):
            starts.add(len(text))
            text += squash(line)
    return text, starts


@pytest.mark.parametrize("slug", SRC)
def test_dys_running_text_starts_each_sentence_on_a_line_of_its_own(built, slug):
    """docs/profiles.md: one sentence per paragraph in the dys profile's running text and callouts."""
    from worksheet_gen.model import Callout, TextBlock
    from worksheet_gen.text import paragraphs, plain, sentences

    f = load(SRC[slug])
    said = [squash(plain(s, lang=f.lang)) for a in f.activities for b in a.blocks if isinstance(b, (TextBlock, Callout))
            for u in paragraphs(b.text) for s in sentences(u)]
    assert len(said) >= 2

    def mid_line(profile) -> list[str]:
        text, starts = _line_starts(sheet_pdf(built, slug, profile))
        late, at = [], 0
        for s in said:
            at = text.index(s[:30], at)  # each sentence, in reading order
            if at not in starts:
                late.append(s[:30])
        return late

    assert mid_line("dys") == []
    assert mid_line("standard")  # not vacuous: the standard sheet runs sentences on


@pytest.mark.parametrize("profile", PROFILES)
def test_word_spaces_are_doubled_in_dys_only(built, profile):
    """docs/profiles.md: the dys profile doubles the font's word space; the other profiles keep it."""
    from collections import Counter

    from reportlab.pdfbase.pdfmetrics import stringWidth

    from worksheet_gen.layout.styles import Styles
    from worksheet_gen.profiles import PROFILES as BY_NAME

    p = BY_NAME[profile]
    space = stringWidth(" ", Styles("fr", p).font.regular, p.body)
    pages = R.read(sheet_pdf(built, "pix", profile))
    body = Counter(round(w.height, 1) for page in pages for w in page.words).most_common(1)[0][0]  # running text
    gaps = []
    for page in pages:
        for w in page.words:
            line = R.same_line(page, w)
            k = line.index(w)
            if round(w.height, 1) == body and k + 1 < len(line) and round(line[k + 1].height, 1) == body:
                gaps.append(line[k + 1].x0 - w.x1)
    assert len(gaps) > 200
    typical = Counter(round(g, 1) for g in gaps).most_common(1)[0][0]
    assert abs(typical - (2 if profile == "dys" else 1) * space) < 0.15, (typical, space)


def _picture_ppi(path) -> list[float]:
    """The resolution each picture is printed at, in order (pdfimages -list): pixels per inch of its width."""
    out = subprocess.run([need("pdfimages"), "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [float(row.split()[12]) for row in out.splitlines()[2:] if row.split()[2] == "image"]


def test_large_print_pictures_are_one_and_a_half_times_wider(built):
    """docs/profiles.md: pictures 1.5 × wider in the large profile (within the page), as wide in dys."""
    standard = _picture_ppi(sheet_pdf(built, "all-blocks", "standard"))
    assert len(standard) >= 2
    assert _picture_ppi(sheet_pdf(built, "all-blocks", "dys")) == standard
    large = _picture_ppi(sheet_pdf(built, "all-blocks", "large"))
    assert len(large) == len(standard) and all(abs(s / g - 1.5) < 0.04 for s, g in zip(standard, large)), (standard, large)
