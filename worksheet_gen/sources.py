"""Find source files and turn one into a validated fiche (no rendering, no writing)."""

from __future__ import annotations

import os
from pathlib import Path

from . import loader
from .errors import Pos, Problem
from .validate import validate

SUFFIXES = (".yaml", ".yml")
PACK_SUFFIXES = (".pack.yaml", ".pack.yml")  # pack declarations (docs/format.md), not fiches


def is_pack(path: Path) -> bool:
    """Whether a source file declares a class pack rather than a fiche."""
    return path.name.endswith(PACK_SUFFIXES)


def display(path: Path) -> str:
    """The path as the user should see it in messages: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def find(paths: tuple[str, ...], default_dir: Path) -> tuple[list[Path], list[Problem]]:
    """The source files named by paths (files or folders), or found in default_dir."""
    found, problems = [], []
    for raw in paths or (str(default_dir),):
        p = Path(raw)
        if p.is_dir():
            found += sorted(q for q in p.iterdir() if q.suffix in SUFFIXES and q.is_file() and not is_pack(q))
        elif p.is_file():
            found += [] if is_pack(p) else [p]
        else:
            problems.append(Problem(Pos(raw), "no such file or folder"))
    return found, problems


def load_fiche(path: Path, root: Path | None = None):
    """Read, parse and validate one source: (fiche or None, problems)."""
    name = display(path)
    raw, problems = loader.load(path, name)
    if raw is None or any(p.severity == "error" for p in problems):
        return None, problems
    fiche, more = validate(raw, path=name, slug=path.stem, base_dir=path.parent.resolve(),
                           root=(root or path.parent).resolve())
    return fiche, problems + more
