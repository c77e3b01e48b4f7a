"""What a teacher hands out, read back from the PDFs: text printed as written, nothing misleading,
and what one copy costs in paper (issue 11). The second fiche, tests/data/fiches/parcoursup.yaml,
is written as a teacher new to the tool would."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import DATA, SOURCES, cli, need, pdftotext, squash

SECOND = DATA / "fiches" / "parcoursup.yaml"
LONG = DATA / "fiches" / "long-options.yaml"  # long options, an address a little too long, a space over pages
TEACHER = DATA / "fiches" / "specialites-2de.yaml"  # written by a teacher new to the tool, from the docs alone
ORAL = DATA / "fiches" / "preparer-oral.yaml"  # by a second reviewer: explanations beside long stacked options
PROFILES = ("standard", "dys", "large")
MM = 72 / 25.4
ACCENT = (0.121569, 0.305882, 0.47451)  # layout.styles.ACCENT: bullets
ANSWER = (0.752941, 0.086275, 0.109804)  # layout.styles.ANSWER: ticks and answers
RULE = (0.54902, 0.54902, 0.54902)  # layout.styles.RULE: ruled lines


def _suffix(profile: str) -> str:
    return "" if profile == "standard" else f"-{profile}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The second fiche and the Pix fiche, in every profile."""
    out = tmp_path_factory.mktemp("sheets")
    for profile in PROFILES:
        cli("build", str(SECOND), str(SOURCES / "pix.yaml"), str(LONG), str(TEACHER), str(ORAL), "--out", str(out),
            "--profile", profile, check=True)
    return out


def pdf(out: Path, slug: str, profile: str = "standard", kind: str = "eleve") -> Path:
    return out / f"{slug}-{kind}{_suffix(profile)}.pdf"


def fiche(path: Path):
    from worksheet_gen.sources import load_fiche

    loaded, problems = load_fiche(path)
    assert loaded is not None, problems
    return loaded


