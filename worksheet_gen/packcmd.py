"""What `pack` does once its command line is read: check the request, make the pack, write it, report.

Both readers of a command line call it: click's (cli.py) and the quick one (quickcli.py). Wrong usage is
raised as :class:`Usage`, which cli.py shows as click's usage errors (exit code 2).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import report
from .errors import Pos, Problem, WorksheetError
from .i18n import _, render
from .terminal import echo, on_terminal


class Usage(Exception):
    """Wrong usage: a message and the option it is about (None: the command line as a whole)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


def run(fiches: tuple[str, ...], copies: int | None, roster: str | None, name: str | None, classe: str, date: str,
        date_on_cover_only: bool, sources_dir: str, out_dir: str, single_sided: bool, group_by: str, no_cover: bool,
        profile: str | None, fmt: str) -> int:
    """Make and write one pack; the exit code of `pack`. Raises Usage before anything is made."""
    from . import packs
    from .build import default_jobs
    from .manifest import epoch_problem
    from .output import not_a_folder
    from .quickcli import missing, missing_message
    from .sources import display

    if (copies is None) == (roster is None):
        raise Usage(render(_("give either --copies N or --roster FILE")))
    if roster is not None and (not roster or missing(os.path.expanduser(roster))):  # anywhere: ~/classe.csv
        raise Usage(missing_message([roster]), "--roster")
    if missing(sources_dir):
        raise Usage(missing_message([sources_dir]), "--sources")
    if name == "":
        raise Usage(render(_("an empty name is not a file: give the pack a name, or leave --name out")), "--name")
    if epoch_problem():
        raise WorksheetError(epoch_problem())
    paths, problems = packs.resolve(fiches, Path(sources_dir))
    if problems:
        raise Usage(report.escaped("\n".join(p.text() for p in problems)))
    name = name or packs.default_name(Path(roster) if roster else None, paths)
    if not packs.NAME.match(name):
        raise Usage(render(_("{name}: use letters, digits, '-', '_' or '.'").format(
            name=report.escaped(repr(name)))), "--name")
    owner = _owner(f"pack-{name}.pdf", Path(out_dir))
    if owner:
        raise Usage(render(_("{source} already writes {name}: give the pack another name").format(
            source=owner, name=f"pack-{name}.pdf")), "--name")
    blocked = not_a_folder(Path(out_dir))
    if blocked is not None:  # /dev/null, a file: said before anything is made
        raise WorksheetError(Problem(Pos(display(blocked)), _("the output folder cannot be made: a file stands in "
                                                              "its place"),
                                     _("give --out a folder, or a name that is free")))
    request = packs.Request(name=name, fiches=paths, copies=copies or 0,
                            roster=Path(roster).expanduser() if roster else None,
                            classe=classe, date=date, date_on_copies=not date_on_cover_only, duplex=not single_sided,
                            by_student=group_by == "student",
                            cover=not no_cover, profile=profile)
    try:
        outcome = packs.make(request, progress=lambda total: progress(total, f"pack-{name}.pdf"),
                             parallel=default_jobs() > 1)
    except KeyboardInterrupt:  # Ctrl-C: a CI job reading stdout still gets its document (« Aborted! » follows)
        report.interrupted(fmt, pack=None)
        raise
    except Exception as exc:  # a bug, not the user's fault: one clear line, never a traceback
        from .quickcli import _memory

        if _memory(exc):  # not a bug: said as every command says it (« not enough memory to go on »)
            raise
        raise WorksheetError(_("internal error while making {name}: {error} (please report it with the fiches and "
                               "roster)").format(name=f"pack-{name}.pdf", error=f"{type(exc).__name__}: {exc}")
                             ) from exc
    found = outcome.problems + outcome.fiche_problems
    if fmt != "json":
        report.problems(found, fmt)
    path = None if outcome.data is None else packs.write(outcome.data, name, Path(out_dir))
    if fmt == "json":
        echo(report.document(found, pack=None if path is None else str(path), pages=outcome.pages))
    elif path is not None:
        report.say(_("wrote {path} ({pages} pages, {size} KiB)").format(
            path=path, pages=outcome.pages, size=len(outcome.data) // 1024), fmt)
    return 1 if path is None else 0


def progress(total: int, label: str = "pack"):
    """A progress bar on stderr when it is a terminal (and -q was not given); nothing otherwise."""
    import contextlib

    from .packs import _Silent

    if on_terminal() and report.verbosity >= 0:
        import click  # only on a terminal

        return click.progressbar(length=total, label=label, file=sys.stderr)
    return contextlib.nullcontext(_Silent())


def _owner(name: str, out_dir: Path) -> str | None:
    """The source whose build wrote a file of that name into out_dir (as the manifest says), if one does."""
    from .manifest import Manifest
    from .owners import recorded
    from .sources import display

    owner = recorded(Manifest.load(out_dir), []).owner(name)
    return display(owner) if owner else None
