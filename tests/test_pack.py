"""Class packs end to end: what the copier prints, what the teacher navigates, what a student gets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

import pdfread as R
from conftest import DATA, ROOT, SOURCES, cli, fr, need, squash

PACK = DATA / "pack"
ROSTER = PACK / "eleves-1reB.csv"
KIB = 1024


def texts(path, *options: str) -> list[str]:
    """The text of every page, as pdftotext extracts it (one run for the whole file)."""
    out = subprocess.run([need("pdftotext"), "-enc", "UTF-8", *options, str(path), "-"], capture_output=True,
                         check=True, text=True).stdout
    return out.split("\f")[:-1]


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """Bookmarks as (depth, title, page from 1), in order."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def students() -> list[tuple[str, str]]:
    """(Nom, Prénom) of every student of the test roster, read independently of the tool."""
    lines = [ln for ln in ROSTER.read_bytes().decode("cp1252").splitlines() if ln.strip()]
    return [tuple(ln.split(";")[:2]) for ln in lines[1:]]


def pages(path) -> int:
    return len(PdfReader(path).pages)


def padded(n: int) -> int:
    return n + n % 2


def make(tmp, *args, check=True):
    proc = cli("pack", *args, "--out", str(tmp), check=check)
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("mini-build")
    cli("build", str(PACK / "mini.yaml"), "--out", str(out), check=True)
    return out


@pytest.fixture(scope="session")
def anon(tmp_path_factory):
    out = tmp_path_factory.mktemp("anon")
    make(out, "pix", "--copies", "30")
    return out / "pack-pix.pdf"


@pytest.fixture(scope="session")
def named(tmp_path_factory):
    out = tmp_path_factory.mktemp("named")
    make(out, "pix", "--roster", str(ROSTER))
    return out / "pack-eleves-1reB.pdf"


@pytest.fixture(scope="session")
def named_no_cover(tmp_path_factory):
    """Named copies and no cover: the names' font is drawn only by the overlays."""
    out = tmp_path_factory.mktemp("named-no-cover")
    make(out, "pix", "--roster", str(ROSTER), "--no-cover", "--date", "2025-03-13")
    return out / "pack-eleves-1reB.pdf"


@pytest.fixture(scope="session")
def multi(tmp_path_factory):
    """Two fiches (the Pix fiche and a one-page one) for every student of the roster, kept together per student."""
    out = tmp_path_factory.mktemp("multi")
    make(out, str(SOURCES / "pix.yaml"), str(PACK / "mini.yaml"), "--roster", str(ROSTER), "--name", "multi")
    return out / "pack-multi.pdf"


# --- page count and order ---------------------------------------------------------------------------------------

def test_page_count_is_the_padded_copies_plus_the_corriges(anon, pix_build):
    student, key = pages(pix_build / "pix-eleve.pdf"), pages(pix_build / "pix-corrige.pdf")
    assert pages(anon) == padded(1) + 30 * padded(student) + key


def test_every_copy_starts_on_a_recto(anon, named, multi):
    for pack in (anon, named, multi):
        firsts = [i + 1 for i, t in enumerate(texts(pack)) if re.search(r"Page 1 / \d+", t) and "CORRIGÉ" not in t]
        assert len(firsts) == (60 if pack == multi else 30)
        assert all(n % 2 == 1 for n in firsts), firsts


def test_blank_versos_are_blank(anon, pix_build, mini_build, tmp_path):
    student = pages(pix_build / "pix-eleve.pdf")
    per_copy = padded(student)
    t = texts(anon)
    blanks = [i + 1 for i, page in enumerate(t) if not page.strip()]
    assert blanks == [2] + ([2 + per_copy * c for c in range(1, 31)] if student % 2 else [])
    # a fiche of an odd page count: a blank verso after each copy, none after the last part
    assert pages(mini_build / "mini-eleve.pdf") % 2 == 1
    make(tmp_path, str(PACK / "mini.yaml"), "--copies", "3")
    t = texts(tmp_path / "pack-mini.pdf")
    per_copy = padded(pages(mini_build / "mini-eleve.pdf"))
    assert [i + 1 for i, page in enumerate(t) if not page.strip()] == [2] + [2 + per_copy * c for c in range(1, 4)]


def test_single_sided_has_no_blank_page(tmp_path, pix_build):
    make(tmp_path, "pix", "--copies", "3", "--single-sided")
    t = texts(tmp_path / "pack-pix.pdf")
    assert len(t) == 1 + 3 * pages(pix_build / "pix-eleve.pdf") + pages(pix_build / "pix-corrige.pdf")
    assert all(page.strip() for page in t)
    assert "recto seul" in t[0]