def words(path: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word, y from the top of the page."""
    out = subprocess.run([need("pdftotext"), "-bbox", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    found, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            text = m.group(5).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
            found.append((page, *map(float, m.groups()[:4]), text))
    return found


def find(ws, text: str, start: int = 0) -> int:
    """The index of the first word of a run of words that reads ``text`` (letters and digits), from start."""
    target = squash(text)
    for i in range(start, len(ws)):
        if not squash(ws[i][5]):
            continue
        got = ""
        for j in range(i, len(ws)):
            got += squash(ws[j][5])
            if not target.startswith(got):
                break
            if got == target:
                return i
    raise AssertionError(f"{text!r} not found")


def _starts(ws, i: int, text: str) -> bool:
    """Whether the run of words from i reads text."""
    try:
        return find(ws, text, i) == i
    except AssertionError:
        return False


def below(ws, text: str, i: int) -> int:
    """The index of the highest run of words reading ``text`` under word i on its page (the text layer's order
    is the drawing order: OUI and NON, drawn on the canvas, are not where the text around them is)."""
    page, top = ws[i][0], ws[i][2]
    found = [j for j, w in enumerate(ws) if w[0] == page and w[2] > top and _starts(ws, j, text)]
    assert found, f"{text!r} not found under {ws[i][5]!r}"
    return min(found, key=lambda j: ws[j][2])


def _paths(pdf_path: Path):
    """Every painted path of every page, in page coordinates:
    (page, operator, stroke colour, fill colour, dashed, points, curved)."""
    reader = PdfReader(pdf_path)
    for number, page in enumerate(reader.pages, 1):
        stroke, fill, dashed, ctm = None, None, False, (1, 0, 0, 1, 0, 0)
        points, curved, stack = [], False, []

        def at(x, y):
            a, b, c, d, e, f = ctm
            return a * x + c * y + e, b * x + d * y + f

        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":
                stack.append((stroke, fill, dashed, ctm))
            elif op == b"Q" and stack:
                stroke, fill, dashed, ctm = stack.pop()
            elif op == b"cm":
                a2, b2, c2, d2, e2, f2 = map(float, operands)
                a, b, c, d, e, f = ctm
                ctm = (a2 * a + b2 * c, a2 * b + b2 * d, c2 * a + d2 * c, c2 * b + d2 * d,
                       e2 * a + f2 * c + e, e2 * b + f2 * d + f)
            elif op == b"RG":
                stroke = tuple(round(float(v), 6) for v in operands)
            elif op == b"rg":
                fill = tuple(round(float(v), 6) for v in operands)
            elif op == b"G":
                stroke = (round(float(operands[0]), 6),) * 3
            elif op == b"d":
                dashed = bool(list(operands[0]))
            elif op in (b"m", b"l"):
                points.append(at(float(operands[0]), float(operands[1])))
            elif op == b"c":
                curved = True
                points.append(at(float(operands[4]), float(operands[5])))
            elif op == b"re":
                x, y, w, h = map(float, operands)
                points += [at(x, y), at(x + w, y + h)]
            elif op in (b"S", b"s", b"f", b"f*", b"B", b"b", b"n"):
                if op != b"n":
                    yield number, op, stroke, fill, dashed, points, curved
                points, curved = [], False


def _close(a, b) -> bool:
    return a is not None and b is not None and all(abs(x - y) < 0.002 for x, y in zip(a, b))


def ticks(path: Path) -> int:
    """Check marks drawn: three-point strokes in the answer colour."""
    return sum(1 for _, op, stroke, _, _, pts, curved in _paths(path)
               if op == b"S" and _close(stroke, ANSWER) and len(pts) == 3 and not curved)


def bullets(path: Path) -> int:
    """Bullets of lists to fill: small round dots filled in the accent colour."""
    return sum(1 for _, op, _, fill, _, pts, curved in _paths(path)
               if op in (b"f", b"f*") and curved and _close(fill, ACCENT) and _extent(pts) < 12)


def _extent(points) -> float:
    """The larger side of the box around some points."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def rules(path: Path) -> list[tuple[int, float]]:
    """The ruled answer lines: (page, y) of each long, solid, horizontal grey stroke."""
    out = []
    for page, op, stroke, _, dashed, pts, _ in _paths(path):
        if op == b"S" and _close(stroke, RULE) and not dashed and len(pts) == 2:
            (x0, y0), (x1, y1) = pts
            if abs(y0 - y1) < 0.01 and abs(x1 - x0) > 50:
                out.append((page, y0))
    return out


# --- text printed as written ---------------------------------------------------------------------------------------

AS_WRITTEN = [
    "https://www.onisep.fr/recherche?context=formation&text=numerique&utm_source=cio&utm_campaign=2de-1re-orientation",
    "cio.lyon@ac-lyon.fr",
    "ine:2024/XX-07",
    'print("Bonjour !")',
    '<a href="https://onisep.fr">Onisep</a>',
    "https://www.parcoursup.gouv.fr/trouver-une-formation?type=bts&specialite=sio&region=auvergne-rhone-alpes",
    "R&D < 10 et > 15",
]


def _as_written(expected: str) -> re.Pattern:
    """The text exactly, where a line may end anywhere (an address is cut where it must) or at a space."""
    return re.compile("\n?".join("[ \n]" if ch == " " else re.escape(ch) for ch in expected))


@pytest.mark.parametrize("profile", PROFILES)
def test_addresses_code_and_tags_are_printed_as_written(built, profile):
    text = pdftotext(pdf(built, "parcoursup", profile), raw=True)
    for expected in AS_WRITTEN:  # no space added, no quote changed, nothing raised
        assert _as_written(expected).search(text), expected


def test_addresses_and_code_are_in_the_monospace_face(built):
    out = subprocess.run([need("pdffonts"), str(pdf(built, "parcoursup"))], capture_output=True, text=True,
                         check=True).stdout
    assert "LiberationMono" in out
    lines = [row for row in out.splitlines()[2:] if "LiberationMono" in row]
    assert lines and all(row.split()[-5] == "yes" for row in lines)  # embedded


def _raised(ws) -> list[str]:
    """The words set raised and smaller right after the word before them: 1<sup>re</sup>."""
    out = []
    for prev, word in zip(ws, ws[1:]):
        if word[0] == prev[0] and abs(word[1] - prev[3]) < 0.5 and prev[4] - word[4] > 2:
            out.append(prev[5] + "^" + word[5])
    return out


def test_levels_and_ordinals_are_raised_alike_and_never_in_an_address(built):
    raised = _raised(words(pdf(built, "parcoursup")))
    for level in ("2^de", "1^re", "T^le", "1^er"):
        assert level in raised, (level, raised)
    assert not [r for r in raised if "orientation" in r or "utm" in r]
    for profile in ("dys", "large"):  # on the line, all alike
        assert _raised(words(pdf(built, "parcoursup", profile))) == []


def test_markup_raises_every_level_the_same_way():
    from worksheet_gen.text import markup

    for level, head, tail in (("1re", "1", "re"), ("1er", "1", "er"), ("2de", "2", "de"), ("2nde", "2", "nde"),
                              ("2e", "2", "e"), ("3e", "3", "e"), ("Tle", "T", "le"), ("1res", "1", "res")):
        # and kept on the line of the class's letter (a no-break space), as a number is with its word
        assert markup(f"en {level} B", size=10) == f"en {head}<super>{tail}</super>\u00a0B"
        assert markup(f"en {level} B", size=10, sup=False) == f"en {level}\u00a0B"
    url = "https://x.fr/a?b=2de-1re&c=1"
    assert "<super>" not in markup(f"voir {url} !", size=10)
    assert url.replace("&", "&amp;") in markup(f"voir {url} !", size=10)


WIKI = "https://fr.wikipedia.org/wiki/Infirmier_(France)"
WIKI_FICHE = f"""title: Wikipédia
lang: {{lang}}
intro: Lisez [l'article]({WIKI}) avant le cours.
activities:
  - title: A
    content:
      - Voir aussi {WIKI} sur Wikipédia (voir https://pix.fr). Il compte pour 10% de la note.
      - video: {WIKI}
        caption: Article.
"""


def _mono(path: Path) -> str:
    """The text a PDF draws in the monospace face (addresses and code), in drawing order."""
    drawn = []
    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: drawn.append(text) if font and "Mono" in
                          font.get("/BaseFont", "") else None)
    return "".join(drawn)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_address_with_parentheses_is_printed_linked_and_coded_whole(tmp_path, lang):
    """Wikipedia's addresses hold parentheses: the label link works, and the printed address, its link and
    the QR code all carry the whole address; a parenthesis around an address stays outside it."""
    src = tmp_path / "wiki.yaml"
    src.write_text(WIKI_FICHE.format(lang=lang), encoding="utf-8")
    cli("build", str(src), "--out", str(tmp_path / "out"), check=True)
    for kind in ("eleve", "corrige"):
        path = tmp_path / "out" / f"wiki-{kind}.pdf"
        text = " ".join(pdftotext(path).split())
        assert "Lisez l’article avant le cours." in text and "](" not in text
        assert f"Voir aussi {WIKI} sur Wikipédia (voir https://pix.fr)." in text
        assert ("pour 10 % de la note" if lang == "fr" else "pour 10% de la note") in text
        uris = sorted(a.get_object()["/A"]["/URI"] for page in PdfReader(path).pages for a in page.get("/Annots", []))
        assert uris == [WIKI, WIKI, WIKI, "https://pix.fr"]  # the label, the address in the text, the video's
        mono = _mono(path)
        assert mono.count(WIKI) == 2 and "https://pix.fr" in mono and "https://pix.fr)" not in mono
    subprocess.run([need("pdftoppm"), "-r", "150", "-png", str(path), str(tmp_path / "p")], check=True)
    codes = subprocess.run([need("zbarimg"), "-q", "--raw", str(next(tmp_path.glob("p*.png")))],
                           capture_output=True, text=True).stdout.split()
    assert codes == [WIKI]


