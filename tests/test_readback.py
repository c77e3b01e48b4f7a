"""What the teacher prints, read back from the PDFs: the boxes the corrigé ticks, questions kept
whole, the bullets of tables, the corrigé laid exactly over the student sheet.

Every expectation comes from the source — its YAML text for the right answers and the lines it
asks, its validated model to find each question — and from what the PDF shows (tests/pdfread.py,
tests/sheetread.py): never from page numbers, coordinates, or whether options are stacked or on
one line.
"""

from __future__ import annotations

import math
from functools import lru_cache

import pytest

import pdfread as R
import sheetread as S
from conftest import PROFILES, SHEETS, pdftotext, sheet_pdf, squash

CASES = [pytest.param(slug, profile, id=f"{slug}-{profile}") for slug in SHEETS for profile in PROFILES]
TOLERANCE = 0.5  # points: the corrigé is the student sheet with answers written in, nothing moves
RULE = (0.54902, 0.54902, 0.54902)  # the grey of ruled and dotted answer lines, #8C8C8C


@lru_cache(maxsize=None)
def fiche(slug: str):
    from worksheet_gen.sources import load_fiche

    loaded, problems = load_fiche(SHEETS[slug])
    assert loaded is not None, problems
    return loaded


def profile_of(name: str):
    from worksheet_gen.profiles import PROFILES as BY_NAME

    return BY_NAME[name]


def label(q) -> str:
    """A question as a failure message names it."""
    return f"{q.number}. {q.prompt[:40]}"


@lru_cache(maxsize=None)
def spec(slug: str) -> tuple:
    """(type, options, right options) of each question, from the YAML text (sheetread.source_questions)."""
    return S.source_questions(SHEETS[slug])


def closed(slug: str) -> list[tuple[int, object, tuple, frozenset]]:
    """(index in S.questions, question, options, right options) of every question with boxes."""
    return [(i, q, options, right) for i, (q, (kind, options, right)) in
            enumerate(zip(S.questions(fiche(slug)), spec(slug))) if options]


def read(folder, slug, profile, kind):
    return R.read(sheet_pdf(folder, slug, profile, kind))


# --- ticks --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug, profile", CASES)
@pytest.mark.parametrize("kind", ["eleve", "corrige"])
def test_every_question_is_found_once(sheets_built, slug, profile, kind):
    """The readers below start from each question's number and prompt: each is printed exactly once."""
    hits = S.prompts(read(sheets_built, slug, profile, kind), fiche(slug))
    assert {label(q): len(h) for q, h in zip(S.questions(fiche(slug)), hits) if len(h) != 1} == {}


@pytest.mark.parametrize("slug, profile", CASES)
def test_the_corrige_ticks_exactly_the_right_boxes(sheets_built, slug, profile):
    pages = read(sheets_built, slug, profile, "corrige")
    read_back = S.choices(pages, fiche(slug))
    got = {label(q): [(c.option, c.ticked) for c in read_back[i]] for i, q, _, _ in closed(slug)}
    assert got == {label(q): [(o, o in right) for o in options] for i, q, options, right in closed(slug)}
    in_boxes = [t for page in pages for t in R.check_marks(page)
                if any(R.inside(t.points[1], c.box, 0.5) for cs in read_back for c in cs if c.box.page == t.page)]
    assert len(in_boxes) == sum(len(right) for _, _, _, right in closed(slug))
    assert all(R.same_colour(t.stroke, R.ANSWER) for t in in_boxes)


@pytest.mark.parametrize("slug, profile", CASES)
def test_the_student_sheet_ticks_nothing_and_has_no_answer_colour(sheets_built, slug, profile):
    pages = read(sheets_built, slug, profile, "eleve")
    read_back = S.choices(pages, fiche(slug))
    got = {label(q): [(c.option, c.ticked) for c in read_back[i]] for i, q, _, _ in closed(slug)}
    assert got == {label(q): [(o, False) for o in options] for i, q, options, _ in closed(slug)}
    assert [page.index + 1 for page in pages if R.check_marks(page)] == []
    assert [page.index + 1 for page in pages if any(R.same_colour(c, R.ANSWER) for c in page.colours)] == []


