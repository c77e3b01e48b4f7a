"""Packs on paper: every recto of a named copy finds its owner, the date is on every copy, the cover reads
right, and every PDF asks the printer for its true size (and for recto-verso when the pack is made for it)."""

from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader

from conftest import DATA, ROOT, SOURCES, cli, glued, need, words
from test_pack import make, outline, texts
from test_pack_profiles import ROSTER, sheets  # noqa: F401  (a fixture: each version of the Pix sheet)

PACK = DATA / "pack"
MM = 72 / 25.4
PRINTABLE = 5 * MM  # printers leave about this much of each edge blank
DPI = 100
PROFILES = ("standard", "dys", "large")


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """A named pack of one student per version, made for recto-verso and for one side: {duplex: path}."""
    out = tmp_path_factory.mktemp("versions")
    roster = out / "classe.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    made = {}
    for duplex in (True, False):
        name = "rv" if duplex else "recto"
        make(out, "pix", "--roster", str(roster), "--date", "2025-03-13", "--name", name,
             *([] if duplex else ["--single-sided"]))
        made[duplex] = out / f"pack-{name}.pdf"
    return made


def _students() -> dict[str, tuple[str, str]]:
    """Nom -> (Prénom, version) of the test roster."""
    rows = [line.split(";") for line in ROSTER.splitlines()[1:]]
    return {nom: (prenom, (profil.lower().replace("dyslexie", "dys") or "standard")) for nom, prenom, _, profil in rows}


def _spans(path) -> dict[str, int]:
    """Each copy's first page (from 0), by the Nom its bookmark starts with."""
    return {title.split()[0]: page - 1 for depth, title, page in outline(PdfReader(path)) if depth == 0}


def _added(pack_page, sheet_page):
    """The words a pack page has that the same page of the sheet printed alone has not."""
    key = lambda w: (w.text, round(w.x0, 1), round(w.y0, 1))  # noqa: E731
    own = {key(w) for w in sheet_page}
    return [w for w in pack_page if key(w) not in own]


# --- printers ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
def test_every_fiche_pdf_asks_for_true_size(sheets, profile):  # noqa: F811
    for path in sheets[profile]:
        root = PdfReader(path).trailer["/Root"]
        assert root["/ViewerPreferences"]["/PrintScaling"] == "/None", path
        assert path.read_bytes().startswith(b"%PDF-1.7"), "PrintScaling needs PDF 1.6, Duplex 1.7"