# --- what the student reads is never misleading -----------------------------------------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
def test_several_right_answers_are_announced(built, profile):
    text = squash(pdftotext(pdf(built, "parcoursup", profile)))
    hint = squash("Plusieurs réponses possibles.")
    assert text.count(hint) == 1  # the first multi question; the second has its own words, the third none
    assert squash("Quels langages servent à créer une page web ? Plusieurs réponses possibles.") in text
    assert squash("Quels métiers recrutent après un BTS SIO ? Cochez les deux bonnes réponses.") in text
    assert squash("Quelles matières préférez-vous ?") + squash("Mathématiques") in text
    pix = squash(pdftotext(pdf(built, "pix", profile)))
    assert squash("Le niveau de certification est : Plusieurs réponses possibles.") in pix


def _explained(f):
    """The closed questions of a fiche whose explanation is printed beside their options."""
    return [q for q in f.questions() if q.kind.ticked and not q.lines and (q.explain or q.free)]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("slug, source", [("parcoursup", SECOND), ("pix", SOURCES / "pix.yaml"), ("long-options", LONG),
                                          ("preparer-oral", ORAL)])
def test_an_explanation_sits_on_the_row_of_a_ticked_option_in_one_column(built, slug, source, profile):
    """Beside the options only on the row of the first ticked one, and clear of any other option it reaches
    down beside (10 mm), so that it never reads as another option's; under them all when several are right,
    or none (« Réponse personnelle »)."""
    f = fiche(source)
    ws = words(pdf(built, slug, profile, kind="corrige"))
    sheet = words(pdf(built, slug, profile))  # the options where the student sees them: no explanation repeats them
    lefts: dict[int, set] = {}
    pos = 0
    questions = _explained(f)
    assert questions
    for q in questions:
        pos = find(ws, q.prompt, pos)
        page, x0, y0 = ws[pos][:3]  # the prompt's first word, at the same place on the student's sheet
        at = next(i for i, w in enumerate(sheet) if w[0] == page and abs(w[1] - x0) < 1 and abs(w[2] - y0) < 1)
        rows = []
        for option in q.options:
            i = below(sheet, option, at)
            rows.append((option, sheet[i][2], sheet[i][4], sheet[i][3]))
        lead = "Réponse personnelle" if q.free else q.answer[0] if q.kind.answer == "fixed" else ""
        text = " ".join(f"{lead} : {q.explain}".strip(" :").split()[:5])
        e = find(ws, text, pos)
        page, x, top, _, bottom, _ = ws[e]
        centre = (top + bottom) / 2
        beside = [option for option, t, b, _ in rows if t - 1 <= centre <= b + 1]
        if beside:
            assert q.kind.answer != "many", q.prompt  # several right options: it explains no one of them
            assert not q.free, q.prompt  # no right option (« Réponse personnelle »): it explains no one of them
            assert [o for o in beside if o in q.answer], (q.prompt, beside, q.answer)
            assert x > max(right for o, _, _, right in rows if o in beside), q.prompt  # after the options
            lefts.setdefault(page, set()).add(round(x, 1))
            lines = {round((w[2] + w[4]) / 2) for w in ws[e:e + len(q.explain.split()) + 3] if w[0] == page}
            for option, t, b, right in rows:  # the rows its later lines reach down beside
                if option not in beside and any(t - 1 <= c <= b + 1 for c in lines):
                    assert right <= x - 10 * MM + 1, (q.prompt, option)
        else:
            assert top > max(b for _, _, b, _ in rows), q.prompt  # under the options, never beside a wrong one
    assert all(len(xs) == 1 for xs in lefts.values()), lefts  # beside: one left edge per page