def test_the_corriges_come_last_once_each(multi, pix_build, mini_build):
    t = texts(multi)
    key_pages = padded(pages(pix_build / "pix-corrige.pdf")) + pages(mini_build / "mini-corrige.pdf")
    marked = [i for i, page in enumerate(t) if "CORRIGÉ" in page]
    n = len(t)
    assert marked[0] >= n - key_pages and marked[-1] == n - 1
    assert [i for i in range(marked[0], n) if t[i].strip()] == marked
    assert sum("Page 1 / " in t[i] for i in marked) == 2


def test_multi_fiche_page_count_and_grouping(multi, pix_build, mini_build):
    per_student = padded(pages(pix_build / "pix-eleve.pdf")) + padded(pages(mini_build / "mini-eleve.pdf"))
    keys = padded(pages(pix_build / "pix-corrige.pdf")) + pages(mini_build / "mini-corrige.pdf")
    assert pages(multi) == 2 + 30 * per_student + keys
    t = texts(multi)
    # each student's two fiches follow each other
    for c, (nom, _) in enumerate(students()):
        first = 2 + c * per_student
        assert "Cultivez vos compétences" in t[first] and squash(nom) in squash(t[first])
        second = first + padded(pages(pix_build / "pix-eleve.pdf"))
        assert "Mon projet d’orientation" in t[second] and squash(nom) in squash(t[second])


def test_group_by_fiche(tmp_path, pix_build, mini_build):
    make(tmp_path, str(SOURCES / "pix.yaml"), str(PACK / "mini.yaml"), "--copies", "3", "--group-by", "fiche",
         "--name", "byfiche")
    pack = tmp_path / "pack-byfiche.pdf"
    firsts = [(i + 1, "Mon projet" in page) for i, page in enumerate(texts(pack)) if "Page 1 / " in page
              and "CORRIGÉ" not in page]
    assert [mini for _, mini in firsts] == [False] * 3 + [True] * 3
    assert all(n % 2 == 1 for n, _ in firsts)
    reader = PdfReader(pack)
    tops = [(title, page) for depth, title, page in outline(reader) if depth == 0]
    assert [t for t, _ in tops] == ["Couverture", "Cultivez vos compétences numériques avec PIX",
                                    "Mon projet d’orientation", "Corrigés"]
    keys = 2 + 3 * padded(pages(pix_build / "pix-eleve.pdf")) + 3 * padded(pages(mini_build / "mini-eleve.pdf")) + 1
    assert [p for _, p in tops] == [1, firsts[0][0], firsts[3][0], keys]
    assert "CORRIGÉ" in texts(pack)[keys - 1]


# --- navigation ---------------------------------------------------------------------------------------------------

def test_bookmarks_land_on_the_right_pages(named, pix_build):
    reader = PdfReader(named)
    t = texts(named)
    marks = outline(reader)
    assert marks[0] == (0, "Couverture", 1)
    copies = [(title, page) for depth, title, page in marks[1:-1]]
    assert [title for title, _ in copies] == [f"{nom} {prenom}" for nom, prenom in students()]
    for title, page in copies:
        assert "Page 1 / " in t[page - 1]
        nom, prenom = title.split(" ", 1)
        assert squash(nom) in squash(t[page - 1]) and squash(prenom) in squash(t[page - 1])
    depth, title, page = marks[-1]
    assert (depth, title) == (0, "Corrigé")  # one fiche, one corrigé
    assert "CORRIGÉ" in t[page - 1] and "Page 1 / " in t[page - 1]
    assert page == len(t) - pages(pix_build / "pix-corrige.pdf") + 1


def test_multi_fiche_bookmarks_have_one_child_per_fiche(multi):
    reader = PdfReader(multi)
    t = texts(multi)
    marks = outline(reader)
    children = [(title, page) for depth, title, page in marks if depth == 1]
    assert len(children) == 30 * 2 + 2  # each student's two fiches, then the two corrigés
    for title, page in children:
        words = "Cultivez" if title.endswith("PIX") else "Mon projet"
        assert words in t[page - 1] and "Page 1 / " in t[page - 1]


