"""The fillable form (build --form): the student sheet, page for page, with fields where the student answers."""

from __future__ import annotations

import re
import subprocess

from PIL import Image, ImageChops
from pypdf import PdfReader

from conftest import SOURCES, cli, need, pdftotext, squash
from formtools import FINGERPRINT, fill, flatten, pdfjs, pix_form, places, student_values  # noqa: F401
from worksheet_gen.model import Question

MULTILINE = 1 << 12


def _fields(path):
    return PdfReader(path).get_fields()


def _widgets(path):
    """(page index, field name, rect, annotation) of every widget, radio buttons under their group's name."""
    out = []
    for i, page in enumerate(PdfReader(path).pages):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            name = annot.get("/T", annot.get("/Parent", {}).get("/T") if "/Parent" in annot else None)
            out.append((i, str(name), [float(v) for v in annot["/Rect"]], annot))
    return out


def _renders(path, folder, prefix):
    subprocess.run([need("pdftoppm"), "-r", "70", "-png", str(path), str(folder / prefix)], check=True)
    return sorted(folder.glob(f"{prefix}*.png"))


def test_build_form_writes_the_form_beside_the_sheets(pix_form):
    assert sorted(p.name for p in pix_form.glob("*.pdf")) == ["pix-corrige.pdf", "pix-eleve.pdf", "pix-formulaire.pdf"]


def test_the_empty_form_looks_exactly_like_the_student_sheet(pix_form, tmp_path):
    """Same pages, same text, same pixels: empty fields are transparent over the ruling and boxes."""
    form, sheet = pix_form / "pix-formulaire.pdf", pix_form / "pix-eleve.pdf"
    n = len(PdfReader(sheet).pages)
    assert len(PdfReader(form).pages) == n
    for page in range(1, n + 1):
        assert pdftotext(form, page) == pdftotext(sheet, page)
    for a, b in zip(_renders(form, tmp_path, "f"), _renders(sheet, tmp_path, "e"), strict=True):
        assert ImageChops.difference(Image.open(a).convert("RGB"), Image.open(b).convert("RGB")).getbbox() is None


def test_every_answer_has_its_field_named_from_its_place(pix_form, pix_fiche):
    fields = _fields(pix_form / "pix-formulaire.pdf")
    expected = {"nom", "prenom", "classe", "date", FINGERPRINT}
    for base, block in places(pix_fiche):
        if not isinstance(block, Question):  # a table section: one field per bullet (one per expected item)
            expected |= {f"{base}_i{k}" for k in range(1, (block.bullets or len(block.answer)) + 1)}
        elif block.type == "multi":
            expected |= {f"{base}_o{k}" for k in range(1, len(block.options) + 1)}
        else:
            expected.add(base)
    assert set(fields) == expected
    for base, block in places(pix_fiche):
        if isinstance(block, Question) and block.type in ("open",):
            assert fields[base]["/FT"] == "/Tx"
            assert bool(fields[base].get("/Ff", 0) & MULTILINE) == (block.lines > 1)
        elif isinstance(block, Question) and block.type in ("yesno", "truefalse", "choice"):
            # a radio group: one button per option, on-states 0, 1…, the option texts as export values
            assert fields[base]["/FT"] == "/Btn" and fields[base]["/Ff"] & (1 << 15)
            assert fields[base]["/_States_"][:len(block.options)] == [f"/{i}" for i in range(len(block.options))]
            assert list(fields[base]["/Opt"]) == list(block.options)
        elif isinstance(block, Question) and block.type == "multi":
            for k, option in enumerate(block.options, 1):
                box = fields[f"{base}_o{k}"]
                assert box["/FT"] == "/Btn" and not box.get("/Ff", 0) & (1 << 15)
                assert list(box["/Opt"]) == [option]


def test_every_field_tells_its_question_to_a_screen_reader(pix_form, pix_fiche):
    from worksheet_gen.text import plain

    fields = _fields(pix_form / "pix-formulaire.pdf")
    for base, block in places(pix_fiche):
        text = plain(block.prompt if isinstance(block, Question) else block.title)
        mine = [f for name, f in fields.items() if name == base or name.startswith(base + "_")]
        assert mine, base
        for f in mine:
            assert squash(text) in squash(f["/TU"]), (base, f["/TU"])
    for name, label in (("nom", "Nom"), ("prenom", "Prénom"), ("classe", "Classe"), ("date", "Date")):
        assert fields[name]["/TU"] == label
    assert fields["a2_q6_o2"]["/TU"].endswith("Propre à chaque compétence")
    assert fields["a3_t1_s2_i3"]["/TU"].endswith("Le jour de la certification — réponse 3")


