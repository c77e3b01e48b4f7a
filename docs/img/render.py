"""Render docs/img/profiles-*.png: one page of each profile side by side (run: make docs-img)."""

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


def main() -> None:
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
