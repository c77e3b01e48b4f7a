"""Class packs with adapted versions: a Profil column in the roster, or --profile for every copy."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

import pdfread as R
import sheetread as S
from conftest import SOURCES, cli
from test_pack import make, outline, padded, texts

ROSTER = (
    "Nom;Prénom;Classe;Profil\n"
    "ARNAUD;Lina;1re B;\n"
    "BLANC;Hugo;1re B;dys\n"
    "CARRÉ;Inès;1re B;Large\n"
    "DUVAL;Noé;1re B;Dyslexie\n"
    "ESTÈVE;Maël;1re B;standard\n"
)
EXPECTED = {"ARNAUD": "standard", "BLANC": "dys", "CARRÉ": "large", "DUVAL": "dys", "ESTÈVE": "standard"}


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """The Pix student sheet and corrigé of each profile, built on their own: {profile: (eleve, corrige)}."""
    out = tmp_path_factory.mktemp("sheets")
    found = {}
    for profile in ("standard", "dys", "large"):
        cli("build", str(SOURCES / "pix.yaml"), "--out", str(out), "--profile", profile, check=True)
        suffix = "" if profile == "standard" else f"-{profile}"
        found[profile] = (out / f"pix-eleve{suffix}.pdf", out / f"pix-corrige{suffix}.pdf")
    return found


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    out = tmp_path_factory.mktemp("mixed")
    roster = out / "classe.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    make(out, "pix", "--roster", str(roster), "--date", "2025-03-13")
    return out / "pack-classe.pdf"


def _fonts(page) -> set[str]:
    fonts = page["/Resources"].get("/Font", {})
    return {str(f.get_object()["/BaseFont"]).split("+")[-1] for f in fonts.values()}


def _copies(path) -> dict[str, tuple[int, int]]:
    """Each student's copy, by Nom: (first page, last page), from 1, read from the bookmarks."""
    marks = [(title, page) for depth, title, page in outline(PdfReader(path)) if depth == 0]
    spans = {}
    for (title, first), (_, after) in zip(marks, marks[1:]):
        spans[title.split()[0]] = (first, after - 1)
    return spans


def test_each_student_gets_the_version_the_roster_names(mixed, sheets):
    reader = PdfReader(mixed)
    pack_texts = texts(mixed)
    spans = _copies(mixed)
    assert set(EXPECTED) <= set(spans)
    for nom, profile in EXPECTED.items():
        first, last = spans[nom]
        sheet = texts(sheets[profile][0])
        n = len(sheet)
        assert last - first + 1 == padded(n), (nom, profile)
        prenom = next(line.split(";")[1] for line in ROSTER.splitlines() if line.startswith(nom + ";"))
        for i in range(1, n):  # pages 2… are the version's own, each recto with the student's name in its header
            added = f"{nom} {prenom} — 1re B".split() if i % 2 == 0 else []
            assert sorted(pack_texts[first - 1 + i].split()) == sorted(sheet[i].split() + added), (nom, profile, i)
        assert nom in pack_texts[first - 1] and set(sheet[0].split()) <= set(pack_texts[first - 1].split())
        for page in reader.pages[first - 1:first - 1 + n]:
            assert any(f.startswith("Andika") for f in _fonts(page)) == (profile == "dys"), (nom, profile)
        others = [t for i, t in enumerate(pack_texts) if not first - 1 <= i < last]
        assert not any(nom in t for t in others if "Pour l’enseignant" not in t), nom  # only on the cover besides


def test_the_corrige_of_every_profile_used_ends_the_pack(mixed, sheets):
    pack_texts = texts(mixed)
    marks = outline(PdfReader(mixed))
    keys = [(title, page) for depth, title, page in marks if depth == 1 and title.startswith("Corrigé")]
    assert len(keys) == 3
    for (title, page), profile in zip(keys, ("standard", "dys", "large")):
        key = texts(sheets[profile][1])
        assert pack_texts[page - 1:page - 1 + len(key)] == key, profile
        assert title.endswith(f"({profile})") == (profile != "standard")
    assert keys[-1][1] - 1 + len(texts(sheets["large"][1])) == len(pack_texts)  # nothing after the last corrigé


