"""Helpers for the fillable form's tests: build it, fill it as a student would, read it with pdf.js."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import SOURCES, cli, need, node_package

JS = Path(__file__).resolve().parent / "js"
FINGERPRINT = "worksheet_gen"


@pytest.fixture(scope="session")
def pix_form(tmp_path_factory) -> Path:
    """build/ of the Pix fiche with its form (pix-formulaire.pdf), built once through the CLI."""
    out = tmp_path_factory.mktemp("pix-form")
    cli("build", "--form", str(SOURCES / "pix.yaml"), "--out", str(out), check=True)
    return out


def places(fiche):
    """(base field name, block, activity number) of each question and table section, as docs/forms.md names them."""
    from worksheet_gen.model import FillTable, Question

    parts = [(f"a{n}", a.blocks) for n, a in enumerate(fiche.activities, 1)]
    if fiche.closing:
        parts.append(("fin", fiche.closing.blocks))
    for prefix, blocks in parts:
        tables = 0
        for block in blocks:
            if isinstance(block, Question):
                yield f"{prefix}_q{block.number}", block
            elif isinstance(block, FillTable):
                tables += 1
                for s, section in enumerate(block.sections, 1):
                    yield f"{prefix}_t{tables}_s{s}", section


def student_values(form: Path, fiche, *, right: bool, tag: str) -> dict[str, str]:
    """A value for every field of a form: texts tagged with `tag`, the right options (or the wrong ones).

    Radio buttons and check boxes get the on-state name their option's position gives it."""
    from worksheet_gen.model import Question

    fields = PdfReader(form).get_fields()
    values = {}
    for base, block in places(fiche):
        if isinstance(block, Question) and block.kind.ticked:
            chosen = [i for i, o in enumerate(block.options) if (o in block.answer) == right]
            if block.kind.form == "many":
                values.update({f"{base}_o{i + 1}": "/0" for i in chosen})
            else:
                values[base] = f"/{chosen[0]}"
            if block.lines:
                values[f"{base}_justif"] = f"{tag} justifie {base}"
        else:
            for name in fields:
                if name == base or name.startswith(base + "_"):
                    values[name] = f"{tag} répond à {name} : « ça » œuvre, 5 €"
    values.update(nom=f"{tag}-Nom", prenom="Zoé", classe="1re B", date="14/03")
    return values


def fill(form: Path, values: dict[str, str], out: Path) -> Path:
    """The form filled with pypdf (appearance streams made by pypdf) and saved to out."""
    writer = PdfWriter(clone_from=form)
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.write(out)
    return out


def flatten(path: Path, out: Path) -> Path:
    """Filled fields turned into page content by qpdf, as printing does."""
    subprocess.run([need("qpdf"), "--flatten-annotations=all", "--generate-appearances", str(path), str(out)],
                   check=True)
    return out


def pdfjs(path: Path, values: dict | None = None, out: Path | None = None) -> dict:
    """The fields of a PDF as pdf.js (Firefox) reads them; with values, also filled and saved to out by pdf.js."""
    node = need("node")
    node_package("pdfjs-dist")
    args = [node, str(JS / "fields.mjs"), str(path)]
    if values is not None:
        spec = out.with_suffix(".json")
        spec.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
        args += [str(spec), str(out)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120, env={**os.environ, "NODE_NO_WARNINGS": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def pdfium_fill(path: Path, texts: dict[str, str], clicks: dict[str, int], out: Path) -> dict[str, list]:
    """Fill a form with PDFium, the engine of Chrome and Edge, as a student does: focus a text field and
    type (texts: name -> text), click a box (clicks: name -> which of its widgets); save to out.

    Returns what PDFium sees of each widget once filled: {name: [(kind, value, export value, tooltip)]}."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(path))
    pdf.init_forms()
    env = pdf.formenv.raw

    def text_of(getter, annot) -> str:
        n = getter(env, annot, None, 0)
        buf = ctypes.create_string_buffer(n)
        getter(env, annot, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)), n)
        return buf.raw[:n - 2].decode("utf-16-le")

    seen: dict[str, list] = {}
    for i in range(len(pdf)):
        page = pdf[i]
        raw.FORM_OnAfterLoadPage(page.raw, env)
        for j in range(raw.FPDFPage_GetAnnotCount(page.raw)):
            annot = raw.FPDFPage_GetAnnot(page.raw, j)
            if raw.FPDFAnnot_GetSubtype(annot) != raw.FPDF_ANNOT_WIDGET:  # a link
                raw.FPDFPage_CloseAnnot(annot)
                continue
            name = text_of(raw.FPDFAnnot_GetFormFieldName, annot)
            kind = raw.FPDFAnnot_GetFormFieldType(env, annot)
            button = kind in (raw.FPDF_FORMFIELD_CHECKBOX, raw.FPDF_FORMFIELD_RADIOBUTTON)
            if name in texts:
                raw.FORM_SetFocusedAnnot(env, annot)
                typed = (texts[name] + "\0").encode("utf-16-le")
                raw.FORM_ReplaceSelection(env, page.raw, ctypes.cast(ctypes.c_char_p(typed), ctypes.POINTER(raw.FPDF_WCHAR)))
                raw.FORM_ForceToKillFocus(env)
            elif button and clicks.get(name) == len(seen.get(name, [])):
                rect = raw.FS_RECTF()
                raw.FPDFAnnot_GetRect(annot, rect)
                x, y = (rect.left + rect.right) / 2, (rect.top + rect.bottom) / 2
                raw.FORM_OnMouseMove(env, page.raw, 0, x, y)
                raw.FORM_OnLButtonDown(env, page.raw, 0, x, y)
                raw.FORM_OnLButtonUp(env, page.raw, 0, x, y)
                raw.FORM_ForceToKillFocus(env)
            seen.setdefault(name, []).append((
                kind, text_of(raw.FPDFAnnot_GetFormFieldValue, annot),
                text_of(raw.FPDFAnnot_GetFormFieldExportValue, annot) if button else "",
                text_of(raw.FPDFAnnot_GetFormFieldAlternateName, annot)))
            raw.FPDFPage_CloseAnnot(annot)
        raw.FORM_OnBeforeClosePage(page.raw, env)
    data = bytearray()

    def write_block(_, block, size):
        data.extend(ctypes.string_at(block, size))
        return 1

    writer = raw.FPDF_FILEWRITE(version=1)
    writer.WriteBlock = type(writer.WriteBlock)(write_block)
    assert raw.FPDF_SaveAsCopy(pdf.raw, ctypes.byref(writer), 0)
    out.write_bytes(bytes(data))
    pdf.close()
    return seen