def test_page_labels_title_and_language(named):
    reader = PdfReader(named)
    labels = reader.page_labels
    nom, prenom = students()[0]
    assert labels[:3] == ["Couverture", "Couverture", f"{nom} {prenom} p. 1"]
    assert labels[-1].startswith("Corrigé pix p. ")
    assert "Cultivez vos compétences numériques avec PIX" in reader.metadata.title
    assert "1re B" in reader.metadata.title
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_cover_tells_the_teacher_what_to_print(named, pix_build):
    cover = texts(named, "-layout", "-l", "1")[0]
    n = pages(named)
    for expected in ("1re B", "30, une par élève", "recto-verso, agrafer par copie", "Cultivez vos compétences",
                     f"{pages(pix_build / 'pix-eleve.pdf')} pages", f"{n} pages", f"{(n + 1) // 2} feuilles"):
        assert expected in cover, expected
    nom, prenom = students()[-1]
    last = n - pages(pix_build / "pix-corrige.pdf")
    first = last - padded(pages(pix_build / "pix-eleve.pdf")) + 1
    assert re.search(rf"{nom} {prenom}\s+p\.\s{first}–{last}\b", cover), cover


def test_no_cover(tmp_path, pix_build):
    make(tmp_path, "pix", "--copies", "2", "--no-cover")
    t = texts(tmp_path / "pack-pix.pdf")
    assert "Page 1 / " in t[0]
    assert len(t) == 2 * padded(pages(pix_build / "pix-eleve.pdf")) + pages(pix_build / "pix-corrige.pdf")


# --- names --------------------------------------------------------------------------------------------------------

def test_each_name_is_on_its_own_copy_and_no_other(named, pix_build):
    t = [squash(page) for page in texts(named)]
    count = pages(pix_build / "pix-eleve.pdf")
    per_copy = padded(count)
    fiche = squash("".join(texts(pix_build / "pix-eleve.pdf")))
    for c, (nom, prenom) in enumerate(students()):
        assert squash(nom) not in fiche and squash(prenom) not in fiche
        own = {2 + c * per_copy + page for page in range(0, count, 2)}  # every recto of their copy
        hits = {i for i, page in enumerate(t) if squash(nom) in page or squash(prenom) in page}
        assert hits == {0} | own, (nom, hits)  # the cover lists every student