def test_the_tick_reader_sees_what_it_should():
    """Right answers stand among wrong ones, first or not, one or several: a reader that saw every box
    ticked, or none, or only the first, would fail the tests above."""
    every = [(kind, options, right) for slug in SHEETS for kind, options, right in spec(slug) if options]
    for slug in SHEETS:
        assert any(0 < len(right) < len(options) for _, options, right in spec(slug) if options), slug
    assert {kind for kind, _, _ in every} == {"yesno", "truefalse", "choice", "multi"}
    assert any(kind == "multi" and len(right) > 1 and options[0] not in right for kind, options, right in every)
    for fixed in S.FIXED:  # the first and the second box are each the right one somewhere
        assert {options.index(next(iter(right))) for kind, options, right in every if kind == fixed} == {0, 1}


# --- kept whole ---------------------------------------------------------------------------------------------------

def answer_lines(page: R.Page, profile) -> list[R.Shape]:
    """What an answer space draws in the body of a page: long ruled lines, and the frame of a 'box' ruling."""
    width = page.width - 2 * profile.margin_x
    low, high = profile.margin_bottom - 0.5, page.height - profile.margin_top + 0.5
    found = []
    for s in page.shapes:
        x0, y0, x1, y1 = s.bbox
        if s.stroke is None or R.same_colour(s.stroke, R.ACCENT) or x1 - x0 < 0.25 * width:
            continue
        if low <= y0 and y1 <= high and (s.ops == "ml" and y1 - y0 < 0.01 or "c" in s.ops):
            found.append(s)
    return found


@pytest.mark.parametrize("slug, profile", CASES)
def test_every_prompt_shares_its_page_with_its_answer_space(sheets_built, slug, profile):
    """Each prompt is on the page of its first option or of its first ruled line."""
    f, p = fiche(slug), profile_of(profile)
    pages = read(sheets_built, slug, profile, "eleve")
    starts = [hits[0] for hits in S.prompts(pages, f)]
    boxes = S.choices(pages, f)
    lines = sorted((R.order(s.page, s.bbox[0], s.bbox[3]), s.page) for page in pages for s in answer_lines(page, p))
    apart, checked = [], 0
    for i, q in enumerate(S.questions(f)):
        start = R.order(starts[i].page, starts[i].x0, starts[i].y1)
        end = R.order(starts[i + 1].page, starts[i + 1].x0, starts[i + 1].y1) if i + 1 < len(starts) else (1e9,)
        if q.options:
            first = boxes[i][0].box.page if boxes[i] else None
        else:
            first = next((page for key, page in lines if start < key < end), None)
        checked += 1
        if first != starts[i].page:
            apart.append((label(q), starts[i].page + 1, None if first is None else first + 1))
    assert checked == len(S.questions(f)) and apart == []


# --- tables -------------------------------------------------------------------------------------------------------

TABLED = [pytest.param(slug, profile, id=f"{slug}-{profile}") for slug in SHEETS if S.tables(fiche(slug))
          for profile in PROFILES]


@pytest.mark.parametrize("slug, profile", TABLED)
def test_table_bullets_counted_across_pages_are_those_the_source_asks(sheets_built, slug, profile):
    """One bullet per expected item on the student sheet, one check mark per item in the corrigé,
    however the sections break across pages. (The test sources' items each fit on a line.)"""
    from worksheet_gen.text import plain

    f = fiche(slug)
    expected = [(squash(plain(s.title, lang=f.lang)), len(s.answer)) for t in S.tables(f) for s in t.sections]
    assert R.section_marks(read(sheets_built, slug, profile, "eleve"), R.bullets) == expected
    assert R.section_marks(read(sheets_built, slug, profile, "corrige"), R.check_marks) == expected


