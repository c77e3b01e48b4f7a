"""The worksheet-gen command line: parse options, delegate, report. Nothing else."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import __version__, report
from .clitext import Group, Option
from .errors import CANNOT_WRITE, Pos, Problem, WorksheetError
from .i18n import N_, _, _n, render
from .profiles import NAMES as PROFILE_NAMES
from .report import FORMATS
from .roster import MAX_COPIES


option = functools.partial(click.option, cls=Option)  # help texts are English msgids, shown translated


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Print-ready worksheets and their answer keys (corrigés) from YAML sources."))
@click.version_option(__version__, prog_name="worksheet-gen", cls=Option, help=N_("Show the version and exit."))
def main() -> None:
    """Print-ready worksheets and their answer keys (corrigés) from YAML sources."""


_FORMAT = option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                 help=N_("How problems are printed: text, json, or github (workflow annotations)."))


@main.command(help=N_("Build the student sheet and the corrigé of each source (only those out of date)."))
@click.argument("paths", nargs=-1, type=click.Path())
@option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help=N_("Folder of sources, used when no PATHS are given."))
@option("--out", "out_dir", default="build", show_default=True, type=click.Path(file_okay=False),
              help=N_("Folder the PDFs are written to."))
@option("--profile", type=click.Choice(PROFILE_NAMES), default=None,
              help=N_("Layout profile (default: the one each source names, else standard); "
                   "dys and large write <slug>-eleve-<profile>.pdf."))
@option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=N_("Fiches rendered in parallel processes.  [default: the number of CPUs]"))
@option("--force", is_flag=True, help=N_("Rebuild every output, even those up to date."))
@option("--check", "check_only", is_flag=True,
              help=N_("Write nothing; exit 1 listing the outputs that are missing or would change."))
@option("--form", is_flag=True, help=N_("Also write the fillable PDF of each fiche, <slug>-formulaire.pdf "
                                            "(docs/forms.md)."))
@_FORMAT
def build(paths: tuple[str, ...], sources_dir: str, out_dir: str, profile: str | None, jobs: int | None, force: bool,
          check_only: bool, form: bool, fmt: str) -> None:
    """Build the student sheet and the corrigé of each source (only those out of date)."""
    from . import build as builder
    from .sources import find, find_packs

    files, problems = find(paths, Path(sources_dir))
    options = {"profile": profile} if profile else {}
    if form:
        options["form"] = True
    pack_files = [] if profile else find_packs(paths, Path(sources_dir))
    with report.Progress(len(files) + len(pack_files), fmt, label=report.CHECKING if check_only else report.BUILDING) as progress:
        result = builder.build(files, Path(out_dir), root=Path(sources_dir) if not paths else None,
                               jobs=jobs or builder.default_jobs(), force=force, check=check_only, options=options,
                               packs=pack_files, progress=progress)
    result.problems += problems
    report.finish(result, fmt)
    raise SystemExit(result.exit_code)


@main.command(help=N_("Validate sources without writing anything."))
@click.argument("paths", nargs=-1, type=click.Path())
@option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help=N_("Folder of sources, used when no PATHS are given."))
@option("--profile", type=click.Choice(PROFILE_NAMES), default=None,
              help=N_("Also check that the font of this profile can print every character."))
@_FORMAT
def check(paths: tuple[str, ...], sources_dir: str, profile: str | None, fmt: str) -> None:
    """Validate sources without writing anything."""
    from .sources import find, load_fiche

    files, problems = find(paths, Path(sources_dir))
    for path in files:
        problems += load_fiche(path, Path(sources_dir) if not paths else None, profile)[1]
    checked, more = _check_packs(paths, sources_dir)
    problems += more
    errors = sum(p.severity == "error" for p in problems)
    if fmt == "json":
        click.echo(report.document(problems, sources=len(files) + checked))
    else:
        report.problems(problems, fmt)
        if not errors:
            click.echo(render(_("{count} source(s) OK").format(count=len(files) + checked)))
    if errors:
        raise SystemExit(1)


def _check_packs(paths: tuple[str, ...], sources_dir: str) -> tuple[int, list]:
    """How many packs are declared in the sources (*.pack.yaml), and the problems of them and their rosters."""
    from .sources import find_packs

    files = find_packs(paths, Path(sources_dir))
    if not files:
        return 0, []
    from . import packs

    return len(files), packs.check_declared(files)


def _progress(total: int, label: str):
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    import contextlib

    from .packs import _Silent

    if sys.stderr.isatty():
        return click.progressbar(length=total, label=label, file=sys.stderr)
    return contextlib.nullcontext(_Silent())


def _owner(name: str, out_dir: Path) -> str | None:
    """The source whose build wrote a file of that name into out_dir (as the manifest says), if one does."""
    from .manifest import Manifest
    from .owners import recorded
    from .sources import display

    owner = recorded(Manifest.load(out_dir), []).owner(name)
    return display(owner) if owner else None


@main.command(help=N_("Build one print-ready pack: cover, the students' copies, then each corrigé once."))
@click.argument("fiches", nargs=-1, required=True)
@option("--copies", type=click.IntRange(1, MAX_COPIES), help=N_("Number of anonymous copies (at most {limit})."),
        help_values={"limit": MAX_COPIES})
@option("--roster", type=click.Path(dir_okay=False), help=N_("Class list (CSV): one copy per student, named "
                                                             "(at most {limit})."), help_values={"limit": MAX_COPIES})
@option("--name", help=N_("Name of the pack: build/pack-NAME.pdf (default: the roster's or the fiches' names)."))
@option("--class", "classe", default="", help=N_("Class printed on the cover (and on copies if the roster has none)."))
@option("--date", default="", help=N_("Date of the session, on the cover and in the Date field of every copy, "
                                         "e.g. 2025-03-14."))
@option("--date-on-cover-only", is_flag=True, help=N_("Print the date on the cover only, not on the copies."))
@option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help=N_("Folder of the fiches."))
@option("--out", "out_dir", default="build", show_default=True, type=click.Path(file_okay=False),
              help=N_("Folder the pack is written to."))
@option("--single-sided", is_flag=True, help=N_("Print on one side: no blank pages."))
@option("--group-by", type=click.Choice(["student", "fiche"]), default="student", show_default=True,
              help=N_("Keep each student's fiches together, or all copies of a fiche together."))
@option("--no-cover", is_flag=True, help=N_("Leave out the teacher's cover page."))
@option("--profile", type=click.Choice(PROFILE_NAMES), default=None,
              help=N_("Version of the copies whose student has no Profil in the roster (default: each fiche's own)."))
def pack(fiches: tuple[str, ...], copies: int | None, roster: str | None, name: str | None, classe: str, date: str,
         date_on_cover_only: bool, sources_dir: str, out_dir: str, single_sided: bool, group_by: str, no_cover: bool,
         profile: str | None) -> None:
    """Build one print-ready pack: cover, the students' copies, then each corrigé once."""
    from . import packs
    from .build import default_jobs

    if (copies is None) == (roster is None):
        raise click.UsageError(render(_("give either --copies N or --roster FILE")))
    from .manifest import epoch_problem

    if epoch_problem():
        raise WorksheetError(epoch_problem())
    paths, problems = packs.resolve(fiches, Path(sources_dir))
    if problems:
        raise click.UsageError(report.escaped("\n".join(p.text() for p in problems)))
    name = name or packs.default_name(Path(roster) if roster else None, paths)
    if not packs.NAME.match(name):
        raise click.BadParameter(render(_("{name}: use letters, digits, '-', '_' or '.'").format(
            name=report.escaped(repr(name)))), param_hint="--name")
    owner = _owner(f"pack-{name}.pdf", Path(out_dir))
    if owner:
        raise click.BadParameter(render(_("{source} already writes {name}: give the pack another name").format(
            source=owner, name=f"pack-{name}.pdf")), param_hint="--name")
    from .output import not_a_folder
    from .sources import display

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
        outcome = packs.make(request, progress=lambda total: _progress(total, f"pack-{name}.pdf"),
                             parallel=default_jobs() > 1)
    except Exception as exc:  # a bug, not the user's fault: one clear line, never a traceback
        raise WorksheetError(_("internal error while making {name}: {error} (please report it with the fiches and "
                               "roster)").format(name=f"pack-{name}.pdf", error=f"{type(exc).__name__}: {exc}")
                             ) from exc
    report.problems(outcome.problems + outcome.fiche_problems, "text")
    if outcome.data is None:
        raise SystemExit(1)
    path = packs.write(outcome.data, name, Path(out_dir))
    click.echo(report.line(render(_("wrote {path} ({pages} pages, {size} KiB)").format(
        path=path, pages=outcome.pages, size=len(outcome.data) // 1024))))


@main.command(help=N_("Collect filled forms (files, folders, .zip archives) of the fiche SLUG into one table."))
@click.argument("slug")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@option("--out", default=None, help=N_("File to write (default: <slug>-reponses.csv, or .json, in the current "
                                          "folder); '-' prints it."))
@option("--format", "fmt", type=click.Choice(["csv", "json"]), default=None,
              help=N_("csv (for a spreadsheet) or json.  [default: from --out, else csv]"))
@option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help=N_("Folder of the fiches."))
def collect(slug: str, files: tuple[str, ...], out: str | None, fmt: str | None, sources_dir: str) -> None:
    """Collect filled forms (files, folders, .zip archives) of the fiche SLUG into one table."""
    from .build import write_atomic
    from .errors import OutputError, Pos
    from .form import collect as collecting, results

    fiche, problems = collecting.load(slug, Path(sources_dir))
    if fiche is None:
        report.problems(problems, "text")
        raise SystemExit(1)
    fmt = fmt or ("json" if out and out.lower().endswith(".json") else "csv")
    out = out or f"{fiche.slug}-reponses.{fmt}"
    refused = collecting.refused_out(out, fiche.slug, list(files), Path(sources_dir))
    if refused is not None:  # before anything is read
        report.problems([refused], "text")
        raise SystemExit(1)
    rows, problems = collecting.collect(fiche, list(files), exclude=frozenset() if out == "-" else
                                        frozenset({Path(out).resolve()}))
    if not rows:
        report.problems([Problem(Pos(" ".join(files)), _("holds no file to collect"),
                                 _("give the folder or the .zip archive of the forms handed in"))], "text")
        raise SystemExit(1)
    data = (results.to_json if fmt == "json" else results.to_csv)(fiche, rows)
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        try:
            write_atomic(Path(out), data)
        except OSError as exc:
            raise OutputError(Problem(Pos(out), CANNOT_WRITE.format(reason=exc.strerror or str(exc)),
                                      _("check the free space and the permissions of its folder"))) from exc
    report.problems(problems, "text")
    failed = [p for p in problems if p.severity == "error"]  # a warning (a student twice) reads the file
    read = len(rows) - len(failed)
    done = _("printed") if out == "-" else _("wrote {path}").format(path=out)
    said = (_("{done}: {count} form(s) read, {failed} file(s) with a problem") if failed else
            _("{done}: {count} form(s) read")).format(done=done, count=read, failed=len(failed))
    click.echo(report.line(render(said)), err=out == "-")
    if failed:
        raise SystemExit(1)


__all__ = ["main", "WorksheetError"]
