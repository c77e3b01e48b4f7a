"""The worksheet-gen command line: parse options, delegate, report. Nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import Problem, WorksheetError


def _report(problems: list[Problem]) -> None:
    for problem in sorted(problems):
        click.echo(str(problem), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="worksheet-gen")
def main() -> None:
    """Print-ready worksheets and their answer keys (corrigés) from YAML sources."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help="Folder of sources, used when no PATHS are given.")
@click.option("--out", "out_dir", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Folder the PDFs are written to.")
def build(paths: tuple[str, ...], sources_dir: str, out_dir: str) -> None:
    """Build the student sheet and the corrigé of each source."""
    from . import build as builder
    from .sources import find

    files, problems = find(paths, Path(sources_dir))
    result = builder.build(files, Path(out_dir), root=Path(sources_dir) if not paths else None)
    result.problems += _declared_packs(paths, sources_dir, out_dir)  # issue 3: sources/*.pack.yaml
    _report(problems + result.problems)
    for path in result.written:
        click.echo(f"wrote {path}")
    if problems or result.failed:
        raise SystemExit(1)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help="Folder of sources, used when no PATHS are given.")
def check(paths: tuple[str, ...], sources_dir: str) -> None:
    """Validate sources without writing anything."""
    from .sources import find, load_fiche

    files, problems = find(paths, Path(sources_dir))
    for path in files:
        problems += load_fiche(path, Path(sources_dir) if not paths else None)[1]
    problems += _declared_packs(paths, sources_dir, None)  # issue 3: sources/*.pack.yaml
    _report(problems)
    errors = sum(p.severity == "error" for p in problems)
    if errors:
        raise SystemExit(1)
    click.echo(f"{len(files)} source(s) OK")


def _declared_packs(paths: tuple[str, ...], sources_dir: str, out_dir: str | None) -> list[Problem]:
    """Check the packs declared in the sources and, given out_dir, build them."""
    from . import packs

    written, problems = packs.build_declared(paths, Path(sources_dir), Path(out_dir) if out_dir else None)
    for path in written:
        click.echo(f"wrote {path}")
    return problems


def _progress(total: int, label: str = "pack"):
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    import contextlib

    from .packs import _Silent

    if sys.stderr.isatty():
        return click.progressbar(length=total, label=label, file=sys.stderr)
    return contextlib.nullcontext(_Silent())


@main.command()
@click.argument("fiches", nargs=-1, required=True)
@click.option("--copies", type=click.IntRange(1, 500), help="Number of anonymous copies.")
@click.option("--roster", type=click.Path(dir_okay=False), help="Class list (CSV): one copy per student, named.")
@click.option("--name", help="Name of the pack: build/pack-NAME.pdf (default: the roster's or the fiches' names).")
@click.option("--class", "classe", default="", help="Class printed on the cover (and on copies if the roster has none).")
@click.option("--date", default="", help="Date of the session printed on the cover, e.g. 2025-03-14.")
@click.option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help="Folder of the fiches.")
@click.option("--out", "out_dir", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Folder the pack is written to.")
@click.option("--single-sided", is_flag=True, help="Print on one side: no blank pages.")
@click.option("--group-by", type=click.Choice(["student", "fiche"]), default="student", show_default=True,
              help="Keep each student's fiches together, or all copies of a fiche together.")
@click.option("--no-cover", is_flag=True, help="Leave out the teacher's cover page.")
def pack(fiches: tuple[str, ...], copies: int | None, roster: str | None, name: str | None, classe: str, date: str,
         sources_dir: str, out_dir: str, single_sided: bool, group_by: str, no_cover: bool) -> None:
    """Build one print-ready pack: cover, the students' copies, then each corrigé once."""
    from . import packs

    if (copies is None) == (roster is None):
        raise click.UsageError("give either --copies N or --roster FILE")
    paths, problems = packs.resolve(fiches, Path(sources_dir))
    if problems:
        raise click.UsageError("\n".join(f"{p.message} ({p.hint})" for p in problems))
    name = name or (Path(roster).stem if roster else "-".join(p.stem for p in paths))
    if not packs.NAME.match(name):
        raise click.BadParameter(f"'{name}': use letters, digits, '-', '_' or '.'", param_hint="--name")
    request = packs.Request(name=name, fiches=paths, copies=copies or 0, roster=Path(roster) if roster else None,
                            classe=classe, date=date, duplex=not single_sided, by_student=group_by == "student",
                            cover=not no_cover)
    outcome = packs.make(request, progress=lambda total: _progress(total, f"pack-{name}.pdf"))
    _report(outcome.problems + outcome.fiche_problems)
    if outcome.data is None:
        raise SystemExit(1)
    path = packs.write(outcome.data, name, Path(out_dir))
    click.echo(f"wrote {path} ({outcome.pages} pages, {len(outcome.data) // 1024} KiB)")


__all__ = ["main", "WorksheetError"]
