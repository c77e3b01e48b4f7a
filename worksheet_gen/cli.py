"""The worksheet-gen command line: parse options, delegate, report. Nothing else."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from . import __version__, places, report
from .clitext import Group, Option
from .errors import CANNOT_WRITE, Pos, Problem, WorksheetError, os_reason
from .i18n import N_, _, _n, render
from .profiles import NAMES as PROFILE_NAMES
from .quickcli import missing as _missing
from .quickcli import missing_message
from .report import FORMATS
from .roster import MAX_COPIES
from .terminal import write_bytes


option = functools.partial(click.option, cls=Option)  # help texts are English msgids, shown translated


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Print-ready worksheets and their answer keys (corrigés) from YAML sources."))
@click.version_option(__version__, prog_name="worksheet-gen", cls=Option, help=N_("Show the version and exit."))
def main() -> None:
    """Print-ready worksheets and their answer keys (corrigés) from YAML sources."""
    report.verbosity = 0  # until the command's -q or -v says otherwise (one process may run several commands)


_FORMAT = option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                 help=N_("How problems are printed: text, json, or github (workflow annotations)."))


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        report.verbosity = -1 if param.name == "quiet" else 1


def _verbosity(command):
    """-q (only the problems) and -v (also what was left as it was) on a command."""
    command = option("-v", "--verbose", is_flag=True, expose_value=False, callback=_set_verbosity,
                     help=N_("Also list the outputs left up to date."))(command)
    return option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_verbosity,
                  help=N_("Print only the problems (errors and warnings)."))(command)


def _existing(paths, hint: str, sources_dir: str | None = None) -> None:
    """Wrong usage (exit code 2) naming every path given that does not exist; for a fiche's name given for its
    path (`build pix`, as pack and collect take it), the path of that fiche in sources_dir."""
    message = missing_message(paths)
    if message:
        from .sources import by_name

        meant = [found for name in paths if sources_dir and os.sep not in name and "/" not in name
                 for found in [by_name(name, Path(sources_dir))[0]] if found is not None]
        if meant:
            message += " " + render(_("(did you mean {paths}? build and check take the paths of the fiches)").format(
                paths=" ".join(str(p) for p in meant)))
        raise click.BadParameter(message, param_hint=hint)


def _place(kind: str, *, written: bool = True):
    """The callback of a parameter naming where a command writes (kind: a key of places.EMPTY): a name that is
    empty (the working folder, silently: never what was meant) or holds a control or invisible character is wrong
    usage (exit code 2), before anything is written; so is a file standing where its folder should be.
    written=False: a place only read, refused when empty."""
    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        problem = None if value is None else places.refused(value, kind, written=written) or (
            places.blocked(value, kind) if written else None)
        if problem is not None:
            raise click.BadParameter(render(problem))
        return value

    return check


def _sources_of(paths: tuple[str, ...], sources_dir: str) -> None:
    """The paths given, or else the sources folder, exist: a missing one is wrong usage."""
    if paths:
        _existing(paths, "PATHS", sources_dir)
    elif _missing(sources_dir) and sources_dir != "sources":  # given with --sources
        import shlex

        raise click.UsageError(render(_("no folder {name} here: check its name, or start one with: worksheet-gen new "
                                        "NAME --sources {folder}").format(name=repr(sources_dir),
                                                                          folder=shlex.quote(sources_dir))))
    elif _missing(sources_dir):
        raise click.UsageError(render(_("no folder {name} here: run worksheet-gen in the folder that holds it, "
                                        "give --sources FOLDER, or start one with: worksheet-gen new NAME").format(
            name=repr(sources_dir))))


def _complete_fiches(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """Shell completion of fiche names: the sources of the --sources folder, by their name without .yaml (only
    those a build reads: a name holding a line break would be offered as two)."""
    from .sources import badly_named, hidden, is_pack, is_source

    folder = Path(ctx.params.get("sources_dir") or "sources")
    try:
        names = sorted({p.stem for p in folder.iterdir()
                        if is_source(p) and not is_pack(p) and not hidden(p.name) and badly_named(p, Pos(p.name)) is None})
    except OSError:
        return []
    taken = set(ctx.params.get("fiches") or ())
    return [click.shell_completion.CompletionItem(n) for n in names if n.startswith(incomplete) and n not in taken]


def _tree(sources_help: str):
    """The arguments of a command that builds a tree: PATHS, --sources (its help: sources_help), --out, --profile."""
    options = (click.argument("paths", nargs=-1, type=click.Path()),
               option("--sources", "sources_dir", default="sources", show_default=True,
                      type=click.Path(file_okay=False), callback=_place("folder", written=False),
                      help=sources_help),
               option("--out", "out_dir", default="build", show_default=True, type=click.Path(),
                      callback=_place("folder"), help=N_("Folder the PDFs are written to.")),
               option("--profile", type=click.Choice(PROFILE_NAMES), default=None,
                      help=N_("Layout profile (default: the one each source names, else standard); "
                              "dys and large write <slug>-eleve-<profile>.pdf.")))

    def apply(command):
        for option in reversed(options):
            command = option(command)
        return command

    return apply


@main.command(help=N_("Build the student sheet and the corrigé of each source (only those out of date)."))
@_tree(N_("Folder of sources, used when no PATHS are given."))
@option("--jobs", "-j", type=click.IntRange(min=1), default=None,
        help=N_("Fiches rendered in parallel processes.  [default: the number of CPUs]"))
@option("--force", is_flag=True, help=N_("Rebuild every output, even those up to date."))
@option("--check", "check_only", is_flag=True,
        help=N_("Write nothing; exit 1 listing the outputs that are missing or would change."))
@option("--form", is_flag=True, help=N_("Also write the fillable PDF of each fiche, <slug>-formulaire.pdf "
                                        "(docs/forms.md)."))
@option("--shard", default=None, metavar="K/N", callback=lambda ctx, param, value: _shard(value),
        help=N_("Build only the K-th of N slices of the sources (by path), with a manifest of its own: one "
                "runner of a CI matrix (docs/ci.md)."))
@_FORMAT
@_verbosity
def build(paths: tuple[str, ...], sources_dir: str, out_dir: str, profile: str | None, jobs: int | None, force: bool,
          check_only: bool, form: bool, shard: tuple[int, int] | None, fmt: str) -> None:
    """Build the student sheet and the corrigé of each source (only those out of date)."""
    raise SystemExit(_build_tree(paths, sources_dir, out_dir, profile=profile, jobs=jobs, force=force,
                                 check_only=check_only, form=form, shard=shard, fmt=fmt))


def _build_tree(paths: tuple[str, ...], sources_dir: str, out_dir: str, **options) -> int:
    """The exit code of `build` (tree.build), once the paths given or the sources folder are found to exist, and
    apart from the output folder."""
    from . import tree

    _sources_of(paths, sources_dir)
    _apart(paths, sources_dir, out_dir)
    return tree.build(paths, sources_dir, out_dir, **options)


def _apart(paths: tuple[str, ...], sources_dir: str, out_dir: str, *, alone: bool = False) -> None:
    """The output folder is not a folder of fiches, nor inside one, nor holds one (with alone, nor the folder of a
    fiche named alone): else wrong usage."""
    problem = places.mixed(out_dir, places.read_folders(paths, sources_dir, alone=alone))
    if problem is not None:
        raise click.BadParameter(render(problem), param_hint="'--out'")


@main.command(help=N_("Build, then build again what each save changes (fiches, pictures, rosters, pack files), "
                      "until Ctrl-C."))
@_tree(N_("Folder of sources, watched when no PATHS are given."))
@option("--form", is_flag=True, help=N_("Also write the fillable PDF of each fiche (docs/forms.md)."))
@option("--debounce", type=click.IntRange(1, 10_000), default=50, show_default=True,
        help=N_("Milliseconds a batch of saves may take before it is built."))
@_FORMAT
def watch(paths: tuple[str, ...], sources_dir: str, out_dir: str, profile: str | None, form: bool, debounce: int,
          fmt: str) -> None:
    """Build, then build again what each save changes (fiches, pictures, rosters, pack files), until Ctrl-C."""
    from .sources import display
    from .watch import Target, roots, run

    target = Target(paths, Path(sources_dir), Path(out_dir), profile)
    missing = [folder for folder in roots(target) if not folder.is_dir()]
    if missing:
        raise WorksheetError(_("{name}: no such folder to watch").format(name=display(missing[0])))
    _apart(paths, sources_dir, out_dir, alone=True)
    report.one_line = fmt == "json"  # stdout: one document per build, a line each (JSON Lines); news on stderr
    raise SystemExit(run(target, lambda: _build_tree(paths, sources_dir, out_dir, profile=profile, jobs=None,
                                                     form=form, fmt=fmt), debounce_ms=debounce,
                         echo=lambda text: click.echo(report.line(text, fmt), err=fmt == "json")))  # names: data


def _shard(value: str | None) -> tuple[int, int] | None:
    """K/N, 1 <= K <= N: the slice a CI runner builds."""
    from .tree import shard

    if value is None:
        return None
    k_n = shard(value)
    if k_n is None:
        raise click.BadParameter(render(_("{value}: give K/N with 1 <= K <= N, e.g. 2/3 for the second of three "
                                          "runners").format(value=f"'{value}'")), param_hint="--shard")
    return k_n


@main.command(help=N_("Validate sources without writing anything."))
@click.argument("paths", nargs=-1, type=click.Path())
@option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help=N_("Folder of sources, used when no PATHS are given."))
@option("--profile", type=click.Choice(PROFILE_NAMES), default=None,
              help=N_("Also check that the font of this profile can print every character."))
@_FORMAT
@_verbosity
def check(paths: tuple[str, ...], sources_dir: str, profile: str | None, fmt: str) -> None:
    """Validate sources without writing anything."""
    from .sources import find, load_fiche

    _sources_of(paths, sources_dir)
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
            report.say(_n("{n} source OK", "{n} sources OK", len(files) + checked), fmt)
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


@main.command(help=N_("Build one print-ready pack: cover, the students' copies, then each corrigé once."))
@click.argument("fiches", nargs=-1, required=True, shell_complete=_complete_fiches)
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
@option("--out", "out_dir", default="build", show_default=True, type=click.Path(),
        callback=_place("folder"), help=N_("Folder the pack is written to."))
@option("--single-sided", is_flag=True, help=N_("Print on one side: no blank pages."))
@option("--group-by", type=click.Choice(["student", "fiche"]), default="student", show_default=True,
        help=N_("Keep each student's fiches together, or all copies of a fiche together."))
@option("--no-cover", is_flag=True, help=N_("Leave out the teacher's cover page."))
@option("--profile", type=click.Choice(PROFILE_NAMES), default=None,
        help=N_("Version of the copies whose student has no Profil in the roster (default: each fiche's own)."))
@_FORMAT
@_verbosity
def pack(fiches: tuple[str, ...], copies: int | None, roster: str | None, name: str | None, classe: str, date: str,
         date_on_cover_only: bool, sources_dir: str, out_dir: str, single_sided: bool, group_by: str, no_cover: bool,
         profile: str | None, fmt: str) -> None:
    """Build one print-ready pack: cover, the students' copies, then each corrigé once."""
    from . import packcmd

    try:
        code = packcmd.run(fiches, copies, roster, name, classe, date, date_on_cover_only, sources_dir, out_dir,
                           single_sided, group_by, no_cover, profile, fmt)
    except packcmd.Usage as usage:
        if usage.hint is None:
            raise click.UsageError(usage.message) from None
        raise click.BadParameter(usage.message, param_hint=usage.hint) from None
    raise SystemExit(code)