def test_the_cover_says_which_copies_are_adapted(mixed):
    cover = texts(mixed)[0]
    assert "2 copies dys" in cover and "1 copie gros caractères" in cover
    assert "BLANC Hugo [dys]" in cover and "CARRÉ Inès [large]" in cover


def test_every_copy_starts_on_a_recto(mixed):
    assert all(first % 2 == 1 for first, _ in _copies(mixed).values())


def test_an_unknown_profile_is_an_error_at_its_roster_line(tmp_path):
    roster = tmp_path / "classe.csv"
    roster.write_text("Nom;Prénom;Aménagement\nARNAUD;Lina;\nBLANC;Hugo;dislexie\n", encoding="utf-8")
    proc = make(tmp_path, "pix", "--roster", str(roster), check=False)
    assert proc.returncode == 1
    assert "classe.csv:3:12: error: unknown profile 'dislexie' (write standard, dys or large" in proc.stderr
    assert not list(tmp_path.glob("pack-*.pdf"))


def test_profile_option_sets_every_copy_the_roster_leaves_open(tmp_path, sheets):
    make(tmp_path, "pix", "--copies", "2", "--profile", "large", "--no-cover")
    pack = tmp_path / "pack-pix.pdf"
    student, key = (len(texts(p)) for p in sheets["large"])
    assert len(PdfReader(pack).pages) == 2 * padded(student) + key
    assert texts(pack)[:student] == texts(sheets["large"][0])


def test_profile_option_leaves_the_versions_the_roster_gives(tmp_path, sheets):
    roster = tmp_path / "classe.csv"
    roster.write_text("Nom;Prénom;Profil\nARNAUD;Lina;\nBLANC;Hugo;dys\n", encoding="utf-8")
    make(tmp_path, "pix", "--roster", str(roster), "--profile", "large")
    pack = tmp_path / "pack-classe.pdf"
    assert [t for d, t, _ in outline(PdfReader(pack)) if d == 0][1:3] == ["ARNAUD Lina [large]", "BLANC Hugo [dys]"]
    first, last = _copies(pack)["BLANC"]
    assert last - first + 1 == padded(len(texts(sheets["dys"][0])))
    fonts = _fonts(PdfReader(pack).pages[first - 1]) - {"LiberationMono"}  # addresses: mono
    assert fonts and all(f.startswith("Andika") for f in fonts), "BLANC keeps dys"


def test_names_on_an_adapted_copy_are_in_its_font(mixed):
    reader = PdfReader(mixed)
    first, _ = _copies(mixed)["BLANC"]  # dys
    fonts = _fonts(reader.pages[first - 1])
    assert fonts and all(f.startswith("Andika") for f in fonts - {"LiberationMono"}), fonts  # addresses: mono


def test_a_name_the_adapted_font_cannot_print_is_an_error_at_its_line(tmp_path):
    roster = tmp_path / "classe.csv"
    roster.write_text("Nom;Prénom;Profil\nARNAUD;Lina;\nALEXIOU;Σοφία;dys\n", encoding="utf-8")
    proc = make(tmp_path, "pix", "--roster", str(roster), check=False)
    assert proc.returncode == 1
    assert "classe.csv:3:1: error: the character 'Σ' (U+03A3) of 'Σοφία' cannot be printed with the font of " \
           "the 'dys' version (Andika)" in proc.stderr, proc.stderr
    assert not list(tmp_path.glob("pack-*.pdf"))


# --- read back from the pack: ticks and names, in each version ----------------------------------------------------

def _parts(pages) -> dict[str, list]:
    """The pack's pages by part, from their labels: each corrigé by its tag (« pix-dys »), and "copies"."""
    found: dict[str, list] = {}
    for page in pages:
        key = re.match(r"Corrigé (\S+) p\. \d+$", page.label)
        if not page.label.startswith("Couverture"):
            found.setdefault(key.group(1) if key else "copies", []).append(page)
    return found