@pytest.mark.parametrize("slug, profile", TABLED)
def test_table_sections_have_the_lines_the_source_gives(sheets_built, slug, profile):
    """As many ruled lines as `lines:` says, else one per answer; the adapted profiles may add lines for
    answers that need them at their size, never take any away."""
    from worksheet_gen.text import plain

    grey = lambda page: [s for s in R.rules(page, 20) if R.same_colour(s.stroke, RULE)]  # noqa: E731
    got = R.section_marks(read(sheets_built, slug, profile, "eleve"), grey)
    asked = [(squash(plain(title, lang=fiche(slug).lang)), len(answers) if lines is None else lines)
             for title, lines, answers in S.source_sections(SHEETS[slug])]
    assert [t for t, _ in got] == [t for t, _ in asked]
    if profile_of(profile).grow_answers:
        assert all(n >= want for (_, n), (_, want) in zip(got, asked)), (got, asked)
    else:
        assert got == asked


def test_a_section_continues_on_the_next_page_in_every_profile(sheets_built):
    """The bullet count above is meaningful: a section of closed.yaml is broken across two pages."""
    sections = sum(len(t.sections) for t in S.tables(fiche("closed")))
    for profile in PROFILES:
        rows = [r for page in read(sheets_built, "closed", profile, "eleve") for r in R.table_rows(page)
                if len(r.columns) >= 3]
        assert len({r.page for r in rows}) > 1 and len(rows) > sections, profile


def in_question(pages, f, marks) -> list[int]:
    """For each question, how many of the shapes ``marks(page)`` lists come after its prompt and before the next."""
    starts = [R.order(h[0].page, h[0].x0, h[0].y1) for h in S.prompts(pages, f)] + [(math.inf,)]
    counts = [0] * len(S.questions(f))
    for page in pages:
        for s in marks(page):
            key = R.order(s.page, s.bbox[0], s.bbox[3])
            owner = [i for i, start in enumerate(starts[:-1]) if start < key < starts[i + 1]]
            if owner:
                counts[owner[0]] += 1
    return counts


def lists(slug: str) -> list[tuple[int, int]]:
    """(index, expected items) of each list to fill (type: blanks)."""
    return [(i, len(right)) for i, (kind, _, right) in enumerate(spec(slug)) if kind == "blanks"]


LISTED = [pytest.param(slug, profile, id=f"{slug}-{profile}") for slug in SHEETS if lists(slug)
          for profile in PROFILES]


@pytest.mark.parametrize("slug, profile", LISTED)
def test_a_list_to_fill_has_one_bullet_per_item(sheets_built, slug, profile):
    """The student sees one bullet per expected item; the corrigé ticks each item it writes, and not the
    explanation it may write after them."""
    f = fiche(slug)
    student = in_question(read(sheets_built, slug, profile, "eleve"), f, R.bullets)
    ticks = in_question(read(sheets_built, slug, profile, "corrige"), f, R.check_marks)
    assert any(S.questions(f)[i].explain for i, _ in lists(slug)) or slug != "closed"  # one list is explained
    assert [student[i] for i, _ in lists(slug)] == [ticks[i] for i, _ in lists(slug)] == [n for _, n in lists(slug)]


def written(slug: str) -> list[str]:
    """Every text the corrigé writes in: model answers of open questions and lists, explanations (a yes/no
    or true/false one after its right answer, « NON : … », docs/design.md), table answers and remarks."""
    from worksheet_gen.text import paragraphs, plain

    f = fiche(slug)
    texts = [p for q in S.questions(f) if not q.options for a in q.answer for p in paragraphs(a)]
    texts += [f"{next(iter(right))} : {q.explain}" if kind in S.FIXED else q.explain
              for q, (kind, _, right) in zip(S.questions(f), spec(slug)) if q.explain]
    texts += [a for t in S.tables(f) for s in t.sections for a in (*s.answer, s.explain) if a]
    return [plain(t.lstrip("• "), lang=f.lang) for t in texts]