@main.command(help=N_("Collect filled forms (files, folders, .zip archives) of the fiche SLUG into one table."))
@click.argument("slug", callback=_place("fiche", written=False))
@click.argument("files", nargs=-1, required=True, type=click.Path())
@option("--out", default=None, callback=_place("table"),
        help=N_("File to write (default: <slug>-reponses.csv, or .json, in the current folder); '-' prints it."))
@option("--format", "fmt", type=click.Choice(["csv", "json"]), default=None,
              help=N_("csv (for a spreadsheet) or json.  [default: from --out, else csv]"))
@option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help=N_("Folder of the fiches."))
@_verbosity
def collect(slug: str, files: tuple[str, ...], out: str | None, fmt: str | None, sources_dir: str) -> None:
    """Collect filled forms (files, folders, .zip archives) of the fiche SLUG into one table."""
    from .build import write_atomic
    from .form import collect as collecting, results

    _existing([sources_dir], "--sources")
    fiche, problems = collecting.load(slug, Path(sources_dir))
    if fiche is None:  # said first: the fiche is what the command is about
        report.problems(problems, "text")
        raise SystemExit(1)
    _existing(files, "FILES")
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
        write_bytes(data)
    else:
        _writing(out, lambda: write_atomic(Path(out), data))
    report.problems(problems, "text")
    failed = [p for p in problems if p.severity == "error"]  # a warning (a student twice) reads the file
    read = len(rows) - len(failed)
    done = _("printed") if out == "-" else _("wrote {path}").format(path=out)
    forms = _n("{n} form read", "{n} forms read", read)
    said = (_("{done}: {forms}, {failed}").format(done=done, forms=forms, failed=_n(
        "{n} file with a problem", "{n} files with a problem", len(failed))) if failed else
            _("{done}: {forms}").format(done=done, forms=forms))
    report.say(said, err=out == "-")
    if failed:
        raise SystemExit(1)


