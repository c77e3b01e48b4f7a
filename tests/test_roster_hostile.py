"""Rosters and pack files as a careless teacher or a hostile contributor writes them, through the CLI.

Each case asserts the exit code, the message, and that no file of the tree changed but the pack it
may write (sha256 of every file before and after).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, ROOT, SOURCES, cli, fr, words
from test_pack import texts as texts_of

MINI = DATA / "pack" / "mini.yaml"
MM = 72 / 25.4
PRINTABLE = 5 * MM
LONG_NOM = ("DE LA TOUR D’AUVERGNE-LAURAGUAIS-MONTMORENCY " * 5)[:200].strip()
LONG_CLASSE = ("Seconde générale et technologique, groupe de demi-classe " * 4)[:200].strip()


@pytest.fixture
def tree(tmp_path):
    """A sources folder with the one-page fiche, an output folder holding an earlier pack, and room for rosters."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mini.yaml").write_bytes(MINI.read_bytes())
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "pack-r.pdf").write_bytes(b"an earlier pack, to keep")
    return tmp_path


def snapshot(root: Path) -> dict[str, str]:
    """Every regular file under root with its sha256 (a FIFO or device is named, never opened)."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            found[str(path.relative_to(root))] = "not a regular file" if not path.is_dir() else "folder"
        else:
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def pack(tree: Path, roster: str, *more: str, env: dict | None = None, timeout: int = 120):
    """`worksheet-gen pack mini --roster ROSTER` in tree, never waiting more than timeout seconds."""
    cmd = [sys.executable, "-m", "worksheet_gen", "pack", "mini", "--roster", roster, "--sources", "src",
           "--out", "out", "--name", "r", *more]
    proc = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def refused(tree: Path, roster: str, data: bytes | None, where: str, message: str, code: int = 1):
    """Write the roster (when data is given), make the pack, and check it is refused with that message
    and that nothing changed."""
    if data is not None:
        (tree / roster).write_bytes(data)
    before = snapshot(tree)
    proc = pack(tree, roster)
    assert proc.returncode == code, proc.stderr
    assert re.search(rf"^{re.escape(where)}: error: {re.escape(message)}", proc.stderr, re.M), proc.stderr
    assert snapshot(tree) == before
    return proc


# --- CSV as the csv module reads it -----------------------------------------------------------------------------

def test_a_quoted_cell_may_hold_a_line_break(tree):
    (tree / "r.csv").write_text('Nom;Prénom;Classe\n"DUPONT\nMARTIN";"Léa\r\nMarie";1re B\nBERNARD;Paul;1re B\n',
                                encoding="utf-8")
    before = snapshot(tree)
    proc = pack(tree, "r.csv")
    assert proc.returncode == 0, proc.stderr
    after = snapshot(tree)
    assert {k for k in after if after[k] != before.get(k)} == {"out/pack-r.pdf"}
    pages = texts_of(tree / "out" / "pack-r.pdf")
    assert "DUPONT MARTIN" in pages[2] and "Léa Marie" in pages[2] and "BERNARD" in pages[4]


def test_positions_count_the_lines_of_a_quoted_cell(tree):
    data = 'Nom;Prénom\n"DUPONT\nMARTIN";Léa\nBERNARD;\n;Paul\n'.encode()
    refused(tree, "r.csv", data, "r.csv:4:9", "the Prénom is missing")
    proc = pack(tree, "r.csv")
    assert re.search(r"^r\.csv:5:1: error: the Nom is missing", proc.stderr, re.M), proc.stderr


def test_a_quote_never_closed_is_an_error_where_it_opens(tree):
    refused(tree, "r.csv", 'Nom;Prénom\nDUPONT;Léa\nMARTIN;"Paul\nBERNARD;Zoé\n'.encode(), "r.csv:3:8",
            "a quote opened here is never closed")
    many = 'Nom;Prénom\n"DUPONT;Léa\n' + "MARTIN;Paul\n" * 20000  # swallows more than a cell may hold
    refused(tree, "r.csv", many.encode(), "r.csv:2:1", "a quote opened here is never closed")


def test_a_cell_longer_than_csv_reads_is_an_error_at_its_line(tree):
    import csv

    data = 'Nom;Prénom\nDUPONT;Léa\n"{}";Paul\n'.format("A" * (csv.field_size_limit() + 1)).encode()
    refused(tree, "r.csv", data, "r.csv:3:1", f"a cell of this line is longer than {csv.field_size_limit()} characters")


def test_an_invisible_character_in_a_name_is_an_error(tree):
    refused(tree, "r.csv", "Nom;Prénom\nDUPONT;Lé\u200ba\n".encode(), "r.csv:2:10",
            "the character U+200B is invisible")


@pytest.mark.parametrize("first, second, where, said", [
    ("utf-8", "cp1252", "r.csv:3:9", "this line is in Windows-1252 but the file is in UTF-8 (line 1)"),
    ("cp1252", "utf-8", "r.csv:3:9", "this line is in UTF-8 but the file is in Windows-1252 (line 1)"),
])
def test_a_file_mixing_utf8_and_windows_1252_is_an_error_at_the_first_bad_line(tree, first, second, where, said):
    data = "Nom;Prénom\nDURAND;Zoé\n".encode(first) + "MOREAU;Léa\nPETIT;Noé\n".encode(second)
    proc = refused(tree, "r.csv", data, where, said)
    assert "Ã" not in proc.stderr and proc.stderr.count("error:") == 1


def test_a_bom_sets_utf8_for_every_line(tree):
    data = b"\xef\xbb\xbfNom;Prenom\nDURAND;Zoe\n" + "MOREAU;Léa\n".encode("cp1252")
    refused(tree, "r.csv", data, "r.csv:3:9", "this line is in Windows-1252 but the file is in UTF-8 (its BOM)")


# --- measured before read ---------------------------------------------------------------------------------------

def test_a_huge_roster_is_refused_without_being_read(tree):
    with open(tree / "r.csv", "wb") as fh:  # 3 GB, sparse: nothing is written, nothing should be read
        fh.truncate(3 * 1024 ** 3)
    refused(tree, "r.csv", None, "r.csv:1:1", "the roster is too large (3221225472 bytes, at most 1048576)")


def test_a_roster_just_over_the_limit_is_refused(tree):
    from worksheet_gen.roster import MAX_BYTES

    line = "DURAND;Zoé\n".encode()
    data = "Nom;Prénom\n".encode() + line * (MAX_BYTES // len(line) + 1)
    refused(tree, "r.csv", data, "r.csv:1:1", f"the roster is too large ({len(data)} bytes, at most {MAX_BYTES})")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_at_once(tree):
    os.mkfifo(tree / "r.csv")
    refused(tree, "r.csv", None, "r.csv:1:1", "the roster is not a regular file (a pipe, device or socket cannot be read)")


def test_a_device_is_refused_at_once(tree):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    proc = refused(tree, "/dev/zero", None, "/dev/zero:1:1",
                   "the roster is not a regular file (a pipe, device or socket cannot be read)")
    assert proc.stderr.count("error:") == 1


def test_a_folder_is_refused(tree):
    (tree / "r.csv").mkdir()
    proc = pack(tree, "r.csv")
    assert proc.returncode == 2 and "is a directory" in proc.stderr


def test_a_pack_file_is_measured_before_it_is_read(tree):
    from worksheet_gen.loader import MAX_BYTES

    (tree / "src" / "big.pack.yaml").write_bytes(b"fiches: [mini]\ncopies: 2\n" + b"#" * MAX_BYTES)
    before = snapshot(tree)
    proc = cli("check", "--sources", "src", cwd=tree)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert re.search(r"^src/big\.pack\.yaml:1:1: error: the pack file is too large \(\d+ bytes, at most "
                     rf"{MAX_BYTES}\)", proc.stderr, re.M), proc.stderr
    assert snapshot(tree) == before


# --- the command line's own paths -------------------------------------------------------------------------------

def test_a_roster_anywhere_the_user_types_it(tree):
    home = tree / "home"
    home.mkdir()
    (home / "classe.csv").write_text("Nom;Prénom\nDURAND;Zoé\n", encoding="utf-8")
    proc = pack(tree, "~/classe.csv", env={"HOME": str(home)})
    assert proc.returncode == 0, proc.stderr
    assert "DURAND" in texts_of(tree / "out" / "pack-r.pdf")[2]


def test_a_roster_file_name_with_spaces_names_the_pack(tree):
    (tree / "élèves 1re B (2025).csv").write_text("Nom;Prénom\nDURAND;Zoé\n", encoding="utf-8")
    proc = cli("pack", "mini", "--roster", "élèves 1re B (2025).csv", "--sources", "src", "--out", "out", cwd=tree)
    assert proc.returncode == 0, proc.stderr
    assert (tree / "out" / "pack-élèves-1re-B-2025.pdf").exists()


# --- limits -----------------------------------------------------------------------------------------------------

def test_a_roster_has_the_cap_of_copies(tree):
    from worksheet_gen.roster import MAX_COPIES

    rows = "".join(f"ELEVE{i};Prénom{i}\n" for i in range(MAX_COPIES + 1))
    refused(tree, "r.csv", ("Nom;Prénom\n" + rows).encode(), f"r.csv:{MAX_COPIES + 2}:1",
            f"the roster has more than {MAX_COPIES} students, the most copies one pack makes")
    proc = cli("pack", "mini", "--copies", str(MAX_COPIES + 1), "--sources", "src", "--out", "out", cwd=tree)
    assert proc.returncode == 2 and f"{MAX_COPIES + 1} is not in the range 1<=x<={MAX_COPIES}" in proc.stderr
    docs = (ROOT / "docs" / "packs.md").read_text(encoding="utf-8")
    assert f"at most {MAX_COPIES} students" in docs and f"at most {MAX_COPIES} copies" in docs


def test_a_thousand_bad_lines_make_a_readable_report(tree):
    from worksheet_gen.roster import MAX_REPORTED

    data = ("Nom;Prénom\n" + "DURAND;\n" * 1000).encode()
    proc = refused(tree, "r.csv", data, "r.csv:2:8", "the Prénom is missing")
    assert len(proc.stderr.splitlines()) == MAX_REPORTED
    assert re.search(rf"error: {1000 - MAX_REPORTED + 1} more problems in the roster", proc.stderr)


# --- nothing quoted that is not a roster, nothing that acts on a terminal ---------------------------------------

@pytest.mark.parametrize("data, where, message", [
    (b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", "r.csv:1:1",
     "no 'Nom' and 'Prénom' column in the header line"),
    (b"SECRET=hunter2;token=abc\nNom;Prenom\n", "r.csv:1:1", "no 'Nom' and 'Prénom' column in the header line"),
    (b"\x7fELF\x02\x01\x01\x00SECRETSECRET", "r.csv:1:8", "the roster is not a text file (it holds a zero byte)"),
    ("Nom;Prénom\nSECRET;x\n".encode() + "SECRET2;é\n".encode("cp1252"), "r.csv:3:9",
     "this line is in Windows-1252 but the file is in UTF-8"),
])
def test_what_is_not_a_roster_is_never_quoted(tree, data, where, message):
    proc = refused(tree, "r.csv", data, where, message)
    for secret in ("root", "bash", "hunter2", "token", "SECRET", "ELF"):
        assert secret not in proc.stderr, proc.stderr


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029", "\x1c", "\x0b"])
def test_a_line_separator_in_a_name_is_refused_as_other_control_characters_are(tree, char):
    """Review 3a: U+0085, U+2028 and U+2029 (to Python, white space) were printed as a space, silently."""
    code = f"U+{ord(char):04X}"
    refused(tree, "r.csv", f"Nom;Prénom\nDUPONT;Lé{char}a\nMARTIN;Paul\n".encode(), "r.csv:2:10",
            f"the character {code} is invisible (delete it: it often comes from copying a name out of another program)")
    before = snapshot(tree)
    proc = pack(tree, "r.csv", "--lang", "fr")
    assert proc.returncode == 1 and proc.stderr == fr(f"r.csv:2:10: erreur: le caractère {code} est invisible "
                                                      "(supprimez-le : il vient souvent d'un nom copié depuis un "
                                                      "autre logiciel)\n"), proc.stderr
    assert snapshot(tree) == before and char not in proc.stderr


def test_control_characters_are_named_not_printed(tree):
    data = "Nom;Prénom;Profil\nDUPONT\x1b[31m;Léa;\nMARTIN;Paul;dys\x1b[2J\n".encode()
    proc = refused(tree, "r.csv", data, "r.csv:2:7", "the character U+001B is invisible")
    assert "\x1b" not in proc.stderr
    assert "r.csv:3:13: error: unknown profile 'dys\ufffd[2J'" in proc.stderr


# --- long names stay in their field ----------------------------------------------------------------------------

@pytest.mark.parametrize("profile", ["standard", "dys", "large"])
def test_a_200_character_name_stays_inside_its_field(tree, profile):
    (tree / "r.csv").write_text(f"Nom;Prénom;Classe\n{LONG_NOM};{'Y' * 120};{LONG_CLASSE}\n", encoding="utf-8")
    before = snapshot(tree)
    proc = pack(tree, "r.csv", "--profile", profile, "--date", "2025-03-13")
    assert proc.returncode == 0, proc.stderr
    after = snapshot(tree)
    assert {k for k in after if after[k] != before.get(k)} == {"out/pack-r.pdf"}
    cli("build", "src/mini.yaml", "--out", "alone", "--profile", profile, cwd=tree, check=True)
    suffix = "" if profile == "standard" else f"-{profile}"
    sheet = words(tree / "alone" / f"mini-eleve{suffix}.pdf")[0]
    got = words(tree / "out" / "pack-r.pdf")
    cover, page = got[0], got[2]
    key = lambda w: (w.text, round(w.x0, 1), round(w.y0, 1))  # noqa: E731
    added = [w for w in page if key(w) not in {key(s) for s in sheet}]
    assert added and "13/03/2025" in [w.text for w in added]
    labels = [w for w in sheet if w.text in ("Nom", "Prénom", "Classe", "Date")]
    rows = sorted({round(w.y1, 1) for w in labels})
    assert len(labels) == 4 and len(rows) == (1 if profile == "standard" else 2)
    for w in added:
        assert not any(w.overlaps(s) for s in sheet), w
        assert PRINTABLE <= w.x0 and w.x1 <= 210 * MM - PRINTABLE, w
        # its row: the first whose labels stand on or below it (a wrapped value rises, never falls, from its line)
        row_y = min(y for y in rows if y >= w.y1 - 2)
        row = [lab for lab in labels if abs(round(lab.y1, 1) - row_y) < 1]
        field = max((lab for lab in row if lab.x1 <= w.x0), key=lambda lab: lab.x1)  # the label before it
        assert all(w.x1 <= lab.x0 for lab in row if lab.x0 > field.x0), (w, field)  # ends before the next one
    for i, w in enumerate(cover):  # the class on the cover: wrapped or smaller, never over anything else
        assert PRINTABLE <= w.x0 and w.x1 <= 210 * MM - PRINTABLE, w
        assert not any(w.overlaps(other, tolerance=1) for other in cover[i + 1:]), w


def test_a_name_class_or_date_past_the_limit_is_refused_before_any_layout(tree):
    """Attack 2, F1: a 2000-character Nom took 94 s of CPU to fit into its field; now it is refused at its cell."""
    from worksheet_gen.roster import MAX_NAME

    long = "W" * 2000
    data = f"Nom;Prénom;Classe\n{long};M;C\nA;{'B' * (MAX_NAME + 1)};{'C' * 300}\n".encode()
    (tree / "r.csv").write_bytes(data)
    before = snapshot(tree)
    proc = pack(tree, "r.csv", "--class", "C" * 2000, "--date", "D" * 2000, timeout=60)
    assert proc.returncode == 1, proc.stderr
    for line in (f"r.csv:2:1: error: the Nom is too long (2000 characters, at most {MAX_NAME})",
                 f"r.csv:3:3: error: the Prénom is too long ({MAX_NAME + 1} characters, at most {MAX_NAME})",
                 f"r.csv:3:{MAX_NAME + 5}: error: the Classe is too long (300 characters, at most {MAX_NAME})",
                 f"--class:1:{MAX_NAME + 1}: error: the class is too long (2000 characters, at most {MAX_NAME})",
                 f"--date:1:{MAX_NAME + 1}: error: the date is too long (2000 characters, at most {MAX_NAME})"):
        assert line in proc.stderr, proc.stderr
    french = pack(tree, "r.csv", "--class", "C" * 2000, "--date", "D" * 2000, env={"LANG": "fr_FR.UTF-8"},
                  timeout=60)
    assert french.returncode == 1, french.stderr
    for line in (fr("r.csv:2:1: erreur: le champ Nom est trop long (2000 caractères, au plus 200) (un guillemet est "
                    "sans doute mal placé, ou la cellule contient plus qu'un nom)"),
                 "r.csv:3:3: erreur: le champ Prénom est trop long (201 caractères, au plus 200)",
                 "--class:1:201: erreur: la classe est trop longue (2000 caractères, au plus 200) (écrivez-la plus "
                 "courte)",
                 "--date:1:201: erreur: la date est trop longue (2000 caractères, au plus 200)"):
        assert line in french.stderr, french.stderr
    assert snapshot(tree) == before


def test_check_refuses_a_pack_file_with_a_long_class_date_or_roster_name(tree):
    """Attack 2, F1: a pack file with a class and a date of 5000 characters passed check, then held the build."""
    (tree / "src" / "w.csv").write_text("Nom;Prénom;Classe\n" + "W" * 2000 + ";M;C\n", encoding="utf-8")
    (tree / "src" / "z.pack.yaml").write_text(f"fiches: [mini]\nroster: w.csv\nclass: {'C' * 5000}\n"
                                              f"date: {'D' * 5000}\n", encoding="utf-8")
    before = snapshot(tree)
    for command in (("check", "--sources", "src"), ("build", "--sources", "src", "--out", "out")):
        proc = subprocess.run([sys.executable, "-m", "worksheet_gen", *command], cwd=tree, capture_output=True,
                              text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        for line in ("src/z.pack.yaml:3:8: error: the class is too long (5000 characters, at most 200)",
                     "src/z.pack.yaml:4:7: error: the date is too long (5000 characters, at most 200)"):
            assert line in proc.stderr, proc.stderr
    assert "src/w.csv:2:1: error: the Nom is too long (2000 characters, at most 200)" in proc.stderr
    assert not (tree / "out" / "pack-z.pdf").exists()
    assert {k for k, v in snapshot(tree).items() if before.get(k) != v} <= {
        "out/mini-eleve.pdf", "out/mini-corrige.pdf", "out/.worksheet-gen.json"}


def test_fitting_a_name_takes_linear_time():
    """The wrapping of a name too long for its field measures each character once (it was cubic)."""
    import time

    from reportlab.pdfbase.pdfmetrics import stringWidth

    from worksheet_gen.fonts import register
    from worksheet_gen.packpages import fit

    register()

    def cost(n):  # CPU time, as test_text.test_emphasis_takes_linear_time
        start = time.process_time()
        for text in ("W" * n, "W-" * (n // 2), "Wé " * (n // 3)):
            size, lines = fit(text, "Lato", 11, 120, 30)
            assert size >= 4 and lines and max(stringWidth(line, "Lato", size) for line in lines) <= 120 + 1e-6
        return time.process_time() - start

    small, large = cost(200), cost(2000)  # cubic, the larger took about a minute
    assert large < 30 * max(small, 1e-3)  # ten times the text, not a thousand times the time


def test_a_pack_holds_at_most_fifty_fiches(tmp_path):
    from worksheet_gen.packs import MAX_FICHES

    src = tmp_path / "src"
    src.mkdir()
    (src / "pix.yaml").write_text((SOURCES / "pix.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (src / "a.pack.yaml").write_text("fiches: [" + ", ".join(["pix"] * (MAX_FICHES + 1)) + "]\ncopies: 1\n",
                                     encoding="utf-8")
    proc = cli("check", "--sources", str(src))
    assert proc.returncode == 1 and f"a pack holds at most {MAX_FICHES} fiches" in proc.stderr
    proc = cli("pack", *["pix"] * (MAX_FICHES + 1), "--copies", "1", "--sources", str(src), "--out", str(tmp_path))
    assert proc.returncode == 2 and "at most" in proc.stderr and not list(tmp_path.glob("*.pdf"))


def test_check_refuses_a_pack_file_date_that_build_refuses_at_its_line(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "pix.yaml").write_text((SOURCES / "pix.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (src / "a.pack.yaml").write_text("fiches: [pix]\ncopies: 2\nclass: 1re B\ndate: 30/02/2025\n", encoding="utf-8")
    for command in (("check", "--sources", str(src)), ("check", str(src / "a.pack.yaml"))):
        proc = cli(*command)
        assert proc.returncode == 1 and "a.pack.yaml:4:7: error: the date 30/02/2025 is not a day" in proc.stderr