@pytest.mark.parametrize("profile", PROFILES)
def test_a_personal_answer_is_written_under_the_options_never_beside_one(tmp_path, profile):
    """« Réponse personnelle » of a closed question with no right answer explains no option: the corrigé writes
    it under them all (stacked or on one line), where the student sheet keeps the same room empty."""
    fiche = ("title: Essai\nactivities:\n  - title: A\n    content:\n"
             "      - question: Quelle voie après la 3e vous attire ?\n"
             "        options: [Voie générale et technologique, Voie professionnelle, Apprentissage en CFA,"
             " Je ne sais pas encore]\n        answer: free\n"
             "      - question: Avez-vous trouvé un stage ?\n        type: yesno\n        answer: free\n"
             "        explain: parlez-en à votre professeur.\n"
             "      - question: Quel est le salaire d'un débutant ?\n"
             "        options: [Environ 1 000 €, Environ 2 000 €, Environ 100 000 €]\n        answer: Environ 2 000 €\n"
             "        explain: autour de 2 000 € net par mois.\n"
             "      - question: Et après ?\n        lines: 2\n")
    src = tmp_path / "essai.yaml"
    src.write_text(fiche, encoding="utf-8")
    cli("build", str(src), "--out", str(tmp_path / "out"), "--profile", profile, check=True)
    key, sheet = words(pdf(tmp_path / "out", "essai", profile, "corrige")), words(pdf(tmp_path / "out", "essai", profile))
    pos = 0
    for prompt, options in (("Quelle voie après", ["Voie générale et technologique", "Voie professionnelle",
                                                   "Apprentissage en CFA", "Je ne sais pas encore"]),
                            ("Avez-vous trouvé", ["OUI", "NON"])):
        pos = find(key, prompt, pos)
        bottom = max(key[below(key, option, pos)][4] for option in options)
        said = key[below(key, "Réponse personnelle", pos)]
        assert said[0] == key[pos][0] and said[2] > bottom, (profile, prompt)  # under the last option, same page
    # The student sheet keeps that room: the next questions start where they start on the corrigé.
    for prompt in ("Avez-vous trouvé", "Quel est le salaire", "Et après"):
        assert key[find(key, prompt)][:3] == sheet[find(sheet, prompt)][:3], (profile, prompt)
    assert squash("Réponse personnelle") not in squash(" ".join(w[5] for w in sheet))


def test_no_single_right_answer_ticks_nothing_and_says_so(tmp_path):
    body = ("title: Essai\nactivities:\n  - title: A\n    content:\n"
            "      - question: Aimez-vous lire ?\n        type: yesno\n        answer: {answer}\n"
            "        explain: chacun ses goûts.\n")
    for answer, expected in (("free", 0), ("oui", 1)):
        src = tmp_path / answer / "essai.yaml"
        src.parent.mkdir()
        src.write_text(body.format(answer=answer), encoding="utf-8")
        proc = cli("build", str(src), "--out", str(tmp_path / answer / "out"), check=True)
        assert "warning" not in proc.stdout + proc.stderr
        key = tmp_path / answer / "out" / "essai-corrige.pdf"
        assert ticks(key) == expected
        assert ticks(tmp_path / answer / "out" / "essai-eleve.pdf") == 0
        text = squash(pdftotext(key))
        assert squash("chacun ses goûts") in text
        assert (squash("Réponse personnelle : chacun ses goûts") in text) == (answer == "free")