def test_packs_ask_for_true_size_and_their_sides(versions):
    for duplex, path in versions.items():
        prefs = PdfReader(path).trailer["/Root"]["/ViewerPreferences"]
        assert prefs["/PrintScaling"] == "/None"
        assert prefs["/Duplex"] == ("/DuplexFlipLongEdge" if duplex else "/Simplex")
        assert path.read_bytes().startswith(b"%PDF-1.7")
        check = subprocess.run([need("qpdf"), "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_declared_packs_and_rebuilt_fiches_keep_the_preferences(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "mini.yaml").write_bytes((PACK / "mini.yaml").read_bytes())
    (src / "a.pack.yaml").write_text("fiches: [mini]\ncopies: 2\nsingle_sided: true\n", encoding="utf-8")
    cli("build", "--sources", str(src), "--out", str(tmp_path / "out"), check=True)
    for name, duplex in (("mini-eleve.pdf", None), ("mini-corrige.pdf", None), ("pack-a.pdf", "/Simplex")):
        prefs = PdfReader(tmp_path / "out" / name).trailer["/Root"]["/ViewerPreferences"]
        assert prefs["/PrintScaling"] == "/None" and prefs.get("/Duplex") == duplex, name


# --- names on every recto ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("duplex", [True, False], ids=["recto-verso", "single-sided"])
def test_every_recto_of_a_named_copy_carries_the_name_in_its_header(versions, sheets, duplex):  # noqa: F811
    pack = words(versions[duplex])
    spans = _spans(versions[duplex])
    for nom, (prenom, profile) in _students().items():
        sheet = words(sheets[profile][0])
        first = spans[nom]
        label = f"{nom} {prenom} — 1re B".split()
        for i, sheet_page in enumerate(sheet):
            added = _added(pack[first + i], sheet_page)
            if i == 0:
                continue  # page 1: the name fields (test_names_and_date_sit_in_their_fields)
            if duplex and i % 2:
                assert added == [], (nom, profile, i)  # a verso: the recto before it names the student
                continue
            assert [w.text for w in glued(added)] == label, (nom, profile, i, added)
            body = min(w.y0 for w in sheet_page if w.y0 > 30 * MM)  # the first line under the running header
            header = [w for w in sheet_page if w.y1 < 30 * MM]
            assert header, "the sheet has a running header"
            for w in added:
                assert PRINTABLE <= w.y0 and w.y1 < body, (nom, profile, i, w)
                assert PRINTABLE <= w.x0 and w.x1 <= 210 * MM - PRINTABLE
                assert not any(w.overlaps(other) for other in sheet_page), (nom, profile, i, w)
                # on the header's line, between its two sides
                assert min(h.y0 for h in header) - 1 <= w.y0 and w.y1 <= max(h.y1 for h in header) + 1


def _ink(path, page: int, out) -> "Image.Image":
    """A page rendered as a grey image at DPI, as a printer would get it."""
    from PIL import Image

    prefix = out / f"{path.stem}-{page}"
    subprocess.run([need("pdftoppm"), "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile", "-gray",
                    "-png", str(path), str(prefix)], check=True)
    return Image.open(f"{prefix}.png").convert("L")


def test_a_header_full_of_levels_gets_the_name_under_its_rule(tmp_path):
    """Long levels and a short kind leave the header's middle too narrow in the adapted versions: the name goes
    in the strip under the header's rule. Checked on the ink: what the pack adds touches nothing the sheet
    prints, and stays inside what a printer prints."""
    from PIL import ImageChops, ImageFilter

    src = tmp_path / "src"
    src.mkdir()
    text = (SOURCES / "pix.yaml").read_text(encoding="utf-8")
    levels = "levels: [Seconde générale, Première générale, Terminale, CAP]"
    text = re.sub(r"^levels:.*$", levels, text, flags=re.M)
    (src / "wide.yaml").write_text(re.sub(r"^kind:.*$", "kind: Atelier", text, flags=re.M), encoding="utf-8")
    (tmp_path / "c.csv").write_text(ROSTER, encoding="utf-8")
    cli("pack", "wide", "--roster", str(tmp_path / "c.csv"), "--sources", str(src), "--out", str(tmp_path),
        check=True)
    path = tmp_path / "pack-c.pdf"
    pack, spans = words(path), _spans(path)
    margin = round(PRINTABLE / 72 * DPI)
    for nom, (prenom, profile) in _students().items():
        cli("build", str(src / "wide.yaml"), "--out", str(tmp_path / profile), "--profile", profile, check=True)
        alone = tmp_path / profile / f"wide-eleve{'' if profile == 'standard' else '-' + profile}.pdf"
        sheet = words(alone)
        for i in range(2, len(sheet), 2):
            added = _added(pack[spans[nom] + i], sheet[i])
            assert [w.text for w in glued(added)] == f"{nom} {prenom} — 1re B".split(), (nom, profile, i)
            rule = max(w.y1 for w in sheet[i] if w.y1 < 30 * MM)  # the header's line of text
            assert all(w.y0 > rule for w in added) == (profile != "standard"), (nom, profile)  # under it, or in it
            before, after = _ink(alone, i + 1, tmp_path), _ink(path, spans[nom] + i + 1, tmp_path)
            new = ImageChops.subtract(before, after).point(lambda v: 255 if v > 60 else 0)  # darker in the pack
            box = new.getbbox()
            assert box, (nom, profile, i)
            assert margin <= box[0] and margin <= box[1] and box[2] <= new.width - margin, (nom, profile, box)
            printed = before.point(lambda v: 255 if v < 230 else 0).filter(ImageFilter.MaxFilter(3))
            assert ImageChops.multiply(new, printed).getbbox() is None, (nom, profile, i)  # touches nothing


def test_names_and_date_sit_in_their_fields(versions, sheets):  # noqa: F811
    pack = words(versions[True])
    spans = _spans(versions[True])
    for nom, (prenom, profile) in _students().items():
        page = pack[spans[nom]]
        sheet_page = words(sheets[profile][0])[0]
        added = glued(_added(page, sheet_page))
        assert [w.text for w in added] == [nom, prenom, "1re", "B", "13/03/2025"], (nom, profile, added)
        labels = {w.text: w for w in sheet_page if w.text in ("Nom", "Prénom", "Classe", "Date")}
        for value, field in zip(added, ("Nom", "Prénom", "Classe", "Classe", "Date")):
            assert value.x0 > labels[field].x1 and abs(value.y1 - labels[field].y1) < 3, (nom, value, field)
            assert not any(value.overlaps(other) for other in sheet_page), (nom, value)
        assert added[-1].x1 <= 210 * MM - PRINTABLE


def test_anonymous_copies_get_the_date_and_nothing_else(tmp_path, sheets):  # noqa: F811
    make(tmp_path, "pix", "--copies", "3", "--date", "2025-03-13", "--class", "1re B")
    path = tmp_path / "pack-pix.pdf"
    pack, sheet = words(path), words(sheets["standard"][0])
    starts = [page - 1 for depth, title, page in outline(PdfReader(path)) if title.startswith("Copie ")]
    assert len(starts) == 3
    for first in starts:
        for i, sheet_page in enumerate(sheet):
            assert [w.text for w in _added(pack[first + i], sheet_page)] == (["13/03/2025"] if i == 0 else [])
    anonymous = tmp_path / "plain"
    make(anonymous, "pix", "--copies", "3")
    assert path.stat().st_size - (anonymous / "pack-pix.pdf").stat().st_size < 2 * 1024, \
        "the date of anonymous copies is one overlay shared by every copy"


def test_the_date_can_stay_on_the_cover(tmp_path):
    roster = tmp_path / "c.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    make(tmp_path, "pix", "--roster", str(roster), "--date", "2025-03-13", "--date-on-cover-only")
    t = texts(tmp_path / "pack-c.pdf")
    assert "jeudi 13 mars 2025" in t[0]
    assert not any("13/03/2025" in page for page in t)
    src = tmp_path / "src"
    src.mkdir()
    (src / "mini.yaml").write_bytes((PACK / "mini.yaml").read_bytes())
    (src / "a.pack.yaml").write_text("fiches: [mini]\ncopies: 2\ndate: 2025-03-13\ndate_on_cover_only: true\n",
                                     encoding="utf-8")
    (src / "b.pack.yaml").write_text("fiches: [mini]\ncopies: 2\ndate: semaine 12\n", encoding="utf-8")
    cli("build", "--sources", str(src), "--out", str(tmp_path / "out"), check=True)
    a, b = texts(tmp_path / "out" / "pack-a.pdf"), texts(tmp_path / "out" / "pack-b.pdf")
    assert "jeudi 13 mars 2025" in a[0] and not any("13/03/2025" in page for page in a[1:])
    assert sum("semaine 12" in page for page in b) == 3  # the cover and the two copies


def test_a_french_date_is_read_and_a_day_that_does_not_exist_is_an_error(tmp_path):
    make(tmp_path, "pix", "--copies", "1", "--date", "13/03/2025")
    t = texts(tmp_path / "pack-pix.pdf")
    assert "jeudi 13 mars 2025" in t[0] and "13/03/2025" in t[2]
    proc = cli("pack", "pix", "--copies", "1", "--date", "2025-02-30", "--out", str(tmp_path / "no"))
    assert proc.returncode == 1 and "--date:1:1: error: the date 2025-02-30 is not a day of the calendar" in proc.stderr
    assert not (tmp_path / "no").exists()


def test_a_date_the_fonts_cannot_print_is_an_error(tmp_path):
    proc = cli("pack", "pix", "--copies", "2", "--date", "le 13 \U0001f389", "--out", str(tmp_path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "--date:1:7: error: the character '\U0001f389' (U+1F389) of the date cannot be printed" in proc.stderr
    assert not list(tmp_path.iterdir())


# --- the cover --------------------------------------------------------------------------------------------------

def _cover(path) -> str:
    return texts(path, "-layout", "-l", "1")[0]


def test_the_cover_heading_says_what_the_pack_is(tmp_path):
    make(tmp_path, "pix", str(PACK / "mini.yaml"), "--copies", "2", "--class", "1re B", "--name", "deux")
    page = words(tmp_path / "pack-deux.pdf")[0]
    heading = [w.text for w in glued([w for w in page if w.y1 - w.y0 > 14])]  # the words set large
    assert heading == "1re B — Cultivez vos compétences numériques avec PIX · Mon projet d’orientation".split()


@pytest.mark.parametrize("args, present, absent", [
    (["pix", "--copies", "2"], ["Corrigé :", "Fiche :", "Copies :", r"pages \d+ à \d+, à la fin"],
     ["Corrigés", "Fiches :", "chacun"]),
    (["pix", str(PACK / "mini.yaml"), "--copies", "2"], ["Corrigés :", "Fiches :", "une fois chacun, à la fin"],
     ["Corrigé :", "Fiche :"]),
    (["mini", "--copies", "1", "--single-sided"], ["Copie :", "Corrigé :", "page 3, à la fin", "1 page par copie",
                                                   "recto seul, une feuille par copie", "3 pages, 3 feuilles"],  # 1+1+1
     ["Copies", "Corrigés", "pages 3", "agrafer"]),
])
def test_the_cover_agrees_in_number(tmp_path, mini_sources, args, present, absent):
    make(tmp_path, *args, "--name", "n", "--sources", str(tmp_path / "src") if "mini" in args else "sources")
    cover = " ".join(_cover(tmp_path / "pack-n.pdf").split())
    for text in present:
        assert re.search(text, cover), (text, cover)
    for text in absent:
        assert text not in cover, (text, cover)


@pytest.fixture
def mini_sources(tmp_path):
    """A sources folder holding the one-page fiche under the name mini."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mini.yaml").write_bytes((PACK / "mini.yaml").read_bytes())


def test_one_named_copy_is_said_in_the_singular(tmp_path):
    roster = tmp_path / "un.csv"
    roster.write_text("Nom;Prénom\nMARTIN;Léa\n", encoding="utf-8")
    make(tmp_path, "pix", "--roster", str(roster))
    cover = " ".join(_cover(tmp_path / "pack-un.pdf").split())
    assert "Copie : 1, à son nom" in cover and "Copie nominative" in cover
    assert "une par élève" not in cover and "Copies" not in cover


def test_a_long_class_keeps_the_cover_on_its_page(tmp_path):
    classe = ("Seconde générale et technologique, groupe de demi-classe " * 4)[:200]
    make(tmp_path, "pix", str(PACK / "mini.yaml"), "--copies", "2", "--class", classe, "--name", "long")
    cover = words(tmp_path / "pack-long.pdf")[0]
    assert cover and all(PRINTABLE <= w.x0 and w.x1 <= 210 * MM - PRINTABLE for w in cover)
    assert all(PRINTABLE <= w.y0 and w.y1 <= 297 * MM - PRINTABLE for w in cover)
    for i, w in enumerate(cover):
        assert not any(w.overlaps(other, tolerance=1) for other in cover[i + 1:]), w
    text = " ".join(w.text for w in cover)
    assert "Impression" in text and "Total" in text


def test_a_long_name_on_the_cover_keeps_the_size_of_the_others_when_the_page_has_room(tmp_path):
    """Four copies, one named at length: the list of named copies widens to it rather than setting it smaller,
    each name on one line, apart from its pages."""
    roster = tmp_path / "eleves.csv"
    roster.write_text("Nom;Prénom;Classe;Aménagements\nMARTIN;Léa;6e2;\nN'GUYEN;Élodie-Anne;6e2;dys\n"
                      "DE LA FONTAINE-SAINT-JULIEN;Jean-Baptiste Marie;5eA;grands caractères\nÇELIK;Zoé;5eA;\n",
                      encoding="utf-8")
    make(tmp_path, str(PACK / "mini.yaml"), "--roster", str(roster), "--name", "noms")
    cover = glued(words(tmp_path / "pack-noms.pdf")[0])
    listed = [w for w in cover if w.y0 > next(w.y1 for w in cover if w.text == "nominatives")]
    rows: dict[float, list] = {}
    for w in listed:
        rows.setdefault(round(w.y1), []).append(w)
    lines = [sorted(row, key=lambda w: w.x0) for _, row in sorted(rows.items())]
    assert [line[0].text for line in lines] == ["MARTIN", "N'GUYEN", "DE", "ÇELIK"]
    long = lines[2]
    assert " ".join(w.text for w in long[:-2]) == "DE LA FONTAINE-SAINT-JULIEN Jean-Baptiste Marie (5eA) [large]"
    # One size for every name (their words but the class, whose raised « e » makes its box taller).
    heights = {round(w.y1 - w.y0, 1) for line in lines for w in line[:-2] if not w.text.startswith("(")}
    assert len(heights) == 1, heights
    assert long[-2].text == "p." and long[-3].x1 < long[-2].x0 - 1 * MM  # apart from its pages
    assert long[-1].x1 <= 210 * MM - PRINTABLE


def test_a_long_name_in_a_full_list_is_wrapped_at_the_size_of_the_others(tmp_path):
    """46 copies fill three columns: the long name is wrapped on the rows under it rather than set smaller,
    and no word of the list overlaps another."""
    roster = tmp_path / "eleves.csv"
    roster.write_text("Nom;Prénom\n" + "".join(f"NOM{i};Prénom{i}\n" for i in range(45))
                      + "DE LA FONTAINE-SAINT-JULIEN;Jean-Baptiste Marie\n", encoding="utf-8")
    make(tmp_path, str(PACK / "mini.yaml"), "--roster", str(roster), "--name", "pleine")
    cover = words(tmp_path / "pack-pleine.pdf")[0]
    listed = [w for w in cover if w.y0 > next(w.y1 for w in cover if w.text == "nominatives")]
    names = [w for w in listed if not re.fullmatch(r"p\.|\d+–\d+", w.text)]
    size = listed[0].y1 - listed[0].y0  # the others' (NOM0): within 3 %, where a word wider than its column
    assert all(0.97 * size <= w.y1 - w.y0 <= size + 0.01 for w in names), names  # is set a little smaller
    assert " ".join(w.text for w in names if w.text not in ("NOM44", "Prénom44") and not w.text[-1].isdigit()) == (
        "DE LA FONTAINE-SAINT-JULIEN Jean-Baptiste Marie")
    for i, w in enumerate(listed):
        assert not any(w.overlaps(other) for other in listed[i + 1:]), w
        assert w.x1 <= 210 * MM - PRINTABLE


def test_the_documented_date_option_exists():
    doc = (ROOT / "docs" / "packs.md").read_text(encoding="utf-8")
    assert "--date-on-cover-only" in doc and "date_on_cover_only" in (ROOT / "docs" / "format.md").read_text(
        encoding="utf-8")
    assert "--date-on-cover-only" in cli("pack", "--help").stdout


def test_fiche_pdfs_are_the_same_bytes_twice(tmp_path):
    for run in ("a", "b"):
        cli("build", str(SOURCES / "pix.yaml"), "--out", str(tmp_path / run), "--force", check=True)
    for name in ("pix-eleve.pdf", "pix-corrige.pdf"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
