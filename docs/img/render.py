"""Render docs/img/profiles-*.png (one page of each profile side by side) and docs/img/form-filled.png
(a page of the Pix form, empty and filled in): run make docs-img."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ("standard", "dys", "large")
DPI = 72
SHOTS = {  # image name: the text that picks the page of each profile
    "profiles-page1.png": "Nom",
    "profiles-choices.png": "session de certification",
}


def page_with(pdf: Path, text: str) -> int:
    """The first page of a PDF whose text contains text."""
    n = 1
    while True:
        out = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"{text!r} not found in {pdf}")
        if text in out.stdout:
            return n
        n += 1


# What a student typed and ticked on page 2 of the Pix form (field names: docs/forms.md).
FILLED = {
    "a1_q6": "5 niveaux, de « débutant » à « confirmé ».",
    "a1_q7": "Des mises en situation, des recherches en ligne,\nmanipuler des fichiers et des données.",
    "a1_q8": "/1", "a1_q9": "/1", "a1_q10": "/0", "a1_q11": "/0", "a1_q12": "/0",
    "a2_q1": "/1", "a2_q2": "/0",
}


def form_shot(out: Path) -> None:
    """Page 2 of the Pix form, empty and filled in (with pypdf, then flattened by qpdf as printing does)."""
    from pypdf import PdfWriter

    subprocess.run([sys.executable, "-m", "worksheet_gen", "build", "--form", str(ROOT / "sources" / "pix.yaml"),
                    "--out", str(out)], check=True, capture_output=True)
    form = out / "pix-formulaire.pdf"
    writer = PdfWriter(clone_from=form)
    for page in writer.pages:
        writer.update_page_form_field_values(page, FILLED, auto_regenerate=False)
    writer.write(out / "filled.pdf")
    subprocess.run(["qpdf", "--flatten-annotations=all", str(out / "filled.pdf"), str(out / "flat.pdf")], check=True)
    shots = []
    for label, pdf in (("empty", form), ("filled in", out / "flat.pdf")):
        subprocess.run(["pdftoppm", "-r", str(DPI), "-f", "2", "-l", "2", "-singlefile", "-png", str(pdf),
                        str(out / label)], check=True)
        shots.append((label, Image.open(out / f"{label}.png").convert("RGB")))
    w, h = shots[0][1].size
    sheet = Image.new("RGB", (2 * w + 3 * 12, h + 40), "#9A9A9A")
    draw = ImageDraw.Draw(sheet)
    for i, (label, img) in enumerate(shots):
        sheet.paste(img, (12 + i * (w + 12), 34))
        draw.text((12 + i * (w + 12), 10), f"pix-formulaire.pdf - page 2, {label}", fill="white")
    sheet.quantize(colors=64).save(ROOT / "docs" / "img" / "form-filled.png", optimize=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        form_shot(Path(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for profile in PROFILES:
            subprocess.run([sys.executable, "-m", "worksheet_gen", "build", str(ROOT / "sources" / "pix.yaml"),
                            "--out", str(out), "--profile", profile], check=True, capture_output=True)
        for name, text in SHOTS.items():
            pages = []
            for profile in PROFILES:
                pdf = out / ("pix-eleve.pdf" if profile == "standard" else f"pix-eleve-{profile}.pdf")
                n = page_with(pdf, text)
                stem = out / f"{profile}-{n}"
                subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(n), "-l", str(n), "-singlefile", "-png",
                                str(pdf), str(stem)], check=True)
                pages.append((profile, n, Image.open(f"{stem}.png").convert("RGB")))
            w, h = pages[0][2].size
            sheet = Image.new("RGB", (3 * w + 4 * 12, h + 40), "#9A9A9A")
            draw = ImageDraw.Draw(sheet)
            for i, (profile, n, img) in enumerate(pages):
                x = 12 + i * (w + 12)
                sheet.paste(img, (x, 34))
                draw.text((x, 10), f"{profile} - page {n}", fill="white")
            sheet.quantize(colors=64).save(ROOT / "docs" / "img" / name, optimize=True)


if __name__ == "__main__":
    main()