def test_warnings_say_what_the_corrige_does(tmp_path):
    src = tmp_path / "essai.yaml"
    src.write_text("title: Essai\nactivities:\n  - title: A\n    content:\n"
                   "      - question: Oui ou non ?\n        type: yesno\n        explain: selon le cas.\n"
                   "      - question: Lequel ?\n        options: [a, b]\n"
                   "      - question: Racontez.\n"
                   "      - table: T\n        sections:\n          - title: S\n            lines: 2\n",
                   encoding="utf-8")
    proc = cli("check", str(src))
    assert "the corrigé ticks no box and prints only the explanation (add 'answer:', or 'answer: free'" in proc.stderr
    assert "this question has no answer: the corrigé ticks no box (" in proc.stderr
    assert "this question has no answer: the corrigé leaves its lines empty" in proc.stderr
    assert "this section has no answer: the corrigé leaves its lines empty" in proc.stderr
    assert "will be empty" not in proc.stderr


@pytest.mark.parametrize("profile", PROFILES)
def test_a_table_shows_the_bullets_it_asks_not_the_number_of_answers(built, profile):
    f = fiche(SECOND)
    table = next(b for a in f.activities for b in a.blocks if hasattr(b, "sections"))
    expected = sum(sec.bullets or len(sec.answer) for sec in table.sections)
    assert bullets(pdf(built, "parcoursup", profile)) == expected == 6 + 1
    # The corrigé ticks each item it writes in place of its bullet, and keeps the bullets it writes nothing on.
    written = sum(len(s.answer) for s in table.sections)
    assert bullets(pdf(built, "parcoursup", profile, "corrige")) == expected - written
    assert table.sections[0].bullets > len(table.sections[0].answer)


def test_the_sequence_of_activities_is_in_the_header_block(built):
    text = squash(pdftotext(pdf(built, "parcoursup")))
    order = [squash(t) for t in ("Activité précédente : Découvrez les métiers du numérique",
                                 "Activité : Préparer ses vœux sur Parcoursup",
                                 "Activité suivante : Rédiger son projet de formation motivé")]
    assert all(t in text for t in order)
    assert text.index(order[0]) < text.index(order[1]) < text.index(order[2])
    pix = squash(pdftotext(pdf(built, "pix")))
    assert squash("Activité : Cultivez vos compétences numériques avec PIX") in pix


def test_a_suggestion_shows_where_the_two_texts_differ(tmp_path):
    option = "Responsable de la sécurité des systèmes d'information"
    src = tmp_path / "essai.yaml"
    src.write_text("title: Essai\nactivities:\n  - title: A\n    content:\n      - question: Quel métier ?\n"
                   f"        options: [\"{option}\", Technicien]\n"
                   f"        answer: \"Responsable de la sécurité des systèmes d'informatique\"\n", encoding="utf-8")
    proc = cli("check", str(src))
    assert proc.returncode == 1
    line = next(ln for ln in proc.stderr.splitlines() if "is not one of the options" in ln)
    assert "informatique'" in line and "information'?" in line, line


# --- paper -------------------------------------------------------------------------------------------------------------

LIMITS = {"standard": (4, 1 / 4), "dys": (8, 1 / 3), "large": (10, 1 / 3)}


def _empty_ends(path: Path, profile) -> list[float]:
    """How much of each page's body is left empty at its foot, in points, read from a render."""
    from PIL import Image

    out = []
    prefix = path.parent / f"render-{path.stem}"
    subprocess.run([need("pdftoppm"), "-r", "36", "-gray", str(path), str(prefix)], check=True)
    for png in sorted(path.parent.glob(f"{prefix.name}-*.pgm")):
        im = Image.open(png)
        scale = im.height / profile.page[1]
        top, bottom = int(profile.margin_top * scale), int((profile.page[1] - profile.margin_bottom) * scale)
        px = im.load()
        last = max((y for y in range(top, bottom) if any(px[x, y] < 200 for x in range(im.width))), default=top)
        out.append((bottom - last) / scale)
    return out


@pytest.mark.parametrize("profile", PROFILES)
def test_the_pix_sheet_fits_its_pages_with_no_page_left_half_empty(built, profile):
    from worksheet_gen.profiles import PROFILES as ALL

    most, share = LIMITS[profile]
    p = ALL[profile]
    for kind in ("eleve", "corrige"):
        path = pdf(built, "pix", profile, kind)
        assert len(PdfReader(path).pages) <= most
        ends = _empty_ends(path, p)
        assert all(end <= share * p.frame_h + 1 for end in ends[:-1]), [round(e / MM) for e in ends]


def _two_activities(texts: int, lines: int) -> str:
    """A fiche whose first activity ends after ``texts`` short texts and a question on ``lines`` lines, and whose
    second starts with its title, a callout and a question on 2 lines."""
    questions = "".join(f"      - question: Question {i} ?\n        lines: 3\n        answer: free\n"
                        for i in range(1, 5))
    notes = "".join(f"      - text: Une remarque numéro {i}.\n" for i in range(texts))
    return (f"title: Essai\nactivities:\n  - title: Première activité\n    content:\n{questions}{notes}"
            f"      - question: La dernière question ?\n        lines: {lines}\n        answer: free\n"
            "  - title: Deuxième activité\n    content:\n      - callout: À vous de jouer !\n"
            "      - question: Que retenez-vous ?\n        lines: 2\n        answer: free\n"
            "      - question: Et ensuite ?\n        lines: 2\n        answer: free\n")


