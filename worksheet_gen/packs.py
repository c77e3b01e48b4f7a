"""Class packs: read a request (command options or a ``*.pack.yaml`` file), gather it, then write it."""

from __future__ import annotations

import contextlib
import datetime
import os
import re
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from dataclasses import field
from pathlib import Path

from . import loader, profiles, roster
from .build import Outcome as BuildOutcome, images, render_counted, write_atomic
from .errors import CANNOT_WRITE, CHECK_SPACE, OutputError, Pos, Problem, as_lines, os_reason, quote
from .i18n import _, _n
from .loader import MDict, MList
from .manifest import NAME as MANIFEST, output_name, sha256_bytes, sha256_file
from .quickdc import dataclass
from .sources import SUFFIXES, badly_named, by_name, display, is_pack, is_source, load_fiche, pack_name
from .values import flag
from .suggest import suggest

MAX_COPIES = roster.MAX_COPIES  # for --copies, copies: and the students of a roster alike
MAX_PAGES = 20_000  # pages of one pack: 500 students with 40 pages each (about 10,000 sheets of paper)
MAX_FICHES = 50  # fiches in one pack: a session's worth (500 copies of each stays a bounded build)
NAME = re.compile(r"^[\w.-]+\Z")  # \Z: '$' would accept a name ending in a line break
KEYS = {
    "fiches": _("the fiches, in order, by file name without .yaml"),
    "copies": _("the number of anonymous copies, 1 to {limit}").format(limit=MAX_COPIES),
    "roster": _("a class list (CSV) next to the pack file: one copy per student, with the name printed"),
    "class": _("the class, printed on the cover (and on each copy when the roster has no Classe column)"),
    "date": _("the date of the session, printed on the cover and in the Date field of every copy"),
    "date_on_cover_only": _("true to print the date on the cover only, not on the copies"),
    "group_by": _("student (each student's fiches together, the default) or fiche"),
    "single_sided": _("true to print on one side only: no blank pages"),
    "cover": _("false to leave out the teacher's cover page"),
    "profile": _("the version of the copies whose student has none in the roster: standard, dys or large"),
}


@dataclass(frozen=True)
class Request:
    """What to put in one pack and how."""

    name: str
    fiches: tuple[Path, ...]
    copies: int = 0  # ignored when a roster is given
    roster: Path | None = None
    classe: str = ""
    date: str | datetime.date = ""
    date_on_copies: bool = True  # the date also goes in the Date field of every copy
    duplex: bool = True
    by_student: bool = True
    cover: bool = True
    profile: str | None = None  # the copies' profile when the roster names none (else each fiche's own)
    origin: Pos | None = None  # the pack file, for declared packs
    where: tuple[tuple[str, Pos], ...] = ()  # the place of each key's value in the pack file


@dataclass
class Outcome:
    """A pack's bytes (None when it cannot be made), its page count and every problem met."""

    data: bytes | None = None
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)  # the request and its roster
    fiche_problems: list[Problem] = field(default_factory=list)  # loading and rendering the fiches
    deps: dict[str, str | None] = field(default_factory=dict)  # every file read (absolute path -> sha256)


class _Silent:
    def update(self, n: int) -> None:
        pass


def _no_progress(total: int) -> ContextManager:
    return contextlib.nullcontext(_Silent())


def failed(problems: list[Problem]) -> bool:
    """Whether any problem is an error."""
    return any(p.severity == "error" for p in problems)


def output(name: str, out_dir: Path) -> Path:
    """The file a pack is written to."""
    return out_dir / f"pack-{name}.pdf"


def default_name(roster: Path | None, fiches) -> str:
    """A pack's name when none is given: the roster's file name, else the fiche names joined by '-'; anything
    but letters, digits, '.', '_' and '-' (a space in « élèves 1re B.csv ») becomes '-'."""
    stem = roster.stem if roster else "-".join(p.stem for p in fiches)
    return re.sub(r"[^\w.-]+", "-", stem).strip("-.") or "pack"