def added_words(student, key, profile) -> list[R.Word]:
    """The words of the corrigé's body that the student sheet does not have at the same place: what
    the corrigé writes in, page after page, in reading order."""
    added = []
    for s_page, k_page in zip(student, key):
        theirs = {}
        for w in s_page.words:
            theirs.setdefault(w.text, []).append(w)
        added += [w for w in k_page.words if profile.margin_bottom < w.y0 and w.y1 < k_page.height - profile.margin_top
                  and not any(max(abs(w.x0 - o.x0), abs(w.y0 - o.y0)) <= TOLERANCE for o in theirs.get(w.text, ()))]
    return added


@pytest.mark.parametrize("slug, profile", CASES)
def test_the_corrige_writes_each_answer_once(sheets_built, slug, profile):
    """What the corrigé adds to the student sheet holds each answer and explanation once, whole, in order
    across a page break; it is nothing but answers."""
    added = added_words(read(sheets_built, slug, profile, "eleve"), read(sheets_built, slug, profile, "corrige"),
                        profile_of(profile))
    text = squash("".join(w.text for w in added))
    texts = [squash(t) for t in written(slug)]
    # Once each, and once more inside each other text that holds it (« En cas de problème, […] » is in
    # « … en cas de problème technique … »); the longest are taken out first, with what they hold.
    expected = {t: sum(u.count(t) for u in texts) for t in texts}
    assert texts and {t: text.count(t) for t in texts if text.count(t) != expected[t]} == {}
    for t in sorted(texts, key=len, reverse=True):
        text = text.replace(t, "", 1)
    assert text == "", text[:200]


@pytest.mark.parametrize("slug, profile", CASES)
def test_the_corrige_writes_above_the_ruled_lines(sheets_built, slug, profile):
    """No ruled line crosses the answers the corrigé writes on it; each answer line has its rule just under it."""
    p = profile_of(profile)
    crossed, floating, written = [], [], 0
    for page in read(sheets_built, slug, profile, "corrige"):
        rules = [s for s in answer_lines(page, p) if s.ops == "ml" and R.same_colour(s.stroke, RULE)]
        for run in page.runs:
            if not R.same_colour(run.colour, R.ANSWER) or not p.margin_bottom < run.y < page.height - p.margin_top:
                continue
            under = [s for s in rules if s.bbox[0] - 1 <= run.x <= s.bbox[2] and
                     run.y - p.pitch <= s.bbox[1] <= run.y + run.size]
            if not under:
                continue  # not on ruled lines: beside options, on Seyès or a grid
            written += 1
            if any(run.y - 0.2 < s.bbox[1] < run.y + 0.6 * run.size for s in under):
                crossed.append((page.index + 1, run.text[:30]))
            elif not any(run.y - p.pitch / 2 <= s.bbox[1] <= run.y - 0.2 for s in under):
                floating.append((page.index + 1, run.text[:30]))
    f = fiche(slug)
    lined = S.tables(f) or [q for q in S.questions(f) if (q.lines or not q.options) and q.ruling in ("lines", "dotted")]
    assert bool(written) == bool(lined) and crossed == [] and floating == []


# --- the corrigé over the student sheet --------------------------------------------------------------------------

def _moved(student, key, items) -> list:
    """The items of the student sheet that the corrigé does not show at the same place (TOLERANCE)."""
    missing = []
    for s_page, k_page in zip(student, key):
        theirs = items(k_page)
        for text, x0, y0, x1, y1 in items(s_page):
            if not any(t == text and max(abs(x0 - a), abs(y0 - b), abs(x1 - c), abs(y1 - d)) <= TOLERANCE
                       for t, a, b, c, d in theirs):
                missing.append((s_page.index + 1, text, round(x0, 1), round(y0, 1)))
    return missing