@main.command(help=N_("Write sources/NAME.yaml, a short commented fiche that builds as it is, and the schema "
                      "editors read."))
@click.argument("name")
@option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(),
        callback=_place("folder"), help=N_("Folder of the fiches, created if needed."))
@_verbosity
def new(name: str, sources_dir: str) -> None:
    """Write sources/NAME.yaml, a short commented fiche that builds as it is, and the schema editors read."""
    from . import starter

    slug = starter.slug_of(name)
    problem = starter.name_problem(slug)
    if problem:
        raise click.BadParameter(render(problem), param_hint="NAME")
    taken = starter.taken(slug, Path(sources_dir))
    if taken is not None:  # the name given cannot be used, as a malformed one: wrong usage, nothing written
        raise click.BadParameter(render(_("{path} already exists: give another name, or edit that fiche").format(
            path=taken)), param_hint="NAME")
    path, schema_written = starter.new(slug, Path(sources_dir))
    report.say(_("wrote {path}").format(path=path))
    if schema_written:
        report.say(_("wrote {path} (what editors read to complete and check fiches)").format(
            path=path.parent / starter.SCHEMA_NAME))
    report.say(_("next: edit {path}, then run: worksheet-gen build").format(path=path))


def _writing(out: str, write):
    """write(), a failure said as an error at out (exit code 1); what write() returns."""
    from .errors import OutputError

    try:
        return write()
    except OSError as exc:
        raise OutputError(Problem(Pos(out), CANNOT_WRITE.format(reason=os_reason(exc)),
                                  _("check the free space and the permissions of its folder"))) from exc


@main.command(help=N_("Print the JSON Schema of a fiche (draft-07), which editors use to complete and check sources."))
@option("--out", default=None, callback=_place("file"),
        help=N_("New file to write the schema to, or a schema it wrote before (default, or '-': print it)."))
def schema(out: str | None) -> None:
    """Print the JSON Schema of a fiche (draft-07), which editors use to complete and check sources."""
    from . import starter

    if out is None or out == "-":  # '-' is stdout, as for collect --out
        write_bytes(starter.installed_schema())
        return
    refused = starter.refused_out(Path(out))
    if refused is not None:  # a fiche, a roster, a folder, a pipe, a link: never read, never replaced
        report.problems([Problem(Pos(out), *refused)], "text")
        raise SystemExit(1)
    if _writing(out, lambda: starter.write_schema(Path(out))):
        report.say(_("wrote {path}").format(path=out))



__all__ = ["main", "WorksheetError"]