def resolve(names, folder: Path, where: list[Pos] | None = None) -> tuple[tuple[Path, ...], list[Problem]]:
    """The source file of each fiche name (or path), with a suggestion for each unknown one."""
    paths, problems = [], []
    if len(names) > MAX_FICHES:
        return (), [Problem(where[MAX_FICHES] if where else Pos(str(names[MAX_FICHES])),
                            _("a pack holds at most {limit} fiches, {count} are given").format(
                                limit=MAX_FICHES, count=len(names)), _("make several packs"))]
    known = sorted({p.stem for p in folder.glob("*") if is_source(p) and not is_pack(p)})
    for i, name in enumerate(names):
        given = Path(name)
        if is_source(given):  # a file name: next to a pack file, or from here on the command line
            candidates = [folder / given if where is not None else given]
        elif where is None:  # a fiche name on the command line: never a link out of the sources folder
            found, refused = by_name(name, folder)
            if refused is not None:
                problems.append(Problem(Pos(str(name)), _('{pos}: {message}').format(pos=refused.pos, message=refused.message), refused.hint))
                continue
            candidates = [found] if found else []
        else:
            candidates = [folder / f"{name}{s}" for s in SUFFIXES + tuple(s.upper() for s in SUFFIXES)]
        found = next((c for c in candidates if c.is_file() and not is_pack(c)), None)
        if found is not None and where is not None and folder.resolve() not in found.resolve().parents:
            problems.append(Problem(where[i], _("the fiche {name} is outside the folder of the pack file").format(
                name=quote(name)), _("name a fiche of this folder, by its file name without .yaml")))
            continue
        refused = badly_named(found, where[i] if where else Pos(display(found))) if found is not None else None
        if refused is not None:  # as build and check say it: its PDFs would be named after it
            problems.append(refused)
            continue
        if found is not None:
            paths.append(found)
            continue
        import difflib  # only for a name that is wrong

        parts = [p.strip() for p in str(name).split(",") if p.strip()] if where is not None else []
        if is_source(given) and given.stem in known:  # « pix.yaml » typed from outside the sources folder
            guess = [given.stem]
        elif len(parts) > 1 and len(problems) < 20:  # « fiches: fractions, metiers »: one name to YAML
            guess = [_close(p, known) for p in parts]
        else:
            guess = difflib.get_close_matches(str(name), known, n=1) if len(problems) < 20 else []  # stays linear
        if len(guess) > 1:
            hint = _("without [ ], a comma does not separate fiches: write one fiche per line under 'fiches:', "
                     "each after '- ': {listed}").format(listed=as_lines(guess))
        elif guess:
            hint = _("did you mean '{word}'?").format(word=guess[0])
        elif known:
            hint = _("the fiches in {folder}: {names}").format(
                folder=display(folder), names=", ".join(known[:20]) + (", …" if len(known) > 20 else ""))
        else:
            hint = _("the fiches in {folder}: none").format(folder=display(folder))
        problems.append(Problem(where[i] if where else Pos(str(name)), _("no fiche {name} in {folder}").format(
            name=quote(str(name)), folder=display(folder)), hint))
    if len({p.resolve() for p in paths}) < len(paths):
        problems.append(Problem(where[0] if where else Pos(str(names[0])), _("a fiche is named twice"),
                                _("give each fiche once; copies are set with copies or roster")))
    return tuple(paths), problems


def _close(name: str, known: list[str]) -> str:
    """A fiche of known by name, else the nearest one, else name itself."""
    import difflib  # only for a name that is wrong

    return name if name in known else next(iter(difflib.get_close_matches(name, known, n=1)), name)


def make(request: Request, *, progress: Callable[[int], ContextManager] = _no_progress,
         cache: dict | None = None, parallel: bool = False) -> Outcome:
    """Load, check and render everything the pack needs, then assemble it; nothing is written.

    ``parallel``: each fiche's two PDFs are rendered in two processes (see build.render_fiche), and the pack
    is assembled in a third, forked first (see assembler.py)."""
    from . import assembler

    worker = assembler.start() if parallel else None
    try:
        return _make(request, progress, cache, parallel, worker.assemble if worker else assembler.assemble_here)
    finally:
        if worker is not None:
            worker.close()


