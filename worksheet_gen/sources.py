"""Find source files and turn one into a validated fiche (no rendering, no writing)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .chars import described, invisible
from .errors import CANNOT_READ, CHECK_READABLE, NOT_REGULAR, Pos, Problem, os_reason
from .i18n import _

SUFFIXES = (".yaml", ".yml")  # compared without case: pix.YAML is a source too
PACK_SUFFIXES = (".pack.yaml", ".pack.yml")  # pack declarations (docs/format.md), not fiches


def is_source(path: Path) -> bool:
    """Whether a file name is one of a source (a fiche or a pack file): *.yaml or *.yml, any case."""
    return path.name.lower().endswith(SUFFIXES)


def hidden(name: str) -> bool:
    """Whether a file in a folder is left out of a build: hidden (« .… »: the ``._pix.yaml`` a Mac writes on a USB
    key or a network share, an editor's lock) or an office lock file (« ~$… »)."""
    return name.startswith((".", "~$"))


def is_pack(path: Path) -> bool:
    """Whether a source file declares a class pack rather than a fiche."""
    return path.name.lower().endswith(PACK_SUFFIXES)


def pack_name(path: Path) -> str:
    """The name of the pack a pack file declares: classe-4b.pack.yaml declares pack-classe-4b.pdf."""
    return path.name[: -len(next(s for s in PACK_SUFFIXES if path.name.lower().endswith(s)))]


def display(path: Path) -> str:
    """The path as the user should see it in messages: relative to the working directory when inside it, or
    when it was given relative (« ../fiches/a.yaml »); an absolute one outside it as it is (« /tmp/x/a.pdf »,
    not « ../../../tmp/x/a.pdf »)."""
    try:
        shown = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    if os.path.isabs(path) and (shown == os.pardir or shown.startswith(os.pardir + os.sep)):
        return str(path)
    return shown


def _in_folder(path: Path, folder: Path) -> Problem | None:
    """Why a source found in folder is not read, if it is not: not a regular file, or a link out of the folder."""
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
        inside = folder.resolve() in path.resolve().parents
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        return Problem(Pos(display(path), 1, 1), CANNOT_READ.format(reason=os_reason(exc)),
                       _('check that it exists and is readable'))
    if not regular:
        return Problem(Pos(display(path), 1, 1), _('not a regular file (a folder, a pipe or a device): it is not read'),
                       _('rename it or move it out of the sources folder'))
    if not inside and not _lexically_in(path, folder):  # a name holding '..': no link involved
        return Problem(Pos(display(path), 1, 1), _("this file is outside the sources folder: it is not read"),
                       _("name a fiche of the sources folder by its file name without .yaml, or give the path of "
                         "its source (….yaml)"))
    if not inside:
        return Problem(Pos(display(path), 1, 1), _('this file is a link to a file outside the sources folder: it is not read'),
                       _('copy the file into the sources folder, or name it on the command line'))
    return None


def badly_named(path: Path, pos: Pos) -> Problem | None:
    """Why a source is not read because of its file name, if it is not: a control, invisible or direction
    character there (ESC, a line break, U+202E…) would name its PDFs and act on every terminal that lists them."""
    hidden = next((ch for ch in path.name if invisible(ch)), None)
    if hidden is None:
        return None
    return Problem(pos, _("the file name holds a control or invisible character, {char}: it is not read").format(
        char=described(hidden)), _("rename the file, with letters, digits, spaces and '-'"))


def _lexically_in(path: Path, folder: Path) -> bool:
    """Whether path, as written (its '..' taken away, no link followed), is in folder."""
    inside, written = os.path.abspath(folder), os.path.abspath(path)  # abspath normalizes: '..' taken away
    return os.path.commonpath([inside, written]) == inside


def by_name(name: str, folder: Path) -> tuple[Path | None, Problem | None]:
    """The source of the fiche called name in folder (name.yaml, .yml, in any case), if there is one to read;
    or why the one there is not read (a pipe, a link to a file outside the folder)."""
    for suffix in SUFFIXES + tuple(s.upper() for s in SUFFIXES):
        path = folder / f"{name}{suffix}"
        if os.path.lexists(path) and not is_pack(path):
            problem = _in_folder(path, folder)
            return (path, None) if problem is None else (None, problem)
    return None, None


def _named(paths: tuple[str, ...], default_dir: Path) -> tuple[list[Path], list[Problem]]:
    """The files paths name, and the sources (*.yaml, *.yml) each named folder (default_dir when none)
    holds, sorted; and a problem for each name that is neither, and each source of a folder not read."""
    found, problems = [], []
    for raw in paths or (str(default_dir),):
        p = Path(raw)
        try:
            mode = p.stat().st_mode
            entries = sorted(p.iterdir()) if stat.S_ISDIR(mode) else []
        except FileNotFoundError:
            problems.append(Problem(Pos(raw), _("no such file or folder")))
            continue
        except OSError as exc:  # a name too long, a folder that cannot be listed…
            problems.append(Problem(Pos(raw), CANNOT_READ.format(reason=os_reason(exc)), CHECK_READABLE))
            continue
        for q in entries:
            if not is_source(q) or hidden(q.name):
                continue
            problem = badly_named(q, Pos(display(q), 1, 1)) or _in_folder(q, p)
            found += [q] if problem is None else []
            problems += [problem] if problem else []
        if stat.S_ISREG(mode):
            problem = badly_named(p, Pos(raw))
            found += [p] if problem is None else []
            problems += [problem] if problem else []
        elif not stat.S_ISDIR(mode):
            problems.append(Problem(Pos(raw), NOT_REGULAR, _("give the name of a source file")))
    return _once(found, problems)


def _once(found: list[Path], problems: list[Problem]) -> tuple[list[Path], list[Problem]]:
    """Each source once: another spelling of a path already found is left out; another name of a file already
    found (a link) is an error on the link, since both names would write PDFs of their own while the
    manifest records the file once (each build then removed the other name's PDFs)."""
    kept, first = [], {}
    for path in found:
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # said when it is read
            kept.append(path)
            continue
        other = first.setdefault(real, path)
        if other is path:
            kept.append(path)
        elif other.name != path.name:
            link, target = (other, path) if other.is_symlink() and not path.is_symlink() else (path, other)
            if link is other:  # the file under its own name is the one built
                kept[kept.index(other)] = first[real] = path
            problems.append(Problem(Pos(display(link), 1, 1), _("this is a link to {target}, a source of this build: "
                                                                 "it is built once, under its own name").format(
                target=display(target)), _("delete the link, or copy the file to make a fiche of its own")))
    return kept, problems


def find(paths: tuple[str, ...], default_dir: Path) -> tuple[list[Path], list[Problem]]:
    """The source files named by paths (files or folders), or found in default_dir; and why others are not read."""
    found, problems = _named(paths, default_dir)
    return [p for p in found if not is_pack(p)], problems


def find_packs(paths: tuple[str, ...], default_dir: Path) -> list[Path]:
    """The pack files (*.pack.yaml) named by paths (files or folders), or found in default_dir."""
    return [p for p in _named(paths, default_dir)[0] if is_pack(p)]


def in_shard(paths: list[Path], shard: tuple[int, int] | None) -> list[Path]:
    """The sources shard (K, N) builds: the K-th of every N, in the order of their paths as displayed (sorted,
    so every runner of a CI matrix agrees whatever order it found them in); all of them when shard is None."""
    if shard is None:
        return list(paths)
    k, n = shard
    ordered = sorted(paths, key=lambda p: Path(display(p)).as_posix())
    return [p for i, p in enumerate(ordered) if i % n == k - 1]


def load_fiche(path: Path, root: Path | None = None, profile: str | None = None):
    """Read, parse and validate one source: (fiche or None, problems).

    The fiche's text is also checked against the font of the profile it will be built
    in: ``profile`` when given, else the one the source names.
    """
    from . import quickre

    quickre.load()  # before the modules that compile most patterns
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
        problems += profiles.font_problems(fiche, profiles.choose(profile, fiche.profile), getattr(raw, "source", ()))
    if fiche is None or any(p.severity == "error" for p in problems):
        return None, problems
    return fiche, problems