def test_each_corrige_in_the_pack_ticks_the_right_boxes_and_no_copy_any(mixed):
    from worksheet_gen.sources import load_fiche

    fiche, _ = load_fiche(SOURCES / "pix.yaml")
    expected = [[(o, o in right) for o in options] for _, options, right in S.source_questions(SOURCES / "pix.yaml")
                if options]
    parts = _parts(R.read(mixed))
    assert sorted(parts) == ["copies", "pix", "pix-dys", "pix-large"]
    for tag in ("pix", "pix-dys", "pix-large"):
        read_back = [[(c.option, c.ticked) for c in cs] for q, cs in zip(S.questions(fiche), S.choices(parts[tag], fiche))
                     if q.options]
        assert read_back == expected, tag
    assert len(parts["copies"]) > 5 * 5
    assert [p.label for p in parts["copies"] if R.check_marks(p)] == []
    assert [p.label for p in parts["copies"] if any(R.same_colour(c, R.ANSWER) for c in p.colours)] == []


@pytest.mark.parametrize("nom", ["ARNAUD", "BLANC", "CARRÉ"])  # standard, dys, large
def test_names_sit_in_the_name_fields_of_each_version(mixed, nom, tmp_path):
    """Each value follows its label on its line, exactly where that version's own layout writes it (the
    date of the session, --date 2025-03-13, in the Date field as docs/packs.md says)."""
    from worksheet_gen.profiles import PROFILES
    from worksheet_gen.render import render
    from worksheet_gen.sources import load_fiche

    prenom = next(line.split(";")[1] for line in ROSTER.splitlines() if line.startswith(nom + ";"))
    labels = ("Nom", "Prénom", "Classe", "Date")
    page = R.read(mixed)[_copies(mixed)[nom][0] - 1]
    assert R.field_values(page, labels) == {"Nom": nom, "Prénom": prenom, "Classe": "1re B", "Date": "13/03/2025"}
    fiche, _ = load_fiche(SOURCES / "pix.yaml")
    reference = tmp_path / "reference.pdf"
    reference.write_bytes(render(fiche, answers=False, names=(nom, prenom, "1re B", "13/03/2025"),
                                 profile=PROFILES[EXPECTED[nom]]))
    values = {nom, prenom, "1re", "1", "re", "B", "13/03/2025"}  # 1<sup>re</sup>: two words in the standard sheet
    where = lambda p: sorted((w.text, round(w.x0, 1), round(w.y0, 1)) for w in p.words if w.text in values)  # noqa: E731
    ours, theirs = where(page), where(R.read(reference)[0])
    assert len(ours) == len(theirs) >= 5 and all(a[0] == b[0] and abs(a[1] - b[1]) <= 0.5 and abs(a[2] - b[2]) <= 0.5
                                  for a, b in zip(ours, theirs)), (ours, theirs)


TWO_PAGES = "title: Deux pages\nlevels: [2de]\nactivities:\n  - title: Le projet\n    content:\n" + "".join(
    f"      - question: Question numéro {i} sur votre projet ?\n        lines: 4\n        answer: Réponse personnelle.\n"
    for i in range(8))  # two pages in the standard version, three in the dys one


@pytest.mark.parametrize("profils, staple, grouped", [
    (("", ""), "une feuille par copie.", ()),
    (("", "dys"), "agrafer les copies adaptées.", ()),  # the standard copy is one sheet, the dys one two
    (("dys", "dys", ""), "agrafer par copie.", ()),  # the most common version, dys, is two sheets
    (("", ""), "une feuille par fiche.", ("--group-by", "fiche")),
    (("", "dys"), "agrafer chaque fiche.", ("--group-by", "fiche")),  # the dys sheet of the fiche is 3 pages
])
def test_the_cover_says_to_staple_what_takes_more_than_a_sheet(tmp_path, profils, staple, grouped):
    """Fresh-eyes review: a 2-page fiche with a dys copy of 4 pages was said « une feuille par copie », and
    « une feuille par fiche » grouped by fiche."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "deux.yaml").write_text(TWO_PAGES, encoding="utf-8")
    roster = tmp_path / "classe.csv"
    roster.write_text("Nom;Prénom;Profil\n" + "".join(f"ÉLÈVE{i};Prénom;{p}\n" for i, p in enumerate(profils)),
                      encoding="utf-8")
    make(tmp_path, "deux", "--roster", str(roster), "--sources", str(tmp_path / "src"), *grouped)
    hint = next(line for line in texts(tmp_path / "pack-classe.pdf", "-l", "1")[0].splitlines()
                if line.startswith("Impression"))
    assert hint == f"Impression : recto-verso, {staple}"
