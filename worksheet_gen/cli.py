"""The worksheet-gen command line: parse options, delegate, report. Nothing else."""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__, report
from .errors import WorksheetError
from .profiles import NAMES as PROFILE_NAMES
from .report import FORMATS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="worksheet-gen")
def main() -> None:
    """Print-ready worksheets and their answer keys (corrigés) from YAML sources."""


_FORMAT = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                       help="How problems are printed: text, json, or github (workflow annotations).")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help="Folder of sources, used when no PATHS are given.")
@click.option("--out", "out_dir", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Folder the PDFs are written to.")
@click.option("--profile", type=click.Choice(PROFILE_NAMES), default=None,
              help="Layout profile (default: the one each source names, else standard); "
                   "dys and large write <slug>-eleve-<profile>.pdf.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Fiches rendered in parallel processes.  [default: the number of CPUs]")
@click.option("--force", is_flag=True, help="Rebuild every output, even those up to date.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 listing the outputs that are missing or would change.")
@_FORMAT
def build(paths: tuple[str, ...], sources_dir: str, out_dir: str, profile: str | None, jobs: int | None, force: bool,
          check_only: bool, fmt: str) -> None:
    """Build the student sheet and the corrigé of each source (only those out of date)."""
    from . import build as builder
    from .sources import find

    files, problems = find(paths, Path(sources_dir))
    options = {"profile": profile} if profile else {}
    with report.Progress(len(files), fmt, label="Checking" if check_only else "Building") as progress:
        result = builder.build(files, Path(out_dir), root=Path(sources_dir) if not paths else None,
                               jobs=jobs or builder.default_jobs(), force=force, check=check_only, options=options,
                               progress=progress)
    result.problems += problems
    report.finish(result, fmt)
    raise SystemExit(result.exit_code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--sources", "sources_dir", default="sources", show_default=True, type=click.Path(file_okay=False),
              help="Folder of sources, used when no PATHS are given.")
@click.option("--profile", type=click.Choice(PROFILE_NAMES), default=None,
              help="Also check that the font of this profile can print every character.")
@_FORMAT
def check(paths: tuple[str, ...], sources_dir: str, profile: str | None, fmt: str) -> None:
    """Validate sources without writing anything."""
    from .sources import find, load_fiche

    files, problems = find(paths, Path(sources_dir))
    for path in files:
        problems += load_fiche(path, Path(sources_dir) if not paths else None, profile)[1]
    errors = sum(p.severity == "error" for p in problems)
    if fmt == "json":
        click.echo(report.document(problems, sources=len(files)))
    else:
        report.problems(problems, fmt)
        if not errors:
            click.echo(f"{len(files)} source(s) OK")
    if errors:
        raise SystemExit(1)


__all__ = ["main", "WorksheetError"]