def test_an_activity_starts_on_the_page_that_holds_its_title_and_first_question(tmp_path):
    """An activity goes to the next page only when its title, callout and first question do not fit at the foot of
    this one (the space after that question is no reason: it ends the page); its title never ends a page.
    The first activity ends lower and lower on page 1 (texts of one line, ruled lines 7.5 mm apart): one of
    these fiches leaves page 1 just the room the second activity's start takes."""
    import pdfread as R
    from worksheet_gen.profiles import STANDARD as P

    grey = (0.54902, 0.54902, 0.54902)  # ruled lines
    src, out = tmp_path / "sources", tmp_path / "build"  # apart: PDFs among the sources are refused
    src.mkdir()
    for texts in range(6):
        for lines in range(1, 9):
            (src / f"v{texts}{lines}.yaml").write_text(_two_activities(texts, lines), encoding="utf-8")
    cli("build", "--sources", str(src), "--out", str(out), check=True)
    moved = 0
    for path in sorted(out.glob("v*-eleve.pdf")):
        pages = R.read(path)
        page = next(p for p in pages if any(w.text == "Deuxième" for w in p.words))
        title = next(w for w in page.words if w.text == "Deuxième")
        below = [w.text for w in page.words if w.y1 < title.y0]
        assert "jouer" in below and "retenez-vous" in below, path.name  # the title with its callout and first question
        ruled = [s.bbox[1] for s in R.rules(page, 50) if R.same_colour(s.stroke, grey)]
        if page.index == 0 or any(y > title.y1 for y in ruled):
            continue  # the second activity starts on page 1, or under the end of the first
        moved += 1
        before = pages[page.index - 1]
        foot = min(s.bbox[1] for s in R.rules(before, 50) if R.same_colour(s.stroke, grey)) - 1.5 * MM
        empty = foot - P.margin_bottom  # under the last answer space of the page before
        second = min((w.y1 for w in page.words if w.text == "Et"), default=0.0)  # the next question, when here
        first_end = min(y for y in ruled if second < y < title.y0) - 1.5 * MM
        start = P.gap + (P.margin_bottom + P.frame_h - first_end)  # the gap after that answer space, then the start
        assert empty < start, (path.name, round(empty, 1), round(start, 1))
    assert moved >= 20


def test_every_question_keeps_its_ruled_lines_at_least_7_mm_apart(built):
    from worksheet_gen.model import FillTable

    f = fiche(SOURCES / "pix.yaml")
    expected = sum(q.lines for q in f.questions()) + sum(
        sec.lines for a in f.activities for b in a.blocks if isinstance(b, FillTable) for sec in b.sections)
    found = rules(pdf(built, "pix"))
    assert len(found) == expected
    gaps = [abs(a[1] - b[1]) for a, b in zip(found, found[1:]) if a[0] == b[0] and abs(a[1] - b[1]) < 12 * MM]
    assert gaps and min(gaps) >= 7 * MM - 0.01


def test_short_options_go_on_one_line_unless_the_source_stacks_them(built):
    ws = words(pdf(built, "parcoursup"))

    def rows(first, *labels):
        """The rows of a question's option labels: the last first label of the sheet, then the others after it."""
        i = max(i for i in range(len(ws)) if _starts(ws, i, first))
        return {round(ws[i][2])} | {round(ws[find(ws, label, i)][2]) for label in labels}

    assert len(rows("OUI", "NON")) == 1 and len(rows("HTML", "CSS", "Excel")) == 1
    assert len(rows("Administrateur systèmes et réseaux", "Comptable", "Infirmier")) == 3  # inline: false
    pix = words(pdf(built, "pix"))
    f = fiche(SOURCES / "pix.yaml")
    for kind, (yes, no) in (("yesno", ("OUI", "NON")), ("truefalse", ("Vrai", "Faux"))):
        shared = {(w[0], round(w[2])) for w in pix if w[5] == yes} & {(w[0], round(w[2])) for w in pix if w[5] == no}
        assert len(shared) == sum(q.type == kind for q in f.questions()) > 0  # both boxes on one row


