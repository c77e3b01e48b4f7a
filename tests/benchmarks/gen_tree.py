"""Generate a deterministic tree of fiches for the benchmark: every question kind, QR codes, tables.

Usage: python tests/benchmarks/gen_tree.py OUT_DIR [--count 200] [--seed 1]
Each fiche is about five pages (student sheet) with the default layout.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

WORDS = ("numérique compétence certification orientation métier formation projet avenir élève lycée "
         "question réponse vidéo profil niveau domaine test résultat session établissement conseiller "
         "information donnée sécurité collaboration création environnement étape parcours").split()


def _sentence(rng: random.Random, n: int, end: str = "") -> str:
    """A quoted YAML string of n words."""
    words = [rng.choice(WORDS) for _ in range(n)]
    return json.dumps(" ".join(words).capitalize() + end, ensure_ascii=False)


def _q(rng: random.Random, kind: str) -> str:
    prompt = _sentence(rng, rng.randint(6, 14), " ?")
    if kind == "open":
        lines = rng.randint(2, 4)
        return (f"      - question: {prompt}\n        lines: {lines}\n        ruling: "
                f"{rng.choice(['lines', 'dotted', 'seyes', 'grid', 'box'])}\n"
                f"        answer: {_sentence(rng, rng.randint(8, 20), '.')}\n")
    if kind == "yesno":
        return (f"      - question: {prompt}\n        type: yesno\n        answer: {rng.choice(['oui', 'non'])}\n"
                f"        explain: {_sentence(rng, 8, '.')}\n")
    if kind == "truefalse":
        return (f"      - question: {prompt}\n        type: truefalse\n        answer: {rng.choice(['vrai', 'faux'])}\n"
                f"        lines: 1\n        explain: {_sentence(rng, 6, '.')}\n")
    if kind in ("choice", "multi"):
        opts = [_sentence(rng, rng.randint(1, 4), f" {i}") for i in range(rng.randint(3, 4))]
        answer = opts[1] if kind == "choice" else f"[{opts[0]}, {opts[2]}]"
        body = "".join(f"          - {o}\n" for o in opts)
        return (f"      - question: {prompt}\n        type: {kind}\n        inline: {str(rng.random() < 0.3).lower()}\n"
                f"        options:\n{body}        answer: {answer}\n")
    answers = "".join(f"          - {_sentence(rng, 4)}\n" for _ in range(3))
    return f"      - question: {prompt}\n        type: blanks\n        lines: 3\n        answer:\n{answers}"


def fiche(rng: random.Random, index: int) -> str:
    """The YAML text of one generated fiche."""
    out = [f"title: {json.dumps(f'Fiche de test {index:03d}')}\nlevels: [2nde, 1re, Tle]\n"
           f"kind: Ressource en autonomie\nintro: {_sentence(rng, 40, '.')}\n"
           "activities:\n"]
    kinds = ["open", "yesno", "truefalse", "choice", "multi", "blanks"]
    for a in range(3):
        out.append(f"  - title: {_sentence(rng, 4)}\n    intro: {_sentence(rng, 25, '.')}\n    content:\n"
                   f"      - video: https://example.org/video/{index}-{a}\n"
                   f"        caption: {_sentence(rng, 18, ' :')}\n")
        for k in range(7):
            out.append(_q(rng, kinds[(a * 7 + k) % len(kinds)]))
        if a == 2:
            out.append("      - table: Les étapes clés\n        sections:\n")
            for s in range(3):
                out.append(f"          - title: {_sentence(rng, 2)}\n            lines: 3\n            answer:\n"
                           + "".join(f"              - {_sentence(rng, 5, '.')}\n" for _ in range(3)))
    out.append(f"closing:\n  title: Enfin\n  content:\n    - {_sentence(rng, 30, '.')}\n")
    return "".join(out)


def generate(out_dir: Path, count: int = 200, seed: int = 1) -> list[Path]:
    """Write count fiches into out_dir; the same arguments always give the same files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = out_dir / f"fiche-{i:03d}.yaml"
        path.write_text(fiche(random.Random(seed * 100_003 + i), i), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.count, args.seed)
