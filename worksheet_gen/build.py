"""Build fiches into PDFs: validate everything first, then write each file atomically."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError, Pos, Problem
from .model import Fiche
from .profiles import STANDARD, Profile, choose
from .sources import load_fiche


@dataclass
class Result:
    """What a build did: files written and every problem met."""

    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file and a rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def outputs(fiche: Fiche, out_dir: Path, profile: Profile = STANDARD) -> dict[str, Path]:
    """The files one fiche builds to: <slug>-eleve[-<profile>].pdf and <slug>-corrige[-<profile>].pdf."""
    s = profile.suffix
    return {"eleve": out_dir / f"{fiche.slug}-eleve{s}.pdf", "corrige": out_dir / f"{fiche.slug}-corrige{s}.pdf"}


def render_fiche(fiche: Fiche, profile: Profile = STANDARD) -> tuple[bytes, bytes, list[Problem]]:
    """Render the student sheet and the corrigé; layout warnings come back as problems."""
    from .render import render

    warnings: dict[tuple, Problem] = {}

    def report(pos: Pos, message: str) -> None:
        warnings.setdefault((pos, message), Problem(pos, message, severity="warning"))

    student = render(fiche, answers=False, report=report, profile=profile)
    key = render(fiche, answers=True, report=report, profile=profile)
    return student, key, list(warnings.values())


def build(sources: list[Path], out_dir: Path, *, root: Path | None = None, profile: str | None = None) -> Result:
    """Validate and render every source, then write the PDFs of the valid ones.

    ``profile`` (a profile name) overrides the profile each source names.
    """
    result = Result()
    for path in sources:
        fiche, problems = load_fiche(path, root, profile)
        result.problems += problems
        if fiche is None:
            continue
        chosen = choose(profile, fiche.profile)
        student, key, warnings = render_fiche(fiche, chosen)
        result.problems += warnings
        targets = outputs(fiche, out_dir, chosen)
        try:
            write_atomic(targets["eleve"], student)
            write_atomic(targets["corrige"], key)
        except OSError as exc:
            raise OutputError(f"{out_dir}: cannot write: {exc.strerror}") from exc
        result.written += [targets["eleve"], targets["corrige"]]
    return result
