"""worksheet-gen collect: filled forms in, one table out (CSV for a French spreadsheet, or JSON); bad files
are errors naming them, and never stop the others."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject

from conftest import ROOT, SOURCES, cli, fr
from formtools import FINGERPRINT, fill, flatten, pdfjs, pix_form, places, student_values  # noqa: F401
from test_errors import split_hint
from worksheet_gen.model import Question

STUDENTS = (("Aa", True), ("Bb", False))


@pytest.fixture(scope="module")
def handed_in(pix_form, pix_fiche, tmp_path_factory):
    """Three students' filled forms (all right, all wrong, nearly empty with hostile text) and their values."""
    folder = tmp_path_factory.mktemp("rendus")
    form = pix_form / "pix-formulaire.pdf"
    values = {}
    for tag, right in STUDENTS:
        values[tag] = student_values(form, pix_fiche, right=right, tag=tag)
        fill(form, values[tag], folder / f"{tag}.pdf")
    values["Cc"] = {"nom": "=HYPERLINK(\"http://x\";\"clic\")", "prenom": "+33 6 12", "classe": "-1", "date": "@SUM(A1)",
                    "a1_q2": "=1+1", "a1_q8": "/0", "a2_q6_o1": "/0"}
    fill(form, values["Cc"], folder / "Cc.pdf")
    return folder, values