def test_the_build_says_what_a_copy_costs_in_paper(tmp_path):
    proc = cli("build", str(SOURCES / "pix.yaml"), "--out", str(tmp_path), check=True)
    n = len(PdfReader(tmp_path / "pix-eleve.pdf").pages)
    assert f"paper per copy: pix-eleve.pdf {n} pages = {(n + 1) // 2} sheets recto-verso" in proc.stdout
    again = cli("build", str(SOURCES / "pix.yaml"), "--out", str(tmp_path), "--format", "json", check=True)
    assert '"pix-eleve.pdf": %d' % n in again.stdout


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("kind", ("eleve", "corrige"))
def test_no_text_runs_out_of_the_body_into_the_footer_or_off_the_page(built, profile, kind):
    from worksheet_gen.profiles import PROFILES as ALL

    p = ALL[profile]
    height = p.page[1]
    for slug in ("pix", "parcoursup"):
        out = [w for w in words(pdf(built, slug, profile, kind))
               if w[4] > height - p.margin_bottom + 1 and w[2] < height - p.footer_rule or w[4] > height]
        assert out == [], (slug, out[:5])  # e.g. a long answer cut by a page break, drawn whole


@pytest.mark.parametrize("filler", [55, 60, 70])  # the page break falls inside an item, and between two
def test_an_answer_cut_by_a_page_break_stays_on_its_lines(tmp_path, filler):
    """Each model answer item is three lines long; wherever the page break falls, the corrigé writes
    on each page only the lines of the student's space there (reportlab's orphan control would draw
    a cut paragraph whole, over the footer)."""
    item = "- " + " ".join(["Une réponse longue qui occupe plusieurs lignes du corrigé"] * 5)
    filler = "      - " + " ".join(["Un texte qui remplit la page."] * filler) + "\n"
    answer = "\n".join(f"          {item} ({i})." for i in range(8))
    src = tmp_path / "essai.yaml"
    src.write_text("title: Essai\nactivities:\n  - title: A\n    content:\n" + filler
                   + f"      - question: Racontez.\n        lines: 26\n        answer: |\n{answer}\n", encoding="utf-8")
    cli("build", str(src), "--out", str(tmp_path), check=True)
    from worksheet_gen.profiles import STANDARD as P

    key = words(tmp_path / "essai-corrige.pdf")
    assert max(w[0] for w in key) >= 2  # the answer space goes on on the next page
    height = P.page[1]
    assert [w for w in key if w[4] > height - P.margin_bottom + 1 and w[2] < height - P.footer_rule] == []
    text = pdftotext(tmp_path / "essai-corrige.pdf").split()
    assert text.count("occupe") == text.count("corrigé") == 40  # every line of every item, once


def test_the_pack_cover_raises_1er_and_levels_as_the_sheets_do(tmp_path):
    cli("pack", "pix", "--copies", "2", "--date", "2025-03-01", "--class", "1re B", "--out", str(tmp_path),
        check=True)
    cover = [w for w in words(tmp_path / "pack-pix.pdf") if w[0] == 1]
    assert "1^er" in _raised(cover) and "1^re" in _raised(cover)  # « samedi 1er mars 2025 », « 1re B »


@pytest.mark.parametrize("profile", PROFILES)
def test_lines_continued_on_a_page_carry_their_question_number(built, profile):
    """An answer space broken by a page break: its lines on the next page start with the question's
    number in the number column (and « suite » where it fits), so they are not taken for the next question's."""
    from worksheet_gen.profiles import PROFILES as P

    p = P[profile]
    for kind in ("eleve", "corrige"):
        ws = words(pdf(built, "long-options", profile, kind))
        start = ws[find(ws, "Racontez votre parcours")][0]
        pages = sorted({w[0] for w in ws if w[0] > start})
        assert pages
        for page in pages:  # question 3's lines go on over every page after its prompt's
            body = [w for w in ws if w[0] == page and p.margin_top < w[2] < p.page[1] - p.margin_bottom]
            first = min(body, key=lambda w: (w[2], w[1]))
            assert first[5] == "3" and first[3] < p.margin_x + p.indent, (kind, page, first)
        if profile == "standard":
            assert any(w[5] == "suite" and w[3] < p.margin_x + p.indent for w in ws if w[0] == 2)


@pytest.mark.parametrize("profile", PROFILES)
def test_an_address_a_little_too_long_is_set_smaller_on_one_line_where_the_profile_allows(built, profile):
    address = "https://www.horizons21.fr/simulateur?profil=eleve-2de-general&etape=specialites&annee=2026"
    lines = pdftotext(pdf(built, "long-options", profile)).splitlines()
    if profile == "standard":  # the standard sheet prints smaller text; the adapted ones never do
        assert address in lines
    else:
        at = next(i for i, line in enumerate(lines) if line.startswith("https://www.horizons21"))
        pieces = [lines[at]]
        while "".join(pieces) != address:
            at += 1
            assert address.startswith("".join(pieces) + lines[at]), pieces
            pieces.append(lines[at])
        assert len(pieces) > 1 and all(piece[-1] in "/?&=" for piece in pieces[:-1]), pieces  # cut where expected


VIDEOS = {  # (slug, address, the profiles whose page holds the address on one line)
    ("pix", "https://www.youtube.com/watch?v=x9C9tK7SU7g", PROFILES),
    ("specialites-2de", "https://www.youtube.com/watch?v=Xy3kZ9aQp0w&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG&index=3",
     ("standard",)),
}