def _make(request: Request, progress: Callable[[int], ContextManager], cache: dict | None, parallel: bool,
          assemble: Callable[..., bytes]) -> Outcome:
    from . import pack, packfill, packpages

    out = Outcome()
    fiches = []
    for path in request.fiches:
        out.deps[str(path.resolve())] = sha256_file(path)  # hashed before reading: never stale-as-fresh
        fiche, problems = load_fiche(path)
        out.fiche_problems += problems
        fiches.append(fiche)
        if fiche is not None:
            out.deps.update((image, sha256_file(Path(image))) for image in images(fiche))
    students: tuple[roster.Student, ...] = ()
    if request.roster is not None:
        name = display(request.roster)
        data, problems = roster.read_file(request.roster, name, limit=roster.MAX_BYTES, what="roster")
        out.deps[str(request.roster.resolve())] = None if data is None else sha256_bytes(data)  # what was read
        if data is not None:
            students, problems = roster.from_bytes(name, data)
        out.problems += problems
    out.problems += packfill.text_problems(request, set())  # with the roster's: every problem at once
    if failed(out.problems) or failed(out.fiche_problems) or None in fiches:
        return out
    copies = len(students) if request.roster is not None else request.copies
    wanted = [s.profile for s in students] or [""] * copies
    # The profile of each copy of each fiche: the student's, else the pack's, else the fiche's own.
    chosen = [[profiles.choose(w or request.profile, f.profile) for f in fiches] for w in wanted]
    used = [[p for p in profiles.PROFILES.values() if any(row[f] is p for row in chosen)] for f in range(len(fiches))]
    for fiche, profs in zip(fiches, used):
        for profile in profs:
            if profile is not profiles.choose(None, fiche.profile):  # load_fiche checked that one
                out.fiche_problems += profiles.font_problems(fiche, profile)
    out.problems += packfill.name_problems(students, chosen, request.classe)
    out.problems += [p for p in packfill.text_problems(request, {p.family for row in chosen for p in row})
                     if p not in out.problems]
    if failed(out.fiche_problems) or failed(out.problems):
        return out
    from .render import TooLong, too_long

    index = {(f, p.name): i for i, (f, p) in enumerate((f, p) for f in range(len(fiches)) for p in used[f])}
    with progress(2 * len(index) + 1 + copies * len(fiches) + int(request.cover)) as bar:
        sheets, fewest = [], {}  # fewest: the pages of each fiche's shortest student sheet so far
        for f, profile in ((f, p) for f in range(len(fiches)) for p in used[f]):
            try:
                sheet, warnings = _sheet(request.fiches[f], fiches[f], profile, {} if cache is None else cache,
                                         parallel)
            except TooLong:
                out.fiche_problems.append(too_long(fiches[f]))
                return out
            out.fiche_problems += [w for w in warnings if w not in out.fiche_problems]  # once, whatever the profiles
            sheets.append(sheet)
            bar.update(1)
            fewest[f] = min(fewest.get(f, sheet.pages), sheet.pages)
            if copies * sum(fewest.values()) > MAX_PAGES:  # the copies alone already pass it: nothing more is made
                out.problems.append(_too_many_pages(request, copies * sum(fewest.values())))
                return out
        rows = [[index[(f, chosen[c][f].name)] for f in range(len(fiches))] for c in range(copies)]
        parts = pack.plan([s.pages for s in sheets], [s.key_pages for s in sheets], rows,
                          [(index[(f, p.name)], f) for f in range(len(fiches)) for p in used[f]],
                          duplex=request.duplex, by_student=request.by_student, cover=request.cover)
        if parts[-1].start + parts[-1].pages > MAX_PAGES:  # blank pages, corrigés and the cover included
            out.problems.append(_too_many_pages(request, parts[-1].start + parts[-1].pages))
            return out
        classes = sorted({s.classe for s in students if s.classe})
        classe = request.classe or ", ".join(classes)
        labels = [s.label if len(classes) > 1 else f"{s.nom} {s.prenom}" for s in students] or [
            f"Copie {c + 1}" for c in range(copies)]
        labels = [label + packfill.adapted_tag(chosen[c]) for c, label in enumerate(labels)]
        titles = " · ".join(sheets[s].title for s in rows[0])  # one per fiche
        cover = packfill.cover(request, sheets, parts, classe, titles, labels if students else (), rows) \
            if request.cover else None
        overlays, pages = packfill.overlays(request, fiches, sheets, students, rows, chosen, first=int(request.cover))
        extra = packpages.render(cover, pages) if (cover or pages) else None
        bar.update(1)
        title = f"Pack {classe or request.name} — {titles}"
        out.data = assemble(sheets, parts, labels=labels, title=title, by_student=request.by_student,
                            duplex=request.duplex, extra=extra, overlays=overlays, progress=bar.update)
        out.pages = parts[-1].start + parts[-1].pages
    return out


def _too_many_pages(request: Request, pages: int) -> Problem:
    """The error of a pack that would pass MAX_PAGES pages, at its copies or roster."""
    where = dict(request.where)
    key = "roster" if request.roster is not None else "copies"
    return Problem(where.get(key) or request.origin or Pos(f"--{key}", 1, 1), _('the pack would have at least {pages} pages, at most {limit}').format(pages=pages, limit=MAX_PAGES), _('make several packs, of fewer copies or fewer fiches'))