@pytest.mark.parametrize("slug, profile", CASES)
def test_the_corrige_is_the_student_sheet_with_answers_written_in(sheets_built, slug, profile):
    """Same pages; every question, word of the body, checkbox and ruled line of the student sheet at the
    same place in the corrigé, to half a point."""
    f, p = fiche(slug), profile_of(profile)
    student, key = read(sheets_built, slug, profile, "eleve"), read(sheets_built, slug, profile, "corrige")
    assert len(student) == len(key)
    moved = [(label(q), (s[0].page + 1, round(s[0].x0, 1), round(s[0].y1, 1)),
              (k[0].page + 1, round(k[0].x0, 1), round(k[0].y1, 1)))
             for q, s, k in zip(S.questions(f), S.prompts(student, f), S.prompts(key, f))
             if s[0].page != k[0].page or max(abs(s[0].x0 - k[0].x0), abs(s[0].y1 - k[0].y1)) > TOLERANCE]
    assert moved == []

    def body_words(page):
        return [(w.text, w.x0, w.y0, w.x1, w.y1) for w in page.words if w.y1 < page.height - p.margin_top]

    def drawn(page):
        return [("box", *b.bbox) for b in R.checkboxes(page)] + [("line", *s.bbox) for s in answer_lines(page, p)]

    assert sum(len(body_words(page)) for page in student) > 30  # not vacuous
    assert _moved(student, key, body_words) == []
    assert _moved(student, key, drawn) == []


# --- QR codes -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug, profile", CASES)
def test_every_qr_code_is_28_mm_wide_with_dots_of_half_a_millimetre(sheets_built, slug, profile):
    """docs/design.md: one QR code per video or link, 28 mm wide with its 4-module quiet zone, in every profile;
    its dots at least 0.5 mm (docs/errors.md), so that a phone scans it from paper."""
    from worksheet_gen.model import Media

    mm = 72 / 25.4
    codes = [c for page in read(sheets_built, slug, profile, "eleve") for c in R.qr_codes(page)]
    assert len(codes) == len([b for b in S.blocks(fiche(slug)) if isinstance(b, Media)])
    for c in codes:
        x0, y0, x1, y1 = c.bbox
        assert abs((x1 - x0) - (y1 - y0)) < 0.01 and c.module >= 0.5 * mm, (c.page + 1, c)
        assert abs(x1 - x0 + 8 * c.module - 28 * mm) < 0.05 * mm, (c.page + 1, (x1 - x0 + 8 * c.module) / mm)


FREE_LISTS = """\
title: Mes idées
activities:
  - title: Ce que je pense
    content:
      - question: Citez des métiers que vous aimez.
        type: blanks
        lines: 3
        answer: free
      - table: Ce que je retiens
        sections:
          - title: Mes qualités
            lines: 4
            answer: free
          - title: Mes envies
            lines: 4
            bullets: 2
            answer: free
          - title: Les étapes
            lines: 4
            bullets: 4
            answer: [S’inscrire, Réviser]
"""


@pytest.mark.parametrize("profile", PROFILES)
def test_the_corrige_keeps_the_bullets_it_writes_no_item_on(tmp_path, profile):
    """`answer: free` and more bullets than items: the corrigé shows the student's bullets where it writes no
    item (« Réponse personnelle » on the first), and a check mark in place of each one where it does."""
    from conftest import cli

    (tmp_path / "idees.yaml").write_text(FREE_LISTS, encoding="utf-8")
    cli("build", str(tmp_path / "idees.yaml"), "--out", str(tmp_path), "--profile", profile, check=True)
    student, key = (read(tmp_path, "idees", profile, kind) for kind in ("eleve", "corrige"))
    assert len(student) == len(key)

    def dots(pages):
        return {(p.index, round((b.bbox[1] + b.bbox[3]) / 2)) for p in pages for b in R.bullets(p)}

    ticks = {(p.index, round(t.points[1][1])) for p in key for t in R.check_marks(p)}
    assert len(dots(student)) == 3 + 4 + 2 + 4
    assert dots(key) <= dots(student)  # nothing moves
    assert len(ticks) == 2 and len(dots(key)) == len(dots(student)) - 2
    both = [R.section_marks(pages, lambda page: R.bullets(page) + R.check_marks(page)) for pages in (student, key)]
    assert both[0] == both[1] == [("mesqualités", 4), ("mesenvies", 2), ("lesétapes", 4)]
    assert squash(pdftotext(sheet_pdf(tmp_path, "idees", profile, "corrige"))).count("réponsepersonnelle") == 3