JUSTIFIED = """\
title: Choisir ses spécialités
lang: {lang}
activities:
  - title: Les spécialités
    content:
      - question: Combien de spécialités en 1re ?
        options: ["2", "3"]
        answer: "3"
      - question: On peut changer de spécialités en Terminale.
        type: truefalse
        answer: faux
        lines: 2
"""


def test_the_lines_to_justify_have_a_label_of_their_own(tmp_path):
    for lang in ("fr", "en"):
        source = tmp_path / f"justif-{lang}.yaml"
        source.write_text(JUSTIFIED.format(lang=lang), encoding="utf-8")
        cli("build", "--form", str(source), "--out", str(tmp_path), check=True)
        fields = _fields(tmp_path / f"justif-{lang}-formulaire.pdf")
        assert fields["a1_q2"]["/TU"] == "On peut changer de spécialités en Terminale."
        assert fields["a1_q2_justif"]["/FT"] == "/Tx"
        assert fields["a1_q2_justif"]["/TU"] == "Justification — question 2"
        assert len({str(f["/TU"]) for name, f in fields.items() if name.startswith("a1_")}) == 3


def test_fields_cover_the_answer_spaces_and_boxes_of_the_student_sheet(pix_form, pix_fiche):
    """Each radio button or check box covers a printed box left of its option, on the same line; text fields
    lie inside the page's body and never over another field."""
    sheet = pix_form / "pix-eleve.pdf"
    out = subprocess.run([need("pdftotext"), "-bbox", str(sheet), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = out.split("<page ")[1:]
    height = float(re.search(r'height="([\d.]+)"', pages[0]).group(1))
    buttons = [w for w in _widgets(pix_form / "pix-formulaire.pdf") if w[3].get("/AS") is not None]
    assert len(buttons) == sum(len(q.options) for q in pix_fiche.questions())
    for page, name, (x0, y0, x1, y1), annot in buttons:
        words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', pages[page])
        beside = [w for w in words if 0 < float(w[0]) - x1 < 12 and float(w[1]) < height - y0 and
                  float(w[2]) > height - y1]
        assert beside, (name, page)
        assert 9 < x1 - x0 < 11.5 and abs((x1 - x0) - (y1 - y0)) < 0.01  # the 3.6 mm printed box
    texts = [w for w in _widgets(pix_form / "pix-formulaire.pdf") if w[3].get("/FT") == "/Tx" and w[1] != FINGERPRINT]
    for i, (page, name, (x0, y0, x1, y1), _) in enumerate(texts):
        assert 18 * 2.83 < x0 < x1 <= 595 - 18 * 2.83 + 0.5 and 14 * 2.83 < y0 < y1 < 842 - 18 * 2.83, name
        for other_page, other, (a0, b0, a1, b1), _ in texts[i + 1:]:
            assert other_page != page or x1 <= a0 or a1 <= x0 or y1 <= b0 + 0.01 or b1 <= y0 + 0.01, (name, other)


def test_typed_answers_print_under_their_question(pix_form, pix_fiche, tmp_path):
    """Filled (pypdf) and flattened (qpdf) as printing does: each typed text prints on its question's page,
    under its prompt and above the next question."""
    form = pix_form / "pix-formulaire.pdf"
    values = student_values(form, pix_fiche, right=True, tag="Zz")
    filled = flatten(fill(form, values, tmp_path / "filled.pdf"), tmp_path / "flat.pdf")
    assert "/AcroForm" not in PdfReader(filled).trailer["/Root"] or not _fields(filled)
    text = pdftotext(filled)
    for name, value in values.items():
        if not value.startswith("/"):
            assert squash(value) in squash(text), name
    assert "« ça » œuvre, 5 €" in text  # French characters print as typed
    reading = squash(text)
    blocks = dict(places(pix_fiche))

    def start(base):
        block = blocks[base]
        return reading.index(squash(block.prompt if isinstance(block, Question) else block.title)[:40])

    def typed(name):
        return reading.index(squash(values[name]))

    for first, second in (("a1_q1", "a1_q2"), ("a1_q6", "a1_q7"), ("a1_q7", "a1_q8")):
        assert start(first) < typed(first) < start(second), first
    assert start("a2_q7") < typed("a2_q7") < typed("a3_t1_s1_i1") < typed("a3_t1_s1_i4") < typed("a3_t1_s2_i1")
    # a ticked box prints its check mark: the chosen option's box of question 8 gets ink, the other stays empty
    pngs = _renders(filled, tmp_path, "p")
    for page, _, (x0, y0, x1, y1), annot in [w for w in _widgets(form) if w[1] == "a1_q8"]:
        state = next(k for k in annot["/AP"]["/N"] if k != "/Off")
        box = Image.open(pngs[page]).convert("L").crop(
            (int(x0 * 70 / 72) + 2, int((842 - y1) * 70 / 72) + 2, int(x1 * 70 / 72) - 2, int((842 - y0) * 70 / 72) - 2))
        assert (box.getextrema()[0] < 128) == (values["a1_q8"] == state), state


def test_the_form_holds_no_answer(pix_form, pix_fiche, tmp_path):
    """No corrigé text anywhere in the file (streams uncompressed), no value set, and the buttons of right
    and wrong options look alike."""
    from worksheet_gen.text import paragraphs

    plain = tmp_path / "plain.pdf"
    subprocess.run([need("qpdf"), "--qdf", "--object-streams=disable", "--decode-level=all",
                    str(pix_form / "pix-formulaire.pdf"), str(plain)], check=True)
    raw = squash(plain.read_bytes().decode("latin-1") + "".join(
        str(f.get("/TU", "")) for f in _fields(plain).values()))
    answers = [q.explain for q in pix_fiche.questions() if q.explain]
    answers += [p for q in pix_fiche.questions() if not q.options for a in q.answer for p in paragraphs(a)]
    sections = [s for act in pix_fiche.activities for b in act.blocks for s in getattr(b, "sections", ())]
    answers += [a for s in sections for a in s.answer] + [s.explain for s in sections if s.explain]
    assert len(answers) > 25
    assert [a for a in answers if squash(a)[:30] in raw] == []
    fields = _fields(pix_form / "pix-formulaire.pdf")
    assert all(not f.get("/V") or f["/V"] == "/Off" for name, f in fields.items() if name != FINGERPRINT)
    buttons = [w[3] for w in _widgets(pix_form / "pix-formulaire.pdf") if w[3].get("/AS") is not None]
    on = set()
    for annot in buttons:  # each starts off and has the same check mark: nothing tells the right box
        assert annot["/AS"] == "/Off" and annot["/MK"]["/CA"] == "4"
        state = next(k for k in annot["/AP"]["/N"] if k != "/Off")
        assert re.fullmatch(r"/\d+", state)
        on.add(annot["/AP"]["/N"].raw_get(state).idnum)
    assert len(buttons) > 20 and len(on) == 1


def test_the_fingerprint_follows_the_questions_not_the_answers(tmp_path):
    source = (SOURCES / "pix.yaml").read_text(encoding="utf-8")
    variants = {"pix": source,
                "answer": source.replace("answer: non\n        explain: on peut", "answer: oui\n        explain: on peut"),
                "question": source.replace("À quoi sert Pix ?", "À quoi sert Pix, selon vous ?"),
                "option": source.replace("options: [\"3\", \"5\", \"10\"]", "options: [\"3\", \"5\", \"12\"]")}
    prints = {}
    for name, text in variants.items():
        assert name == "pix" or text != source
        folder = tmp_path / name
        folder.mkdir()
        (folder / "pix.yaml").write_text(text, encoding="utf-8")
        cli("build", "--form", str(folder / "pix.yaml"), "--out", str(folder / "out"), check=True)
        prints[name] = _fields(folder / "out" / "pix-formulaire.pdf")[FINGERPRINT]["/V"]
    assert prints["pix"].startswith("pix ")
    assert prints["answer"] == prints["pix"]
    assert prints["question"] != prints["pix"] and prints["option"] != prints["pix"]


def _text_sizes(path):
    return {float(re.search(r"([\d.]+) Tf", w[3]["/DA"]).group(1)) for w in _widgets(path)
            if w[3].get("/FT") == "/Tx" and w[1] != FINGERPRINT}


def test_field_text_has_a_fixed_readable_size(pix_form, tmp_path):
    assert _text_sizes(pix_form / "pix-formulaire.pdf") == {11.0}
    cli("build", "--form", "--profile", "dys", str(SOURCES / "pix.yaml"), "--out", str(tmp_path), check=True)
    assert _text_sizes(tmp_path / "pix-formulaire-dys.pdf") == {14.0}


def test_pdfjs_reads_the_fields_a_student_filled(pix_form, pix_fiche, tmp_path):
    """Firefox's viewer (pdf.js, from npm) sees every field, with its kind, page and the values pypdf set."""
    form = pix_form / "pix-formulaire.pdf"
    values = student_values(form, pix_fiche, right=True, tag="Js")
    seen = pdfjs(fill(form, values, tmp_path / "filled.pdf"))
    assert set(seen) == set(_fields(form))
    assert seen[FINGERPRINT][0]["hidden"]
    for name, value in values.items():
        widgets = seen[name]
        if value.startswith("/"):
            kinds = {w["type"] for w in widgets}
            assert kinds <= {"radiobutton", "checkbox"}, name
            on = [w for w in widgets if w["value"] not in ("Off", False, None)]
            assert on and all(str(w["value"]) == value[1:] or w["value"] is True for w in on), (name, widgets)
        else:
            assert widgets[0]["type"] == "text" and widgets[0]["value"] == value, name


def test_a_form_with_an_answer_space_across_a_page_break(tmp_path):
    """A long open answer breaks between two pages: its second part is a field of its own, named after its
    first ruled line, whose text follows the first part's."""
    src = tmp_path / "long.yaml"
    src.write_text("title: Essai\nform: true\nactivities:\n  - title: A\n    content:\n"
                   "      - question: Question ?\n        lines: 6\n        answer: x\n"
                   "      - question: Racontez.\n        lines: 40\n        answer: y\n", encoding="utf-8")
    cli("build", str(src), "--out", str(tmp_path / "out"), check=True)
    fields = _fields(tmp_path / "out" / "long-formulaire.pdf")
    parts = sorted(n for n in fields if n.startswith("a1_q2"))
    assert len(parts) == 2 and parts[0] == "a1_q2" and re.fullmatch(r"a1_q2_l\d+", parts[1]), parts
    assert fields[parts[1]]["/TU"].endswith("(suite)")
    widgets = {w[1]: w[0] for w in _widgets(tmp_path / "out" / "long-formulaire.pdf")}
    assert widgets[parts[1]] == widgets[parts[0]] + 1


def test_the_name_line_holds_a_full_date(pix_form):
    """« 14/03/2025 » fits the Date field (and « 1re B » the Classe field) without scrolling."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    rects = {w[1]: w[2] for w in _widgets(pix_form / "pix-formulaire.pdf") if w[1] in ("classe", "date")}
    for name, text in (("date", "14/03/2025"), ("classe", "1re B")):
        x0, _, x1, _ = rects[name]
        assert stringWidth(text, "Helvetica", 11) + 4 <= x1 - x0, name


def test_forms_build_incrementally_check_and_stay_identical(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    text = (SOURCES / "pix.yaml").read_text(encoding="utf-8")
    (src / "pix.yaml").write_text(text, encoding="utf-8")
    form = out / "pix-formulaire.pdf"
    cli("build", "--form", "--sources", str(src), "--out", str(out), check=True)
    first = form.read_bytes()
    again = cli("build", "--form", "--sources", str(src), "--out", str(out), check=True)
    assert "1 up to date, 0 rendered; 0 PDFs written" in again.stdout
    forced = cli("build", "--form", "--force", "--sources", str(src), "--out", str(out), check=True)
    assert "0 PDFs written" in forced.stdout and form.read_bytes() == first  # byte-identical
    form.unlink()
    stale = cli("build", "--form", "--check", "--sources", str(src), "--out", str(out))
    assert stale.returncode == 1 and "pix-formulaire.pdf" in stale.stdout and not form.exists()
    plain = cli("build", "--sources", str(src), "--out", str(out), check=True)  # without --form: no form
    assert not form.exists() and "pix-formulaire" not in plain.stdout
    out = tmp_path / "out2"  # (a form built with --form stays, like another profile's: `build --form` keeps it)
    (src / "pix.yaml").write_text("form: true\n" + text, encoding="utf-8")  # the source asks for it
    cli("build", "--sources", str(src), "--out", str(out), check=True)
    assert (out / "pix-formulaire.pdf").read_bytes() == first
    (src / "pix.yaml").write_text(text, encoding="utf-8")  # and no longer does: it goes
    removed = cli("build", "--sources", str(src), "--out", str(out), check=True)
    assert "removed" in removed.stdout and not (out / "pix-formulaire.pdf").exists()