def _sheet(path: Path, fiche, profile, cache: dict, parallel: bool):
    """The fiche rendered once per cache and profile, as a pack sheet, with its layout warnings."""
    from .pack import Sheet
    from .text import plain

    key = (path.resolve(), profile.name)
    if key not in cache:
        cache[key] = render_counted(fiche, profile, parallel=parallel)
    student, corrige, warnings, (pages, key_pages) = cache[key]
    return Sheet(fiche.slug, plain(fiche.title, lang=fiche.lang), student, corrige, profile.name,
                 pages, key_pages), warnings


def write(data: bytes, name: str, out_dir: Path) -> Path:
    """Write a pack atomically into out_dir; return its path."""
    from .output import Lock

    path = output(name, out_dir)
    try:
        with Lock(out_dir):  # a build writing into the same folder finishes first
            write_atomic(path, data)
    except OSError as exc:
        raise OutputError(str(Problem(Pos(display(path)), CANNOT_WRITE.format(reason=os_reason(exc)), CHECK_SPACE))
                          ) from exc
    return path


def read_declaration(path: Path, deps: dict | None = None) -> tuple[Request | None, list[Problem]]:
    """Read and check one ``<name>.pack.yaml`` file (measured first: see roster.read_file); ``deps``, when
    given, gets the sha256 of the bytes read."""
    name = display(path)
    data, problems = roster.read_file(path, name, limit=loader.MAX_BYTES, what=_("pack file"))
    if deps is not None:
        deps[str(path.resolve())] = None if data is None else sha256_bytes(data)
    text, more = loader.decode(name, data) if data is not None else (None, [])
    problems += more
    raw, more = loader.parse(name, text) if text is not None else (None, [])
    problems += more
    if raw is not None and not isinstance(raw, MDict):
        problems.append(Problem(getattr(raw, "pos", Pos(name, 1, 1)), _("a pack file is made of keys such as "
                                                                            "'fiches:' and 'copies:'"),
                                _("see « Class packs » in docs/format.md")))
    if raw is None or failed(problems):
        return None, problems
    for key in raw:
        if key not in KEYS:
            problems.append(Problem(raw.key_pos[key], _("unknown key {key}").format(key=quote(str(key))),
                                    suggest(str(key), KEYS) or _("known keys: {keys}").format(keys=", ".join(KEYS))))
    val = raw.val_pos
    top = Pos(name, 1, 1)

    def check(key: str, ok: bool, message) -> None:
        if key in raw and not ok:
            problems.append(Problem(val[key], message, KEYS[key]))

    items = raw.get("fiches")
    if isinstance(items, str):
        items, where = [items], [val["fiches"]]
    elif isinstance(items, MList):
        where = items.item_pos
    else:
        items, where = [], []
    check("fiches", items and all(isinstance(i, str) for i in items), _("'fiches' must list fiche names"))
    if "fiches" not in raw:
        problems.append(Problem(top, _("'fiches' is missing"), KEYS["fiches"]))
    copies = _whole(raw.get("copies"))
    check("copies", copies is not None and 1 <= copies <= MAX_COPIES,
          _("'copies' must be a whole number from 1 to {limit}").format(limit=MAX_COPIES))
    check("roster", isinstance(raw.get("roster"), str), _("'roster' must be a file name"))
    if ("copies" in raw) == ("roster" in raw):
        problems.append(Problem(top, _("give either 'copies:' or 'roster:'") if "copies" not in raw
                                else _("'copies' and 'roster' cannot both be given"),
                                _("copies: 30 for anonymous copies, roster: eleves.csv for one copy per student")))
    check("class", isinstance(raw.get("class"), (str, int)), _("'class' must be a text"))
    check("date", isinstance(raw.get("date"), str), _("'date' must be a date or a text"))
    check("group_by", raw.get("group_by") in ("student", "fiche"), _("'group_by' must be student or fiche"))
    check("profile", raw.get("profile") in profiles.NAMES,
          _("'profile' must be {names}").format(names=", ".join(profiles.NAMES)))
    flags = {key: flag(raw.get(key)) for key in ("single_sided", "cover", "date_on_cover_only")}
    for key, value in flags.items():
        check(key, value is not None, _("'{key}' must be true or false").format(key=key))
    folder = path.parent
    # Every problem of the file at once: the names of its fiches and its roster are checked whatever else is wrong.
    named = bool(items) and all(isinstance(i, str) for i in items)
    fiches, more = resolve([str(i) for i in items], folder, list(where)) if named else ((), [])
    problems += more
    roster_path = None
    if isinstance(raw.get("roster"), str):
        roster_path = folder / raw["roster"]
        inside = folder.resolve() in roster_path.resolve().parents
        irregular = Problem(val["roster"], _('the roster {raw} is not a regular file (a folder, a pipe or a device '
                                             'cannot be read)').format(raw=quote(raw['roster'])),
                            _('give the CSV file itself'))
        if os.path.isdir(roster_path):  # '.' is the folder of the pack file, not a roster inside it
            problems.append(irregular)
        elif not inside:
            problems.append(Problem(val["roster"], _('the roster must be inside the folder of the pack file'),
                                    _('move the CSV next to the pack file')))
        elif output_name(roster_path.name) or roster_path.name == MANIFEST:  # --out sources would write over it
            problems.append(Problem(val["roster"], _('the roster {raw} has the name of a file the build writes').format(raw=quote(raw['roster'])), _('rename the class list, e.g. classe.csv')))
        elif os.path.lexists(roster_path) and not roster_path.is_file():  # a pipe is never opened
            problems.append(irregular)
        elif not roster_path.is_file():
            problems.append(Problem(val["roster"], _("no roster file '{name}'").format(name=raw["roster"]),
                                    _("give the CSV file's name, relative to the pack file")))
    text = {key: raw.get(key, "") if isinstance(raw.get(key, ""), kinds) else ""
            for key, kinds in (("class", (str, int)), ("date", str))}
    request = Request(name=pack_name(path), fiches=fiches, copies=copies or 0, roster=roster_path,
                      classe=str(text["class"]), date=text["date"],
                      date_on_copies=not flags["date_on_cover_only"], duplex=not (flags["single_sided"] or False),
                      by_student=raw.get("group_by", "student") == "student",
                      cover=flags["cover"] if "cover" in raw else True, profile=raw.get("profile"), origin=top,
                      where=tuple((key, val[key]) for key in ("class", "date", "copies", "roster") if key in raw))
    if failed(problems):  # the class and the date too, as make() would check them next
        from . import packfill

        return None, problems + [p for p in packfill.text_problems(request, set()) if p not in problems]
    return request, problems


