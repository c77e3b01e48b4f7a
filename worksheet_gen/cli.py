"""The worksheet-gen command line: parse options, delegate, report. Nothing else."""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__
from .errors import Problem, WorksheetError
from .profiles import NAMES as PROFILE_NAMES


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
@click.option("--profile", type=click.Choice(PROFILE_NAMES), default=None,
              help="Layout profile (default: the one each source names, else standard); "
                   "dys and large write <slug>-eleve-<profile>.pdf.")
def build(paths: tuple[str, ...], sources_dir: str, out_dir: str, profile: str | None) -> None:
    """Build the student sheet and the corrigé of each source."""
    from . import build as builder
    from .sources import find

    files, problems = find(paths, Path(sources_dir))
    result = builder.build(files, Path(out_dir), root=Path(sources_dir) if not paths else None, profile=profile)
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
    _report(problems)
    errors = sum(p.severity == "error" for p in problems)
    if errors:
        raise SystemExit(1)
    click.echo(f"{len(files)} source(s) OK")


__all__ = ["main", "WorksheetError"]
