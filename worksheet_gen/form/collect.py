"""Collect filled forms: find the fiche they answer, read every file handed in, check each one is a form
of that fiche as it is now, and make the table's rows. Writes nothing."""

from __future__ import annotations

import os
import shlex
import unicodedata
from pathlib import Path

from ..errors import Pos, Problem, quote
from ..i18n import Msg, _, render
from ..manifest import NAME as MANIFEST
from ..model import Fiche
from . import plan, read, results

SUFFIXES = (".yaml", ".yml")


def load(slug: str, sources: Path) -> tuple[Fiche | None, list[Problem]]:
    """The validated fiche named by slug (sources/<slug>.yaml) or by the path of its source."""
    from ..sources import badly_named, by_name, display, load_fiche

    given = Path(slug)
    if given.suffix in SUFFIXES:  # a path typed on the command line: the user's to choose
        path = given
    else:  # a name: a fiche of the sources folder, never a link out of it nor a pipe
        path, refused = by_name(slug, sources)
        if refused is not None:
            return None, [refused]
    if path is None or not path.is_file():
        known = sorted(p.stem for p in sources.glob("*.y*ml") if p.suffix in SUFFIXES and ".pack." not in p.name)
        return None, [Problem(Pos(slug), _("no fiche {name} in {folder}").format(name=quote(slug),
                                                                                  folder=display(sources)),
                              _("the fiches there: {names}").format(names=", ".join(known)) if known else
                              _("the fiches there: none"))]
    refused = badly_named(path, Pos(display(path), 1, 1))
    if refused is not None:  # as build says it: the table would be named after it
        return None, [refused]
    return load_fiche(path, sources if given.suffix not in SUFFIXES else None)


def refused_out(out: str, slug: str, paths: list[str], sources: Path) -> Problem | None:
    """Why the table may not be written to out, if it may not: a name that is not .csv or .json (a form, an
    archive, a fiche), a file handed in, the build manifest, or a file of the sources folder other than a table
    collect writes."""
    if out == "-":
        return None
    target = Path(out)
    where, default = Pos(read.shown(out)), f"{slug}-reponses{target.suffix.lower()}"
    if target.suffix.lower() not in (".csv", ".json"):
        return Problem(where, _('collect writes its table only to a .csv or .json file, never over a form, an archive or a source'), _('give --out a name such as {slug}-reponses.csv').format(slug=slug))
    try:
        resolved = target.resolve()
        handed = any(Path(p).resolve() == resolved for p in paths)
        among = sources.resolve() in resolved.parents and os.path.lexists(target) and target.name != default
    except (OSError, RuntimeError):
        return None  # writing it says why
    if handed:
        return Problem(where, _('is one of the files handed in: the table is not written over it'),
                       _('give --out another name, such as {slug}-reponses.csv').format(slug=slug))
    if target.name == MANIFEST:  # the other files a build owns are PDFs and .tmp files, refused above
        return Problem(where, _("is the build manifest: the table is not written over it"),
                       _('give --out another name, such as {slug}-reponses.csv').format(slug=slug))
    if among:
        return Problem(where, _('is a file of the sources folder: the table is not written over it'),
                       _('give --out a name outside the sources folder, such as {slug}-reponses.csv').format(slug=slug))
    return None


def collect(fiche: Fiche, paths: list[str], *, exclude: frozenset[Path] = frozenset()
            ) -> tuple[list[results.Row], list[Problem]]:
    """One row per file handed in (a failed one says why), and a problem for each file that failed."""
    expected = plan.fingerprint(fiche)
    rows, problems = [], []
    for handed in read.gather(paths, exclude=exclude):
        message, hint = handed.problem, handed.hint
        values = {}
        if not message:
            try:
                values = read.read_form(handed.data).values
                message, hint = _belongs(values.get(plan.FINGERPRINT), expected, fiche.slug)
                odd = None if message else results.odd_choice(fiche, values)
                if odd is not None:  # never a student-chosen text in a column of options
                    message = _("has a field {name} whose value is not one of its options: the form was altered"
                                ).format(name=quote(read.shown(odd), 40))
                    hint = _("ask the student to fill in a new copy of the form")
            except read.Unreadable as exc:
                message, hint = exc.message, exc.hint
        if message:
            problems.append(Problem(Pos(handed.name), message, hint))
            rows.append(results.failed(handed.name, render(message, fiche.lang)))  # the table's language
        else:
            rows.append(results.row(fiche, handed.name, values))
    return rows, problems + _handed_twice(rows)


def _student(row: results.Row) -> tuple[str, str] | None:
    """Who handed a row in, as compared: Nom and Prénom without case, accents or extra spaces (None when
    the student typed neither)."""
    def folded(text: str) -> str:
        bare = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
        return " ".join(bare.casefold().replace("-", " ").split())

    nom, prenom = (folded(n) for n in row.names[:2])
    return (nom, prenom) if not row.problem and (nom or prenom) else None


def _handed_twice(rows: list[results.Row]) -> list[Problem]:
    """A warning for each file handed in by a student whose form was already read: both rows are kept."""
    first: dict[tuple[str, str], results.Row] = {}
    out = []
    for row in rows:
        who = _student(row)
        if who is None:
            continue
        if who in first:
            name = " ".join(n for n in row.names[:2] if n.strip())
            out.append(Problem(Pos(row.file), _("the same student as {file} ({name}): both rows are kept").format(
                file=read.shown(first[who].file), name=quote(read.shown(name), 60)),
                _("delete from the table the row of the copy you do not mark"), "warning"))
        else:
            first[who] = row
    return out


def _belongs(found: str | None, expected: str, slug: str) -> tuple[Msg | str, Msg | str]:
    """("", "") when a form's fingerprint is this fiche's, else the problem and its hint."""
    if found == expected:
        return "", ""
    if not found:
        return (_("is a form that worksheet-gen did not make: its hidden fingerprint is missing"),
                _("hand out {name}, made by 'worksheet-gen build --form'").format(name=f"{slug}-formulaire.pdf"))
    other = found.split(" ")[0]
    if other != slug:
        # The name comes from the student's file: a command to copy only for a name that prints as it is,
        # quoted for the shell, never one a shell or click would read as more than a fiche name.
        typed = read.shown(other) == other and len(other) <= 40 and not other.startswith("-")
        return (_("is the form of another fiche, {name}").format(name=quote(read.shown(other), 40)),
                _("collect it with that fiche: worksheet-gen collect {name} …").format(name=shlex.quote(other))
                if typed else _("collect it with that fiche"))
    return (_("is a form of another version of '{name}': its questions or options have changed since").format(
        name=slug), _("collect it with the source it was made from, or hand out the current form again"))
