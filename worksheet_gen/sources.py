"""Find source files and turn one into a validated fiche (no rendering, no writing)."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Pos, Problem

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


def _named(paths: tuple[str, ...], default_dir: Path) -> tuple[list[tuple[Path, bool]], list[Problem]]:
    """(file, named itself) for each file paths name, or that a named folder (default_dir when
    none) holds, sorted; and a problem for each name that is neither."""
    found, problems = [], []
    for raw in paths or (str(default_dir),):
        p = Path(raw)
        if p.is_dir():
            found += [(q, False) for q in sorted(p.iterdir()) if q.is_file()]
        elif p.is_file():
            found.append((p, True))
        else:
            problems.append(Problem(Pos(raw), "no such file or folder"))
    return found, problems


def find(paths: tuple[str, ...], default_dir: Path) -> tuple[list[Path], list[Problem]]:
    """The source files named by paths (files or folders), or found in default_dir."""
    found, problems = _named(paths, default_dir)
    return [p for p, named in found if not is_pack(p) and (named or p.suffix in SUFFIXES)], problems


def find_packs(paths: tuple[str, ...], default_dir: Path) -> list[Path]:
    """The pack files (*.pack.yaml) named by paths (files or folders), or found in default_dir."""
    return [p for p, _ in _named(paths, default_dir)[0] if is_pack(p)]


def load_fiche(path: Path, root: Path | None = None, profile: str | None = None):
    """Read, parse and validate one source: (fiche or None, problems).

    The fiche's text is also checked against the font of the profile it will be built
    in: ``profile`` when given, else the one the source names.
    """
    from . import loader, profiles  # imported here: finding sources and up-to-date builds never need YAML
    from .validate import validate

    name = display(path)
    raw, problems = loader.load(path, name)
    if raw is None:
        return None, problems
    fiche, more = validate(raw, path=name, slug=path.stem, base_dir=path.parent.resolve(),
                           root=(root or path.parent).resolve())
    problems += more
    if fiche is not None and not any(p.severity == "error" for p in problems):
        problems += profiles.font_problems(fiche, profiles.choose(profile, fiche.profile))
    if fiche is None or any(p.severity == "error" for p in problems):
        return None, problems
    return fiche, problems