def test_names_sit_in_the_name_fields(named, pix_fiche):
    """Each value starts exactly where the sheet writes it when rendered with that name."""
    from worksheet_gen.render import render

    nom, prenom = students()[0]
    reference = render(pix_fiche, answers=False, names=(nom, prenom, "1re B"))
    ref_pdf = named.parent / "reference.pdf"
    ref_pdf.write_bytes(reference)

    def row(path, page):
        """The words on the line of the name fields, with their boxes."""
        out = subprocess.run([need("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                             capture_output=True, text=True, check=True).stdout
        words = [(w, round(float(x), 1), round(float(y), 1), round(float(x2), 1))
                 for x, y, x2, w in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)<', out)]
        y = next(y for w, _, y, _ in words if w == nom)
        return [word for word in words if abs(word[2] - y) < 4]  # the superscript of 1re B stands higher

    ours = row(named, 3)
    assert R.field_values(R.read(named)[2], ("Nom", "Prénom", "Classe", "Date")) == {
        "Nom": nom, "Prénom": prenom, "Classe": "1re B", "Date": ""}  # each value right after its label
    assert sorted(ours) == sorted(row(ref_pdf, 1))


def test_a_long_name_shrinks_to_fit_its_field(tmp_path):
    roster = tmp_path / "long.csv"
    roster.write_text("Nom;Prénom\nDE LA TOUR D’AUVERGNE-LAURAGUAIS-MONTMORENCY;Marie-Bérénice-Clotilde\n",
                      encoding="utf-8")
    make(tmp_path, "pix", "--roster", str(roster), "--no-cover")
    out = subprocess.run([need("pdftotext"), "-bbox", "-f", "1", "-l", "1", str(tmp_path / "pack-long.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = {w: float(x) for x, w in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)<', out)}
    starts = {w: float(x) for x, w in re.findall(r'xMin="([\d.]+)"[^>]*>([^<]*)<', out)}
    assert words["DE"] and words["Marie-Bérénice-Clotilde"]
    last_nom = max(x for w, x in words.items() if "MONTMORENCY" in w)
    assert last_nom < starts["Prénom"]


def test_a_roster_class_is_set_with_its_level_raised(tmp_path):
    """« 6e2 »: the « e » of the level is set smaller and higher, as 1re and Tle are, on the cover, in the Classe
    field of page 1 and in the running header of the other pages of the copy."""
    roster = tmp_path / "6e2.csv"
    roster.write_text("Nom;Prénom;Classe\nMARTIN;Léa;6e2\n", encoding="utf-8")
    make(tmp_path, "pix", "--roster", str(roster), "--single-sided")
    pages = R.read(tmp_path / "pack-6e2.pdf")

    def raised(page) -> int:
        """The runs « e » set smaller than a run holding the 6 or the 2 of the class, and above its baseline."""
        return sum(r.text.strip() == "e" and any(
            ("6" in s.text or "2" in s.text) and r.size < 0.8 * s.size and s.y + 0.2 * s.size < r.y < s.y + s.size
            for s in page.runs) for r in page.runs)

    assert [raised(page) for page in pages[:3]] == [2, 1, 1]  # the cover's heading and Classe; page 1; page 2


def test_roster_without_a_class_column_prints_the_given_class(tmp_path):
    roster = tmp_path / "tp.csv"
    roster.write_text("nom,prenom\nQUINTAVALLE,Perrine\n", encoding="utf-8")
    make(tmp_path, "pix", "--roster", str(roster), "--class", "2de 4", "--date", "2025-03-13")
    t = texts(tmp_path / "pack-tp.pdf")
    assert "2de 4" in t[2] and "QUINTAVALLE" in t[2]
    assert "jeudi 13 mars 2025" in t[0] and "2de 4" in t[0]


# --- size and structure ---------------------------------------------------------------------------------------------

def test_a_30_copy_pack_shares_content(anon, pix_build):
    student, key = (pix_build / "pix-eleve.pdf").stat().st_size, (pix_build / "pix-corrige.pdf").stat().st_size
    assert anon.stat().st_size <= student + key + 29 * 3 * KIB


def test_a_named_pack_costs_little_more(anon, named):
    """Names add one shared font subset and a few hundred bytes per student."""
    assert named.stat().st_size <= anon.stat().st_size + 24 * KIB + 30 * KIB


@pytest.mark.parametrize("which", ["anon", "named", "named_no_cover", "multi"])
def test_pack_is_valid_and_every_font_embedded_once(request, which):
    path = request.getfixturevalue(which)
    proc = subprocess.run([need("qpdf"), "--check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0 and "No syntax or stream encoding errors" in proc.stdout, proc.stdout + proc.stderr
    rows = subprocess.run([need("pdffonts"), str(path)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:]
    assert rows and all(row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows), rows  # emb, sub, uni
    names = [row.split()[0] for row in rows]
    assert len(names) == len(set(names)), "two font subsets share a name"
    tags = [name.split("+")[0] for name in names]
    assert len(tags) == len(set(tags)), "two font subsets share a tag (ISO 32000-1, 9.6.4)"


def test_same_input_same_bytes(tmp_path, anon):
    make(tmp_path, "pix", "--copies", "30")
    assert (tmp_path / "pack-pix.pdf").read_bytes() == anon.read_bytes()


# --- rosters --------------------------------------------------------------------------------------------------------

ACCEPTED = {
    "semicolon-cp1252": ("Nom;Prénom;Classe\r\nÉLÉONORE;Zoé;1re B\r\n".encode("cp1252"), ("ÉLÉONORE", "Zoé", "1re B")),
    "comma-utf8-bom-blank-lines": ("\ufeffNOM,PRENOM,CLASSE\n\n\nDURAND,Zoé,1re B\n\n".encode("utf-8"),
                                   ("DURAND", "Zoé", "1re B")),
    "tab-division": ("Division\tNom de famille\tPrénom(s)\n2de 3\tMARTIN\tJean-Loup\n".encode("utf-8"),
                     ("MARTIN", "Jean-Loup", "2de 3")),
    "quoted-separator": ('Nom,Prénom\n"DUPONT, dit ""Jo""",  Léa  \n'.encode("utf-8"), ('DUPONT, dit "Jo"', "Léa", "")),
    "extra-columns-and-empty-trailing": ("Nom;Prénom;Classe;Profil;\nMOREAU;Paul;4A;dys;\n".encode("utf-8"),
                                         ("MOREAU", "Paul", "4A")),
}


@pytest.mark.parametrize("case", ACCEPTED)
def test_rosters_as_school_software_exports_them(case, tmp_path):
    from worksheet_gen import roster

    data, expected = ACCEPTED[case]
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    got, problems = roster.read(path)
    assert not problems
    assert [(s.nom, s.prenom, s.classe) for s in got] == [expected]


def test_other_columns_are_kept():
    from worksheet_gen import roster

    got, _ = roster.parse("r.csv", "Nom;Prénom;Option;Profil\nMOREAU;Paul;Latin;dys\n")
    assert got[0].extra == (("Option", "Latin"),)
    assert got[0].profile == "dys"


REJECTED = {
    "no-prenom-column": (b"Nom;Classe\nDUPONT;4A\n", "1:1", "no 'Prénom' column in the header line"),
    "missing-prenom": ("Nom;Prénom\nDUPONT;Léa\nMARTIN;\n".encode(), "3:8", "the Prénom is missing"),
    "short-line": ("Nom;Prénom;Classe\nDUPONT;Léa;4A\n\nMARTIN\n".encode(), "4:7", "the Prénom is missing"),
    "not-cp1252": (b"Nom;Pr\xe9nom\nDUPONT;L\x81a\n", "2:9", "byte 0x81 is neither UTF-8 nor Windows-1252"),
    "unclosed-quote": ('Nom,Prénom\nDUPONT,Léa\n"MARTIN,Paul\n'.encode(), "3:1", "a quote opened here is never closed"),
    "too-many-fields": ("Nom,Prénom\nDUPONT,Léa,4A\n".encode(), "2:12", "this line has 3 fields but the header "
                                                                          "line has 2"),
    "emoji": ("Nom;Prénom\nDUPONT;Léa 🌟\n".encode(), "2:12", "the character '🌟' (U+1F31F) cannot be printed"),
    "header-only": ("Nom;Prénom\n\n".encode(), "1:1", "the roster has no student"),
    "empty": (b"\n\n", "1:1", "the roster is empty"),
    "spreadsheet": (b"PK\x03\x04rest-of-a-zip", "1:1", "this is a spreadsheet file, not a CSV text file"),
    "utf16": ("Nom;Prénom\n".encode("utf-16"), "1:1", "the roster is UTF-16 text"),
}


@pytest.mark.parametrize("case", REJECTED)
def test_malformed_rosters_are_rejected_with_their_line(case, tmp_path):
    data, where, message = REJECTED[case]
    roster = tmp_path / f"{case}.csv"
    roster.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / f"pack-{case}.pdf"
    earlier.write_bytes(b"earlier good pack")
    proc = cli("pack", "pix", "--roster", str(roster), "--out", str(out))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert re.search(rf"{re.escape(case)}\.csv:{where}: error: {re.escape(message)}", proc.stderr), proc.stderr
    assert earlier.read_bytes() == b"earlier good pack"
    assert [p.name for p in out.iterdir()] == [earlier.name]


def test_every_roster_problem_is_reported_at_once(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("Nom;Prénom\n;Léa\nMARTIN;\nDUPONT;Léa\nDUPONT;Léa\n", encoding="utf-8")
    proc = cli("pack", "pix", "--roster", str(roster), "--out", str(tmp_path))
    assert proc.returncode == 1
    assert re.search(r"r\.csv:2:1: error: the Nom is missing", proc.stderr)
    assert re.search(r"r\.csv:3:8: error: the Prénom is missing", proc.stderr)
    assert re.search(r"r\.csv:5:1: warning: DUPONT Léa is listed twice \(also line 4\)", proc.stderr)


# --- command line -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["pix"], ["pix", "--copies", "2", "--roster", "x.csv"], ["pix", "--copies", "0"],
                                  ["pxi", "--copies", "2"], ["pix", "--copies", "2", "--name", "../x"]])
def test_usage_errors_exit_2(args, tmp_path):
    proc = cli("pack", *args, "--out", str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.iterdir())


def test_unknown_fiche_suggests_a_name(tmp_path):
    proc = cli("pack", "pxi", "--copies", "2", "--out", str(tmp_path))
    assert "no fiche 'pxi' in sources (did you mean 'pix'?)" in proc.stderr
    proc = cli("pack", "pix.yaml", "--copies", "2", "--out", str(tmp_path))  # its file name, from the checkout
    assert proc.returncode == 2 and "no fiche 'pix.yaml' in sources (did you mean 'pix'?)" in proc.stderr


def test_a_broken_fiche_writes_no_pack(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: Essai\nactivities:\n  - title: A\n    content:\n      - question: Q ?\n        lignes: 3\n",
                   encoding="utf-8")
    proc = cli("pack", str(bad), "--copies", "2", "--out", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert re.search(r"bad\.yaml:6:9: error: unknown key 'lignes'", proc.stderr)
    assert not (tmp_path / "out").exists()


def test_progress_bar_only_on_a_terminal(tmp_path):
    proc = make(tmp_path, "pix", "--copies", "2")
    assert all(re.match(r"\S+:\d+:\d+: warning: ", line) for line in proc.stderr.splitlines()), proc.stderr
    import pty

    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "worksheet_gen", "pack", "pix", "--copies", "2", "--out",
                           str(tmp_path / "tty")], cwd=ROOT, stdout=subprocess.PIPE, stderr=follower, timeout=300)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert done.returncode == 0
    assert b"100%" in seen


# --- packs declared in the sources --------------------------------------------------------------------------------

def _sources(tmp_path, declaration: str):
    src = tmp_path / "src"
    src.mkdir()
    (src / "pix.yaml").write_bytes((SOURCES / "pix.yaml").read_bytes())
    (src / "mini.yaml").write_bytes((PACK / "mini.yaml").read_bytes())
    (src / "eleves.csv").write_bytes(ROSTER.read_bytes())
    (src / "1reB.pack.yaml").write_text(declaration, encoding="utf-8")
    return src


def test_build_rebuilds_declared_packs(tmp_path, multi):
    src = _sources(tmp_path, "fiches: [pix, mini]\nroster: eleves.csv\nclass: 1re B\ndate: 2025-03-13\n")
    proc = cli("build", "--sources", str(src), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    built = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert built == ["mini-corrige.pdf", "mini-eleve.pdf", "pack-1reB.pdf", "pix-corrige.pdf", "pix-eleve.pdf"]
    pack = tmp_path / "out" / "pack-1reB.pdf"
    assert pages(pack) == pages(multi)
    assert "jeudi 13 mars 2025" in texts(pack)[0]
    checked = cli("check", "--sources", str(src))
    assert checked.returncode == 0 and "3 sources OK" in checked.stdout  # two fiches and the pack file, as build counts


def test_declared_packs_are_rebuilt_only_when_what_they_read_changes(tmp_path):
    src = _sources(tmp_path, "fiches: [pix, mini]\nroster: eleves.csv\nclass: 1re B\n")
    out = tmp_path / "out"

    def build():
        proc = cli("build", "--sources", str(src), "--out", str(out), check=True)
        return sorted(Path(line.split()[1]).name for line in proc.stdout.splitlines() if line.startswith("wrote "))

    assert "pack-1reB.pdf" in build()
    assert build() == []  # nothing changed: nothing rendered, nothing written
    with (src / "eleves.csv").open("a", encoding="cp1252") as fh:  # in the file's own encoding
        fh.write("ZOLA;Émile;1re B\n")
    assert build() == ["pack-1reB.pdf"]
    assert any("ZOLA" in t for t in texts(out / "pack-1reB.pdf"))
    (src / "mini.yaml").write_text((src / "mini.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build() == []  # same content: same PDFs, nothing rewritten
    (src / "1reB.pack.yaml").unlink()
    assert build() == []
    assert not (out / "pack-1reB.pdf").exists()  # its pack file is gone: so is the pack


def test_a_declared_pack_is_rebuilt_when_a_picture_of_its_fiches_changes(tmp_path):
    import shutil

    from PIL import Image

    src = tmp_path / "src"
    shutil.copytree(DATA / "ci", src)  # pictures.yaml draws images/schema.png and images/photo.jpg
    (src / "classe.pack.yaml").write_text("fiches: [pictures]\ncopies: 2\n", encoding="utf-8")

    def build(out):
        proc = cli("build", "--sources", str(src), "--out", str(out), check=True)
        return sorted(Path(line.split()[1]).name for line in proc.stdout.splitlines() if line.startswith("wrote "))

    assert "pack-classe.pdf" in build(tmp_path / "out")
    before = (tmp_path / "out" / "pack-classe.pdf").read_bytes()
    picture = src / "images" / "schema.png"
    Image.open(picture).rotate(90, expand=True).save(picture)
    assert build(tmp_path / "out") == ["pack-classe.pdf", "pictures-corrige.pdf", "pictures-eleve.pdf"]
    after = (tmp_path / "out" / "pack-classe.pdf").read_bytes()
    build(tmp_path / "fresh")  # the pack rebuilt is the one a first build makes from the new picture
    assert after != before and after == (tmp_path / "fresh" / "pack-classe.pdf").read_bytes()


def test_declared_packs_are_identical_from_two_checkouts(tmp_path):
    import hashlib

    shas = []
    for where in ("one", "two/deeper"):
        root = tmp_path / where
        root.mkdir(parents=True)
        src = _sources(root, "fiches: [pix, mini]\nroster: eleves.csv\nclass: 1re B\ndate: 2025-03-13\n")
        cli("build", "--sources", str(src), "--out", str(root / "out"), "--jobs", "2", check=True)
        shas.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "out").glob("*.pdf")})
    assert "pack-1reB.pdf" in shas[0] and shas[0] == shas[1]


@pytest.mark.parametrize("declaration, where, message", [
    ("fiches: [pix]\ncopies: 30\ngroupby: fiche\n", "1reB.pack.yaml:3:1", "unknown key 'groupby' (did you mean 'group_by'?)"),
    ("fiches: [pix, pxi]\ncopies: 30\n", "1reB.pack.yaml:1:15", "no fiche 'pxi' in"),
    ("fiches: [pix]\n", "1reB.pack.yaml:1:1", "give either 'copies:' or 'roster:'"),
    ("fiches: [pix]\ncopies: 0\n", "1reB.pack.yaml:2:9", "'copies' must be a whole number from 1 to 500"),
    ("fiches: [pix]\nroster: ../eleves.csv\n", "1reB.pack.yaml:2:9", "the roster must be inside the folder of the pack file"),
    ("fiches: [pix]\nroster: absent.csv\n", "1reB.pack.yaml:2:9", "no roster file 'absent.csv'"),
    ("fiches: [pix]\nroster: bad.csv\n", "bad.csv:2:1", "the Nom is missing"),
])
def test_bad_declarations_are_reported_and_build_nothing(tmp_path, declaration, where, message):
    src = _sources(tmp_path, declaration)
    (src / "bad.csv").write_text("Nom;Prénom\n;Léa\n", encoding="utf-8")
    for command in (["check"], ["build", "--out", str(tmp_path / "out")]):
        proc = cli(*command, "--sources", str(src))
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert re.search(rf"{re.escape(where)}: error: {re.escape(message)}", proc.stderr), proc.stderr
    assert not (tmp_path / "out" / "pack-1reB.pdf").exists()
    assert (tmp_path / "out" / "pix-eleve.pdf").exists()


@pytest.mark.parametrize("lang, message", [
    ("C", "1reB.pack.yaml:1:9: error: no fiche 'pix, mni' in {src} (without [ ], a comma does not separate "
          "fiches: write one fiche per line under 'fiches:', each after '- ': '- pix', '- mini')"),
    ("fr_FR.UTF-8", fr("1reB.pack.yaml:1:9: erreur: pas de fiche « pix, mni » dans {src} (sans [ ], une virgule ne "
                       "sépare pas les fiches : écrivez une fiche par ligne sous « fiches: », chacune après « - » : "
                       "« - pix », « - mini »)")),
])
def test_fiches_written_with_commas_get_every_fiche_in_the_hint(tmp_path, lang, message):
    """« fiches: pix, mni » is one name to YAML: the hint lists both fiches, one per line (the misspelt one as the
    nearest fiche), where « did you mean 'pix'? » lost one (review 9u)."""
    src = _sources(tmp_path, "fiches: pix, mni\ncopies: 3\n")
    proc = cli("check", "--sources", str(src), env={**os.environ, "LANG": lang})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [f"{src}/{message.format(src=src)}"]


def test_a_broken_fiche_in_a_declared_pack_is_reported_once(tmp_path):
    src = _sources(tmp_path, "fiches: [mini]\ncopies: 3\n")
    (src / "mini.yaml").write_text((PACK / "mini.yaml").read_text(encoding="utf-8").replace("lines: 3", "lignes: 3"),
                                   encoding="utf-8")
    proc = cli("build", "--sources", str(src), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert proc.stderr.count("unknown key 'lignes'") == 1
    assert re.search(r"1reB\.pack\.yaml:1:1: error: pack-1reB\.pdf is not built: .*mini\.yaml has errors", proc.stderr)


# --- documentation ------------------------------------------------------------------------------------------------

def test_the_readme_tour_makes_a_pack(tmp_path):
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"`\.venv/bin/worksheet-gen (pack [^`]+)`", readme).group(1)
    written = re.search(r"writes `build/(pack-[\w.-]+\.pdf)`", readme).group(1)
    proc = cli(*shlex.split(command.replace("\n", " ")), "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    t = texts(tmp_path / written)
    assert "jeudi 13 mars 2025" in t[0] and "ABADIE" in t[2] and "Anaëlle" in t[2]


def test_the_documented_declaration_builds(tmp_path):
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = re.search(r"## Class packs.*?```yaml\n(.*?)```", doc, re.S).group(1)
    roster = re.search(r"^roster: (\S+)", example, re.M).group(1)
    src = _sources(tmp_path, example)
    (src / roster).write_bytes(ROSTER.read_bytes())
    proc = cli("build", "--sources", str(src), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    pack = tmp_path / "out" / "pack-1reB.pdf"
    nom, prenom = students()[0]
    assert nom in texts(pack)[2] and "jeudi 13 mars 2025" in texts(pack)[0]


def test_a_pack_of_many_fiches_keeps_a_one_page_cover(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    names = [f"fiche{i:02d}" for i in range(16)]
    for name in names:
        (src / f"{name}.yaml").write_bytes((PACK / "mini.yaml").read_bytes())
    proc = cli("pack", *names, "--roster", str(ROSTER), "--sources", str(src), "--out", str(tmp_path), "--name", "big")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    pack = tmp_path / "pack-big.pdf"
    cover = texts(pack)[0]
    assert "… et 9 autres fiches" in cover
    # Everything the cover says is on it, above the bottom margin: its last lines and the list of copies,
    # every student named, or the last line saying how many more the bookmarks name.
    for last in ("Corrigés", "Total", "agrafer par copie", "Copies nominatives"):
        assert last in cover, last
    listed = len(re.findall(r"p\.\s\d+–\d+", cover))
    more = re.search(r"… et (\d+) autres : voir les signets", cover)
    assert listed + (int(more.group(1)) if more else 0) == len(students()) and listed > 10
    page = R.read(pack)[0]
    assert min(w.y0 for w in page.words) >= 10 * 72 / 25.4
    assert not texts(pack)[1].strip() and outline(PdfReader(pack))[1][2] == 3  # the blank verso, then the copies


def test_a_declared_pack_finds_fiche_files_next_to_it(tmp_path, monkeypatch):
    src = _sources(tmp_path, "fiches: [mini.yaml]\ncopies: 2\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "mini.yaml").write_text("title: WRONG FILE\n", encoding="utf-8")
    proc = cli("build", "--sources", str(src), "--out", str(tmp_path / "out"), cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert "WRONG" not in " ".join(texts(tmp_path / "out" / "pack-1reB.pdf"))


def test_two_pack_files_of_the_same_name_are_refused(tmp_path):
    for sub in ("a", "b"):
        src = tmp_path / sub
        src.mkdir()
        (src / "mini.yaml").write_bytes((PACK / "mini.yaml").read_bytes())
        (src / "classe.pack.yaml").write_text("fiches: [mini]\ncopies: 2\n", encoding="utf-8")
    proc = cli("build", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 1
    assert "b/classe.pack.yaml:1:1: error: it builds the same PDFs as a/classe.pack.yaml" in proc.stderr, proc.stderr


def test_every_problem_of_a_pack_file_is_reported_in_one_run(tmp_path):
    """Attack 3: a pack file with a wrong key, an unknown fiche, a date that is no day and an invisible
    character in its class showed one problem per run; docs/errors.md promises them all at once."""
    src = tmp_path / "sources"
    src.mkdir()
    (src / "mini.yaml").write_bytes((PACK / "mini.yaml").read_bytes())
    (src / "a.pack.yaml").write_text('fiches: ["{0}", mini]\ndate: 2025-13-45\nclass: "3e\\u202eA"\ncover: maybe\n'
                                     'copies: 2\n', encoding="utf-8")
    for command in (("build",), ("check",)):
        proc = cli(*command, cwd=tmp_path)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        found = [line.split(": error: ")[0] for line in proc.stderr.splitlines() if ": error: " in line]
        assert found == ["sources/a.pack.yaml:1:10", "sources/a.pack.yaml:2:7", "sources/a.pack.yaml:3:8",
                         "sources/a.pack.yaml:4:8"], (command, proc.stderr)
        assert not (tmp_path / "build").exists() or not list((tmp_path / "build").glob("pack-*.pdf"))


def test_a_fiche_whose_name_holds_a_direction_character_is_refused(tmp_path):
    """build and check refuse such a file name; pack used to take it and write pack-élève-ü.pdf."""
    folder = tmp_path / "u"
    folder.mkdir()
    (folder / "élève-ü\u202e.yaml").write_bytes((SOURCES / "pix.yaml").read_bytes())
    for fiche in ("élève-ü\u202e", str(folder / "élève-ü\u202e.yaml")):
        proc = cli("pack", fiche, "--sources", str(folder), "--copies", "1", "--out", str(tmp_path / "out"))
        assert proc.returncode == 2 and "U+202E RIGHT-TO-LEFT OVERRIDE" in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


def test_collect_refuses_a_fiche_whose_name_holds_a_direction_character(tmp_path):
    """build, check and pack refuse such a file name; collect wrote ev\\u202eil-reponses.csv after it."""
    folder = tmp_path / "u"
    folder.mkdir()
    (folder / "ev\u202eil.yaml").write_bytes((SOURCES / "pix.yaml").read_bytes())
    proc = cli("collect", "ev\u202eil", str(folder), "--sources", str(folder), cwd=tmp_path)
    assert proc.returncode == 1 and "U+202E RIGHT-TO-LEFT OVERRIDE" in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["u"]