def _table(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM: a French spreadsheet reads the accents right
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and ";" in text.splitlines()[0]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _expected_row(fiche, name: str, values: dict) -> dict[str, str]:
    """What the table must say of one file, worked out from the values filled in (docs/forms.md)."""
    row = {"Fichier": name, "Nom": values.get("nom", ""), "Prénom": values.get("prenom", ""),
           "Classe": values.get("classe", ""), "Date": values.get("date", "")}
    marks = []
    for base, block in places(fiche):
        if isinstance(block, Question) and block.kind.ticked:
            if block.kind.form == "many":
                ticked = [o for k, o in enumerate(block.options, 1) if values.get(f"{base}_o{k}")]
            else:
                ticked = [block.options[int(values[base][1:])]] if values.get(base) else []
            row[base] = "\n".join(ticked)
            if block.answer and not block.free:
                marks.append((base, int(sorted(ticked) == sorted(block.answer))))
        else:
            parts = [v for k, v in sorted(values.items()) if k == base or k.startswith(base + "_")]
            row[base] = "\n".join(parts)
    for base, mark in marks:
        row["mark:" + base] = str(mark)
    row["Total"] = str(sum(m for _, m in marks))
    row["Problème"] = ""
    return row


def _heading_key(heading: str) -> str:
    """The field base a question column stands for: « A1 Q3 … » -> a1_q3, « A3 T1 … » (in order) -> a3_t1."""
    words = heading.split()
    if words[0] == "Note":
        return "mark:" + _heading_key(" ".join(words[1:]))
    return f"{words[0].lower()}_{words[1].lower()}"


def _spreadsheet_view(cell: str) -> str:
    """A cell as the student wrote it, once its formula guard (a leading apostrophe) is taken off."""
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def test_collect_three_students_cell_by_cell(handed_in, pix_form, pix_fiche, tmp_path):
    folder, values = handed_in
    fields = set(PdfReader(pix_form / "pix-formulaire.pdf").get_fields()) - {FINGERPRINT}
    assert set(values["Aa"]) == fields  # the first student fills every field of the form
    out = tmp_path / "notes.csv"
    proc = cli("collect", "pix", str(folder / "Aa.pdf"), str(folder / "Bb.pdf"), str(folder / "Cc.pdf"),
               "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "3 forms read" in proc.stdout
    table = _table(out)
    head, rows = table[0], table[1:]
    assert head[:5] == ["Fichier", "Nom", "Prénom", "Classe", "Date"] and head[-2:] == ["Total /11", "Problème"]
    bases = [base for base, _ in places(pix_fiche)]
    scored = [base for base, b in places(pix_fiche) if isinstance(b, Question) and b.kind.ticked and b.answer]
    # one column per question (A1 Q1 …, tables by section), then « Note A1 Q8 » … for each closed question
    assert [h.split()[:2] for h in head[5:5 + len(bases)]] == [
        [b.split("_")[0].upper(), b.split("_")[1].upper()] for b in bases]
    assert [h.split()[:3] for h in head[5 + len(bases):-2]] == [
        ["Note", b.split("_")[0].upper(), b.split("_")[1].upper()] for b in scored]
    assert head[5 + bases.index("a3_t1_s2")] == "A3 T1 Le jour de la certification"
    assert len(rows) == 3
    for row, tag in zip(rows, ("Aa", "Bb", "Cc")):
        expected = _expected_row(pix_fiche, str(folder / f"{tag}.pdf"), values[tag])
        keys = list(expected)
        assert len(row) == len(head) == len(keys)
        for key, heading, cell in zip(keys, head, row):
            assert _spreadsheet_view(cell) == expected[key], (tag, heading)
    assert rows[0][-2] == "11" and rows[1][-2] == "0"
    q9 = next(i for i, h in enumerate(head) if h.startswith("A1 Q9 "))
    assert rows[2][q9] == "" and rows[2][head.index("Note A1 Q9")] == "0"  # left empty: an empty cell, 0


def test_the_csv_never_hands_a_formula_to_the_spreadsheet(handed_in, tmp_path):
    folder, _ = handed_in
    out = tmp_path / "notes.csv"
    cli("collect", "pix", str(folder / "Cc.pdf"), "--out", str(out))
    head, row = _table(out)
    # -1 is a number (the spreadsheet reads it as one): it keeps no apostrophe
    assert row[1:5] == ["'=HYPERLINK(\"http://x\";\"clic\")", "'+33 6 12", "-1", "'@SUM(A1)"]
    assert row[head.index(next(h for h in head if h.startswith("A1 Q2 ")))] == "'=1+1"
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in head + row if cell != "-1")


# What a student may type before a formula: spreadsheets skip leading spaces, tabs and line breaks on some
# imports, and draw no mark for invisible characters (a zero-width space, a no-break space).
HIDDEN_FORMULAS = {"nom": "\n=HYPERLINK(\"http://x\";\"clic\")", "prenom": "  =1+1", "classe": "\u00a0@SUM(A1)",
                   "date": "\t+33 6 12", "a1_q1": "\u200b=cmd|' /C calc'!A0", "a1_q2": "\r\n-2+3+cmd|x",
                   "a1_q3": "-3+4", "a1_q4": "- une idée", "a1_q5": "\t texte après une tabulation"}
NUMBERS = {"a1_q6": "-3", "a1_q7": "-3,5"}  # a negative number answered: kept as the number it is


def test_no_formula_hides_behind_spaces_line_breaks_or_invisible_characters(pix_form, tmp_path):
    """A cell whose first visible character is = + - @ (or that starts with a tab) gets the apostrophe, in
    every column that comes from the student's file, its name included; a negative number is left as it is."""
    folder = tmp_path / "rendus"
    folder.mkdir()
    fill(pix_form / "pix-formulaire.pdf", {**HIDDEN_FORMULAS, **NUMBERS}, folder / " =1+1.pdf")
    shutil.copy(folder / " =1+1.pdf", folder / "@SUM(A1).pdf")
    out = tmp_path / "notes.csv"
    proc = cli("collect", "pix", " =1+1.pdf", "@SUM(A1).pdf", "--out", str(out), "--sources", str(SOURCES),
               cwd=folder)
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    head, *rows = _table(out)
    assert [row[0] for row in rows] == ["' =1+1.pdf", "'@SUM(A1).pdf"]
    column = {"nom": 1, "prenom": 2, "classe": 3, "date": 4} | {
        f"a1_{h.split()[1].lower()}": i for i, h in enumerate(head) if h.startswith("A1 Q")}
    expected = {"nom": "'\n=HYPERLINK(\"http://x\";\"clic\")", "prenom": "'  =1+1", "classe": "'\u00a0@SUM(A1)",
                "date": "'\t+33 6 12", "a1_q1": "'\u200b=cmd|' /C calc'!A0", "a1_q2": "'\n-2+3+cmd|x",
                "a1_q3": "'-3+4", "a1_q4": "'- une idée", "a1_q5": "'\t texte après une tabulation",
                "a1_q6": "-3", "a1_q7": "-3,5"}
    for row in rows:
        assert {key: row[column[key]] for key in expected} == expected
    # the bytes as a spreadsheet reads them: each such cell starts with the apostrophe (quoted when it must be)
    assert b";\"'\n=HYPERLINK(\"\"http://x\"\";\"\"clic\"\")\";'  =1+1;'\xc2\xa0@SUM(A1);'\t+33 6 12;" in data
    assert b";-3;-3,5;" in data
    for cell in head + [c for row in rows for c in row]:
        visible = cell.lstrip().lstrip("\u200b\u00a0")
        assert not visible.startswith(("=", "+", "-", "@")) or cell in ("-3", "-3,5"), repr(cell)


def test_control_characters_and_huge_answers_stay_out_of_the_spreadsheet(pix_form, tmp_path):
    form = pix_form / "pix-formulaire.pdf"
    fill(form, {"a1_q1": "x" * 40_000, "a1_q3": "\x1b[31mrouge\x07", "nom": "\x00=1"}, tmp_path / "Dd.pdf")
    out = tmp_path / "notes.csv"
    cli("collect", "pix", str(tmp_path / "Dd.pdf"), "--out", str(out))
    head, row = _table(out)
    q = {h.split()[1]: i for i, h in enumerate(head) if h.startswith("A1 Q")}
    assert len(row[q["Q1"]]) == 32_000 and row[q["Q1"]].endswith("…")
    assert row[q["Q3"]] == "[31mrouge" and row[1] == "'=1"


def test_collect_folders_and_archives_as_the_ent_hands_them_out(handed_in, tmp_path):
    """A folder per student, zipped (as Moodle-based ENT do), next to a loose file: every form is read from
    memory, nothing is extracted."""
    folder, _ = handed_in
    archive = tmp_path / "Devoir Pix-1reB.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(folder / "Aa.pdf", "Devoir Pix/Aa Alice_1234_assignsubmission_file_/pix-formulaire.pdf")
        z.write(folder / "Bb.pdf", "Devoir Pix/Bb Bob_1235_assignsubmission_file_/pix-formulaire.pdf")
        z.writestr("__MACOSX/._pix-formulaire.pdf", b"\0\5\26\7")
        z.writestr("Devoir Pix/", b"")
    loose = tmp_path / "loose"
    loose.mkdir()
    shutil.copy(folder / "Cc.pdf", loose / "Cc.pdf")
    (loose / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    before = set(Path(tmp_path).rglob("*"))
    out = tmp_path / "notes.json"
    proc = cli("collect", "pix", archive.name, loose.name, "--out", str(out), "--sources", str(SOURCES), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["file"] for r in data["rows"]] == [
        "Devoir Pix-1reB.zip:Devoir Pix/Aa Alice_1234_assignsubmission_file_/pix-formulaire.pdf",
        "Devoir Pix-1reB.zip:Devoir Pix/Bb Bob_1235_assignsubmission_file_/pix-formulaire.pdf", "loose/Cc.pdf"]
    assert [r["nom"] for r in data["rows"]] == ["Aa-Nom", "Bb-Nom", "=HYPERLINK(\"http://x\";\"clic\")"]
    assert [r["total"] for r in data["rows"]] == [11, 0, 0]
    assert data["rows"][0]["answers"]["a2_q6"] == ["Global", "Propre à chaque compétence"]
    assert set(Path(tmp_path).rglob("*")) - before == {out}


def test_a_form_filled_and_saved_by_pdfjs_is_collected(handed_in, pix_form, pix_fiche, tmp_path):
    """Firefox's viewer fills the form and saves it with its own appearance streams: the saved file
    prints what was typed, and collect reads it like the others."""
    folder, values = handed_in
    mine = {k: (v[1:] if v.startswith("/") and "_o" not in k else True if v.startswith("/") else v)
            for k, v in values["Aa"].items()}
    saved = tmp_path / "firefox.pdf"
    pdfjs(pix_form / "pix-formulaire.pdf", mine, saved)
    seen = pdfjs(saved)
    assert seen["a1_q1"][0]["value"] == values["Aa"]["a1_q1"]
    assert [w["value"] for w in seen["a1_q8"]] == [values["Aa"]["a1_q8"][1:]] * 2
    from conftest import pdftotext, squash

    printed = squash(pdftotext(flatten(saved, tmp_path / "printed.pdf")))
    assert squash(values["Aa"]["a1_q1"]) in printed and squash(values["Aa"]["a3_t1_s2_i5"]) in printed
    out = tmp_path / "notes.csv"
    proc = cli("collect", "pix", str(folder / "Aa.pdf"), str(saved), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    head, pypdf_row, pdfjs_row = _table(out)
    assert pdfjs_row[1:] == pypdf_row[1:]


def test_a_form_filled_and_saved_by_pdfium_is_collected(handed_in, pix_form, pix_fiche, tmp_path):
    """Chrome's and Edge's engine (PDFium) sees each field with its tooltip and the option texts as export
    values; typed into and clicked as a student does, then saved, the file prints what was typed and
    collect reads it like the others."""
    from formtools import pdfium_fill

    folder, values = handed_in
    mine = values["Aa"]
    texts = {k: v for k, v in mine.items() if not v.startswith("/")}
    clicks = {k: 0 if "_o" in k else int(v[1:]) for k, v in mine.items() if v.startswith("/")}
    saved = tmp_path / "chrome.pdf"
    seen = pdfium_fill(pix_form / "pix-formulaire.pdf", texts, clicks, saved)
    assert set(seen) == set(PdfReader(pix_form / "pix-formulaire.pdf").get_fields())
    for base, block in places(pix_fiche):
        if isinstance(block, Question) and block.kind.form == "one":
            assert [w[2] for w in seen[base]] == list(block.options)  # export values: the option texts
            assert all(w[3] == seen[base][0][3] != "" for w in seen[base])
    from worksheet_gen.text import plain

    assert seen["a1_q1"][0][1:] == (texts["a1_q1"], "", plain(dict(places(pix_fiche))["a1_q1"].prompt))
    from conftest import pdftotext, squash

    printed = squash(pdftotext(flatten(saved, tmp_path / "printed.pdf")))
    assert all(squash(text) in printed for text in texts.values())
    out = tmp_path / "notes.csv"
    proc = cli("collect", "pix", str(folder / "Aa.pdf"), str(saved), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    head, pypdf_row, pdfium_row = _table(out)
    assert pdfium_row[1:] == pypdf_row[1:]


def _bad_files(folder: Path, pix_form: Path, tmp_path: Path) -> dict[str, str]:
    """One file of each kind a student may hand in by mistake (or on purpose), and what collect must say."""
    form = pix_form / "pix-formulaire.pdf"
    bad = {}
    with zipfile.ZipFile(folder / "devoir.docx", "w") as docx:  # a word processor's file is a zip too
        docx.writestr("word/document.xml", "<w:document>Mes réponses</w:document>")
    bad["devoir.docx"] = "is not a PDF"
    (folder / "rendus.zip").write_bytes(b"PK\x03\x04 cut short by the download")
    bad["rendus.zip"] = "is a damaged archive"
    (folder / "notes.txt").write_text("Mes réponses : OUI, NON, Vrai", encoding="utf-8")
    bad["notes.txt"] = "is not a PDF"
    data = form.read_bytes()
    (folder / "tronque.pdf").write_bytes(data[:len(data) // 3])
    bad["tronque.pdf"] = "is damaged"
    (folder / "bruit.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    bad["bruit.pdf"] = "is damaged"
    with open(folder / "enorme.pdf", "wb") as fh:  # sparse: huge on paper, nothing on disk
        fh.write(b"%PDF-1.4\n")
        fh.truncate(200 * 2**20)
    bad["enorme.pdf"] = "is too large"
    writer = PdfWriter(clone_from=form)
    writer.encrypt(user_password="secret", owner_password="prof", algorithm="RC4-128")
    writer.write(folder / "mot-de-passe.pdf")
    bad["mot-de-passe.pdf"] = "is protected by a password"
    flatten(fill(form, {"nom": "Imprimé"}, tmp_path / "print.pdf"), folder / "imprime.pdf")
    bad["imprime.pdf"] = "has no form fields left"
    shutil.copy(pix_form / "pix-eleve.pdf", folder / "fiche-eleve.pdf")
    bad["fiche-eleve.pdf"] = "has no form fields left"
    other = tmp_path / "autre"
    other.mkdir()
    (other / "autre.yaml").write_text("title: Autre\nactivities:\n  - title: A\n    content:\n"
                                      "      - question: Pourquoi ?\n        answer: Parce que.\n", encoding="utf-8")
    cli("build", "--form", str(other / "autre.yaml"), "--out", str(other), check=True)
    shutil.copy(other / "autre-formulaire.pdf", folder / "autre-fiche.pdf")
    bad["autre-fiche.pdf"] = "is the form of another fiche, 'autre'"
    old = tmp_path / "old"
    old.mkdir()
    (old / "pix.yaml").write_text((SOURCES / "pix.yaml").read_text(encoding="utf-8").replace(
        "À quoi sert Pix ?", "À quoi sert Pix, d’après la vidéo ?"), encoding="utf-8")
    cli("build", "--form", str(old / "pix.yaml"), "--out", str(old), check=True)
    shutil.copy(old / "pix-formulaire.pdf", folder / "ancienne-version.pdf")
    bad["ancienne-version.pdf"] = "is a form of another version of 'pix'"
    writer = PdfWriter(clone_from=form)  # a form some other tool made: fields, but no fingerprint
    acroform = writer.root_object["/AcroForm"]
    acroform[NameObject("/Fields")] = ArrayObject([f for f in acroform["/Fields"]
                                                   if f.get_object().get("/T") != FINGERPRINT])
    writer.write(folder / "sans-empreinte.pdf")
    bad["sans-empreinte.pdf"] = "is a form that worksheet-gen did not make"
    loop = PdfWriter(clone_from=form)  # fields whose kids point back to themselves
    first = loop.root_object["/AcroForm"]["/Fields"][1]
    first.get_object()[NameObject("/Kids")] = ArrayObject([first])
    loop.write(folder / "boucle.pdf")
    return bad


IN_FRENCH = {"is not a PDF": "n'est pas un PDF", "is a damaged archive": "est une archive abîmée",
             "is damaged": "est abîmé", "is too large": "est trop volumineux",
             "is protected by a password": "est protégé par un mot de passe",
             "has no form fields left": "n'a plus de champs de formulaire",
             "is the form of another fiche, 'autre'": "est le formulaire d'une autre fiche, « autre »",
             "is a form of another version of 'pix'": "est un formulaire d'une autre version de « pix »",
             "is a form that worksheet-gen did not make": "est un formulaire que worksheet-gen n'a pas fait"}


def test_each_bad_file_is_an_error_naming_it_and_the_others_are_collected(handed_in, pix_form, tmp_path):
    folder, _ = handed_in
    mixed = tmp_path / "rendus"
    mixed.mkdir()
    shutil.copy(folder / "Aa.pdf", mixed / "Aa.pdf")
    bad = _bad_files(mixed, pix_form, tmp_path)
    out = tmp_path / "notes.csv"
    proc = cli("collect", "pix", str(mixed), "--out", str(out))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    for name, message in bad.items():
        line = next((ln for ln in proc.stderr.splitlines() if ln.startswith(str(mixed / name) + ": error: ")), "")
        assert message in line, (name, proc.stderr)
    head, *rows = _table(out)
    by_file = {row[0]: row for row in rows}
    assert by_file[str(mixed / "Aa.pdf")][-2:] == ["11", ""]
    assert "boucle.pdf" not in proc.stderr  # a loop in its fields is no problem: it is read
    for name, message in bad.items():  # the table speaks the fiche's language (French), whatever the terminal's
        assert fr(IN_FRENCH[message]) in by_file[str(mixed / name)][-1]
    read = len(rows) - len(bad)
    assert f"{read} form{'s' * (read != 1)} read, {len(bad)} file{'s' * (len(bad) != 1)} with a problem" in proc.stdout
    _documented(proc.stderr)


def _documented(stderr: str) -> None:
    """Each message printed is one of docs/errors.md's (its quoted parts and numbers as …)."""
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    patterns = [re.compile(re.escape(t).replace("…", ".*?") + "$") for t in re.findall(r"^#+ `(.+?)`", doc, re.M)]
    messages = [split_hint(line.split(": error: ", 1)[1])[0] for line in stderr.splitlines() if ": error: " in line]
    assert messages
    assert [m for m in messages if not any(p.match(m) for p in patterns)] == []


def test_hostile_archives(handed_in, tmp_path):
    """A zip bomb, members named to escape the folder, an archive in the archive, one that claims a small
    size and holds a large one: each is an error naming it, nothing is written, and the good one is read."""
    folder, _ = handed_in
    archive = tmp_path / "rendus.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(folder / "Aa.pdf", "../../../../tmp/evil/Aa.pdf")
        z.writestr("/etc/cron.d/bomb.pdf", b"%PDF-1.4\n" + b"\0" * (60 * 2**20))
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as z2:
            z2.writestr("x.pdf", b"%PDF-1.4")
        z.writestr("inner.zip", inner.getvalue())
        z.writestr("\x1b[2Jescape.pdf", b"not a pdf")
    out = tmp_path / "notes.csv"
    before = set(Path("/tmp").glob("evil*"))
    proc = cli("collect", "pix", archive.name, "--out", str(out), "--sources", str(SOURCES), cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert set(Path("/tmp").glob("evil*")) == before and not (tmp_path / "etc").exists()
    err = proc.stderr
    assert "rendus.zip:../../../../tmp/evil/Aa.pdf" not in err  # read, no problem
    assert "rendus.zip:/etc/cron.d/bomb.pdf: error: is too large" in err
    assert "rendus.zip:inner.zip: error: is an archive inside an archive" in err
    assert "rendus.zip:\\x1b[2Jescape.pdf: error: is not a PDF" in err and "\x1b" not in err
    _documented(err)
    head, *rows = _table(out)
    assert len(rows) == 4
    assert [r[-2] for r in rows if r[0] == "rendus.zip:../../../../tmp/evil/Aa.pdf"] == ["11"]


def test_a_member_that_lies_about_its_size_is_cut_when_read(tmp_path):
    from worksheet_gen.form import read

    archive = tmp_path / "menteur.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.pdf", b"%PDF-1.4\n" + b"\0" * (read.MAX_FILE + 10))
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # the sizes in both headers say 100 bytes
        at = data.find(signature)
        data[at + offset:at + offset + 4] = (100).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    handed = list(read.gather([str(archive)]))
    assert len(handed) == 1 and handed[0].data is None
    assert "too large" in handed[0].problem or "cannot be read" in handed[0].problem


def test_an_archive_with_too_many_names_is_refused_before_it_is_loaded(tmp_path, monkeypatch):
    from worksheet_gen.form import read

    archive = tmp_path / "beaucoup.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(50):
            z.writestr(f"{'x' * 200}{i}.pdf", b"%PDF")
    monkeypatch.setattr(read, "MAX_DIRECTORY", 4000)
    handed = list(read.gather([str(archive)]))
    assert [h.problem for h in handed] == ["is an archive with too many files in it"]


def test_collect_names_an_unknown_fiche_and_reads_nothing(tmp_path):
    proc = cli("collect", "pixx", str(tmp_path), "--out", str(tmp_path / "x.csv"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "no fiche 'pixx' in sources" in proc.stderr and "pix" in proc.stderr
    _documented(proc.stderr)
    assert not (tmp_path / "x.csv").exists()


def test_collect_in_empty_folders_says_so_and_writes_nothing(tmp_path):
    (tmp_path / "rendus").mkdir()
    (tmp_path / "rendus" / ".DS_Store").write_bytes(b"\0")
    proc = cli("collect", "pix", str(tmp_path / "rendus"), "--out", str(tmp_path / "x.csv"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "rendus: error: holds no file to collect" in proc.stderr and not (tmp_path / "x.csv").exists()
    _documented(proc.stderr)


def test_collect_reads_a_form_of_another_profile(pix_fiche, handed_in, tmp_path):
    """A student with the large-print form is collected with the class: same questions, same fingerprint."""
    folder, values = handed_in
    cli("build", "--form", "--profile", "large", str(SOURCES / "pix.yaml"), "--out", str(tmp_path), check=True)
    large = tmp_path / "pix-formulaire-large.pdf"
    fields = PdfReader(large).get_fields()
    mine = {k: v for k, v in values["Aa"].items() if k in fields}
    mine.update({k: "suite " + k for k in fields if re.search(r"_l\d+$", k)})
    fill(large, mine, tmp_path / "large.pdf")
    out = tmp_path / "notes.json"
    proc = cli("collect", "pix", str(tmp_path / "large.pdf"), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    row = json.loads(out.read_text(encoding="utf-8"))["rows"][0]
    assert row["total"] == 11 and row["answers"]["a1_q1"].startswith(values["Aa"]["a1_q1"])


def test_a_student_who_hands_in_twice_is_named_and_both_rows_are_kept(handed_in, pix_form, tmp_path):
    folder, values = handed_in
    again = tmp_path / "Aa-encore.pdf"  # the same student, typed in capitals and without the accent
    fill(pix_form / "pix-formulaire.pdf", {**values["Aa"], "nom": "  AA-NOM", "prenom": "zoe"}, again)
    out = tmp_path / "notes.csv"
    proc = cli("collect", "pix", str(folder / "Aa.pdf"), str(folder / "Bb.pdf"), str(again), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "3 forms read" in proc.stdout and "problem" not in proc.stdout
    warned = [ln for ln in proc.stderr.splitlines() if ": warning: " in ln]
    assert warned == [f"{again}: warning: the same student as {folder / 'Aa.pdf'} ('AA-NOM zoe'): both rows are "
                      "kept (delete from the table the row of the copy you do not mark)"]
    rows = _table(out)[1:]
    assert [r[0] for r in rows] == [str(folder / "Aa.pdf"), str(folder / "Bb.pdf"), str(again)]
    assert rows[0][-2] == rows[2][-2] == "11"
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert "### `the same student as … (…): both rows are kept` (warning)" in doc


def test_students_with_other_names_are_no_duplicates(handed_in, tmp_path):
    folder, _ = handed_in
    proc = cli("collect", "pix", str(folder), "--out", str(tmp_path / "notes.csv"))
    assert "warning" not in proc.stderr


APOSTROPHES = """\
title: Le cycle de l'eau
levels: [5e]
activities:
  - title: "L'eau"
    content:
      - question: "Qu'est-ce qui s'évapore ?"
        options: [L'eau, Le sel]
        answer: L'eau
      - question: Que faut-il pour s'exprimer ?
        type: multi
        options: [L'expression écrite, "L'argumentation \\"claire\\"", Le dessin]
        answer: [L'expression écrite, "L'argumentation \\"claire\\""]
"""


def test_right_options_written_with_apostrophes_or_quotes_score_1(tmp_path):
    """Fresh-eyes teacher: the form shows an option set in French typography (’, « »); a student who ticked the
    right ones scored 0 when the option was written with ' or " in the source (l'eau, l'université…)."""
    from worksheet_gen.sources import load_fiche

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "eau.yaml").write_text(APOSTROPHES, encoding="utf-8")
    cli("build", "--form", "--out", "build", cwd=tmp_path, check=True)
    fiche, problems = load_fiche(sources / "eau.yaml")
    assert fiche is not None, problems
    form = tmp_path / "build" / "eau-formulaire.pdf"
    folder = tmp_path / "rendus"
    folder.mkdir()
    fill(form, student_values(form, fiche, right=True, tag="Aa"), folder / "aa.pdf")
    fill(form, student_values(form, fiche, right=False, tag="Bb"), folder / "bb.pdf")
    out = tmp_path / "notes.csv"
    proc = cli("collect", "eau", str(folder), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    head, *rows = _table(out)
    marks = [i for i, h in enumerate(head) if h.startswith("Note")]
    assert len(marks) == 2
    by_file = {Path(row[0]).name: row for row in rows}
    assert [by_file["aa.pdf"][i] for i in marks] + [by_file["aa.pdf"][head.index("Total /2")]] == ["1", "1", "2"]
    assert [by_file["bb.pdf"][i] for i in marks] == ["0", "0"]
    assert "L’eau" in by_file["aa.pdf"] and "L’expression écrite\nL’argumentation «\u00a0claire\u00a0»" in by_file["aa.pdf"]


@pytest.mark.parametrize("cell", ["\u3164=1", "\uffa0=1", "\u1160=1", "\u115f=1", "\u034f=1", "\ufe0f=1", "\u17b4=1",
                                  "\u2800=1", "＝1+1", "＋1", "－1+1", "＠x", "﹦1", "\u22123+1"])
def test_a_formula_behind_a_blank_letter_or_in_full_width_gets_the_apostrophe(cell):
    """Fresh-eyes attacker: characters that print as blank (Hangul and Braille fillers, combining marks) and the
    full-width or small signs ＝ ＋ － ＠ ﹦ (and the minus sign −) passed the guard."""
    from worksheet_gen.form.results import formula_like, neutral

    assert formula_like(cell) and neutral(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-3", "-3,5", "L’eau", "é=1", "Réponse libre"])
def test_text_and_negative_numbers_are_left_as_they_are(cell):
    from worksheet_gen.form.results import formula_like, neutral

    assert not formula_like(cell) and neutral(cell) == cell
