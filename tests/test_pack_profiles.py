"""Class packs with adapted versions: a Profil column in the roster, or --profile for every copy."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

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
    assert "classe.csv:3:12: error: unknown profile « dislexie » (write standard, dys or large" in proc.stderr
    assert not list(tmp_path.glob("pack-*.pdf"))


def test_profile_option_sets_every_copy_the_roster_leaves_open(tmp_path, sheets):
    make(tmp_path, "pix", "--copies", "2", "--profile", "large", "--no-cover")
    pack = tmp_path / "pack-pix.pdf"
    student, key = (len(texts(p)) for p in sheets["large"])
    assert len(PdfReader(pack).pages) == 2 * padded(student) + key
    assert texts(pack)[:student] == texts(sheets["large"][0])


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
    assert "classe.csv:3:1: error: the character 'Σ' (U+03A3) of « Σοφία » cannot be printed with the font of " \
           "the 'dys' version (Andika)" in proc.stderr, proc.stderr
    assert not list(tmp_path.glob("pack-*.pdf"))
