"""Which source writes which file of the output folder, and when two would write the same one.

Names are compared as Windows and macOS compare them (without case, accents composed), so a
repository built on Linux never holds two sources that overwrite each other elsewhere.
"""

from __future__ import annotations

import re
import stat
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from . import files
from .errors import Pos, Problem, quote
from .i18n import _
from .profiles import PROFILES, STANDARD, Profile
from .sources import display, is_pack, pack_name

MAX_SOURCE = 2**20  # loader.MAX_BYTES, without importing YAML: a larger source is never up to date


def names(slug: str, profile: Profile = STANDARD) -> dict[str, str]:
    """The file names one source builds, by kind: <slug>-eleve[-<profile>].pdf, <slug>-corrige[-<profile>].pdf."""
    return {"eleve": f"{slug}-eleve{profile.suffix}.pdf", "corrige": f"{slug}-corrige{profile.suffix}.pdf"}


def form_name(slug: str, profile: Profile = STANDARD) -> str:
    """The file name of a fiche's fillable form: <slug>-formulaire[-<profile>].pdf (docs/forms.md)."""
    return f"{slug}-formulaire{profile.suffix}.pdf"


def claims(source: Path) -> set[str]:
    """Every file name a source may write, whatever the profile: two sources must never share one."""
    if is_pack(source):
        return {f"pack-{pack_name(source)}.pdf"}
    return {name for profile in PROFILES.values()
            for name in (*names(source.stem, profile).values(), form_name(source.stem, profile))}


_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]+(.*?))?[ \t]*(?:[ \t]#.*)?")


def _declared(data: bytes) -> dict[str, str] | None:
    """The top-level keys of a fiche written as teachers write them (one 'key: value' a line, from the first
    column), with their values; None when the file is written otherwise (a document indented, in braces,
    quoted or explicit keys, anchors, several documents…) and only YAML can tell."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    keys: dict[str, str] = {}
    started = False
    for line in text.splitlines():  # more line breaks than YAML's: a line seen too many is 'unsure'
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            if not started:
                return None  # the whole document is indented: its keys are not at the first column
            continue
        if not started and line.rstrip() == "---":
            started = True
            continue
        started = True
        m = _KEY.fullmatch(line)
        if m is None or m.group(1) in keys:
            return None
        keys[m.group(1)] = m.group(2) or ""
    return keys


def expected(source: Path, options: Mapping[str, object]) -> set[str] | None:
    """The names of the files source builds with these build options, told without parsing YAML; None
    when that cannot be told for sure (an up-to-date build then renders it rather than trust a record)."""
    if is_pack(source):
        return {f"pack-{pack_name(source)}.pdf"}
    try:
        keys = _declared(files.read(source, MAX_SOURCE))
    except (OSError, ValueError):
        return None
    if keys is None:
        return None
    profile = options.get("profile") or keys.get("profile", STANDARD.name)  # 'profile:' alone is an error
    form = False
    if "form" in keys:  # spec (and the model it reads) imported only then: a no-op build stays light
        from .values import flag

        form = flag(keys["form"]) if keys["form"].isalpha() else None
    if profile not in PROFILES or form is None:
        return None
    out = set(names(source.stem, PROFILES[profile]).values())
    return out | {form_name(source.stem, PROFILES[profile])} if form or options.get("form") else out


def same_file(name: str) -> str:
    """A file name as Windows and macOS compare them: without case, accents composed (é written e + ´ is é)."""
    return unicodedata.normalize("NFC", name).casefold()


def _identity(path: Path) -> tuple[int, int] | None:
    """What tells a file from another (names differing only in capitals may be one file); None if none."""
    try:
        info = path.stat()
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


class Owners:
    """The source that writes each file name, by name as compared (same_file)."""

    def __init__(self):
        self.by_name: dict[str, tuple[Path, str]] = {}

    def add(self, source: Path, written: list[str] | None = None) -> None:
        """Record what source writes (its claims, or the names it wrote)."""
        self.by_name.update((same_file(name), (source, name)) for name in (written or claims(source)))

    def owner(self, name: str) -> Path | None:
        """The source that writes a file of that name, if one does."""
        return self.by_name.get(same_file(name), (None,))[0]

    def clash(self, source: Path) -> Problem | None:
        """The error of a source that would write a file another source writes, if it would."""
        mine = sorted(claims(source), key=lambda n: (len(n), n))  # the student sheet first, then the corrigé…
        taken = [(name, self.by_name[same_file(name)]) for name in mine if same_file(name) in self.by_name]
        if not taken:
            return None
        name, (owner, theirs) = taken[0]
        if claims(owner) == set(mine) and all(n == t and o == owner for n, (o, t) in taken):
            return Problem(Pos(display(source), 1, 1), _("it builds the same PDFs as {source}").format(
                source=display(owner)), _("rename one of the two files"))
        return Problem(Pos(display(source), 1, 1), _("it would write {name}, the same file as {other} of {source}").format(
                       name=quote(name), other=quote(theirs), source=display(owner)),
                       _("rename one of the two files: names that differ only by capitals, or by how an accent is "
                         "encoded, are one file on Windows and macOS"))


def recorded(manifest, sources: list[Path]) -> Owners:
    """The owners of the outputs the manifest records for sources that exist but are not built now."""
    here = {_identity(source) for source in sources}
    owners = Owners()
    for entry in manifest.entries.values():
        path = manifest.abs(entry["source"])
        if entry["outputs"] and _identity(path) not in here | {None}:
            owners.add(path, list(entry["outputs"]))
    return owners


def established_first(manifest, sources: list[Path]) -> list[Path]:
    """sources, those whose PDFs the manifest records first: of two that would write one file, a newcomer is
    the one in error, never the fiche already built."""
    built = {_identity(manifest.abs(entry["source"])) for entry in manifest.entries.values() if entry["outputs"]}
    return sorted(sources, key=lambda source: _identity(source) not in built - {None})