def check_declared(files: list[Path]) -> list[Problem]:
    """The problems of pack files and their rosters (fiches are checked on their own)."""
    problems = []
    for file in files:
        request, found = read_declaration(file)
        problems += found
        if request is not None:  # what build would refuse: a date that is no day, a character no font has
            from . import packfill

            problems += packfill.text_problems(request, set())
        if request is not None and request.roster is not None:
            problems += roster.read(request.roster, display(request.roster))[1]
    return problems


def work(file: Path, cache: dict | None = None, parallel: bool = False) -> BuildOutcome:
    """Read one pack file and make its pack, as the build does with a fiche: bytes or problems, and what it read.

    Fiche problems are left to the fiche build, which reports them; the pack only says it is not built.
    Never raises: an unexpected error is reported as an internal error of this pack file.
    """
    outcome = BuildOutcome(deps={str(file.resolve()): None})
    try:
        return _work(file, outcome, cache, parallel)
    except Exception as exc:  # a bug, not the user's fault: report it and go on
        outcome.files = {}
        outcome.problems.append(Problem(Pos(display(file)), _("internal error while making the pack: {error}").format(
            error=f"{type(exc).__name__}: {exc}"), _("please report it with this pack file")))
        return outcome


def _work(file: Path, outcome: BuildOutcome, cache: dict | None, parallel: bool) -> BuildOutcome:
    request, outcome.problems = read_declaration(file, outcome.deps)
    if request is None:
        return outcome
    made = make(request, cache=cache, parallel=parallel)
    outcome.problems += made.problems
    outcome.deps.update(made.deps)
    if failed(made.fiche_problems):
        bad = sorted({p.pos.path for p in made.fiche_problems if p.severity == "error"})
        outcome.problems.append(Problem(request.origin, _n("{name} is not built: {sources} has errors",
                                                           "{name} is not built: {sources} have errors",
                                                           len(bad)).format(name=f"pack-{request.name}.pdf",
                                                                            sources=", ".join(bad)),
                                        _("run worksheet-gen check {sources}").format(sources=" ".join(bad))))
    if made.data is not None:
        outcome.files = {output(request.name, Path()).name: made.data}
    return outcome


def _whole(value) -> int | None:
    """A whole number as YAML text (the loader keeps values as written), or None."""
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 6 else None  # '²' is a digit to isdigit