@pytest.mark.parametrize("profile", PROFILES)
def test_a_video_address_stays_on_one_line_when_the_page_holds_it(built, profile):
    """Beside its QR code, a long address would be cut in two, which a student can neither type nor copy in
    one piece: the code then goes under the text, the address on one line, nothing drawn over a word."""
    from pdfread import qr_codes, read

    for slug, address, whole in VIDEOS:
        if profile not in whole:
            continue
        for kind in ("eleve", "corrige"):
            path = pdf(built, slug, profile, kind)
            assert any(address in line for line in pdftotext(path).splitlines()), (slug, kind)
            page = next(p for p in read(path) if any(w.text.startswith(address[:20]) for w in p.words))
            codes = qr_codes(page)
            assert codes, (slug, kind)
            for code in codes:
                x0, y0, x1, y1 = code.bbox
                assert not [w.text for w in page.words if w.x0 < x1 and x0 < w.x1 and w.y0 < y1 and y0 < w.y1]


def test_a_short_address_is_not_cut_for_a_longer_one_that_no_line_holds(tmp_path):
    """Attack 3: in large print, a caption with a short address and one too long for any line kept its QR
    code beside the text, and the short address, which the whole width holds, was cut too."""
    short, long = "https://www.example.org/chemin/xxxxxxxxx", \
        "https://www.onisep.fr/Choisir-mes-etudes/Apres-le-bac/Organisation-des-etudes-superieures"
    source = tmp_path / "video.yaml"
    source.write_text(f"title: Vidéos\nactivities:\n  - title: A\n    content:\n      - video: {short}\n"
                      f"        caption: \"Regardez {short} puis la suite {long} et répondez.\"\n", encoding="utf-8")
    cli("build", str(source), "--profile", "large", "--out", str(tmp_path / "out"), check=True)
    lines = pdftotext(tmp_path / "out" / "video-eleve-large.pdf").splitlines()
    assert any(short in line for line in lines), lines
    assert not any(long in line for line in lines)  # no line holds it: cut where a reader expects


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("slug, source", [("pix", SOURCES / "pix.yaml"), ("specialites-2de", TEACHER)])
def test_an_activity_banner_is_on_the_page_of_its_first_block(built, slug, source, profile):
    """Even when the first block is a table: a banner never ends a page alone."""
    f = fiche(source)
    for kind in ("eleve", "corrige"):
        ws = words(pdf(built, slug, profile, kind))
        for number, activity in enumerate(f.activities, 1):
            banner = find(ws, f"Activité {number} : {activity.title}")
            block = activity.blocks[0]
            lead = getattr(block, "prompt", None) or getattr(block, "title", None)
            lead = lead or getattr(block, "caption", None) or getattr(block, "text", "")
            # what follows the banner: a long introduction (running text) may end the page; a short one may not
            follows = [activity.intro] if len(activity.intro or "") > 100 else [activity.intro, lead]
            for text in filter(None, follows):
                assert ws[find(ws, " ".join(text.split()[:4]), banner)][0] == ws[banner][0], (kind, number, text)


@pytest.mark.parametrize("profile", PROFILES)
def test_no_page_but_the_last_is_left_more_empty_than_the_profile_allows(built, profile):
    """The teacher's fiche: options of a question flow on rather than leaving half a page blank."""
    from worksheet_gen.profiles import PROFILES as P

    p = P[profile]
    for kind in ("eleve", "corrige"):
        ws = words(pdf(built, "specialites-2de", profile, kind))
        last = max(w[0] for w in ws)
        for page in range(1, last):
            bottom = max(w[4] for w in ws if w[0] == page and w[2] < p.page[1] - p.margin_bottom)
            empty = p.page[1] - p.margin_bottom - bottom
            assert empty <= p.page_end * p.frame_h + p.pitch, (kind, page, empty / 72 * 25.4)


def test_a_banner_is_kept_with_a_table_that_opens_its_activity():
    """The group that keeps an activity's banner on a page holds the table that opens the activity,
    not only the spacing before it (a banner and its introduction ended a page, the table on the next)."""
    from worksheet_gen.layout import styles as S
    from worksheet_gen.layout.flowables import Banner, KeepTogetherOrFlow
    from worksheet_gen.layout.story import story
    from worksheet_gen.layout.table import FillTable

    f = fiche(TEACHER)
    assert type(f.activities[1].blocks[0]).__name__ == "FillTable"
    groups = [g for g in story(f, styles=S.Styles("fr"), answers=False, report=lambda *a, **k: None)
              if isinstance(g, KeepTogetherOrFlow) and any(isinstance(x, Banner) for x in g._content)]
    assert len(groups) == len(f.activities)
    assert any(isinstance(x, FillTable) for x in groups[1]._content)
