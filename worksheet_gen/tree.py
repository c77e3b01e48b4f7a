"""What `build` does once its command line is read: find the sources, build them, report, refresh the schema.

Both readers of a command line call it: click's (cli.py) and the quick one of the commonest lines (quickcli.py).
"""

from __future__ import annotations

from pathlib import Path

from . import report
from .i18n import _


def build(paths: tuple[str, ...], sources_dir: str, out_dir: str, *, profile: str | None, jobs: int | None,
          force: bool = False, check_only: bool = False, form: bool = False, shard: tuple[int, int] | None = None,
          fmt: str = "text") -> int:
    """Find the sources, build them and report: the exit code of `build`."""
    from . import build as builder
    from .sources import find, find_packs

    files, problems = find(paths, Path(sources_dir))
    options = {"profile": profile} if profile else {}
    if form:
        options["form"] = True
    pack_files = [] if profile else find_packs(paths, Path(sources_dir))
    try:
        with report.Progress(len(files) + len(pack_files), fmt,
                             label=report.CHECKING if check_only else report.BUILDING) as progress:
            result = builder.build(files, Path(out_dir), root=Path(sources_dir) if not paths else None,
                                   jobs=jobs or builder.default_jobs(), force=force, check=check_only,
                                   options=options, packs=pack_files, progress=progress, shard=shard)
    except KeyboardInterrupt:  # Ctrl-C: a CI job reading stdout still gets its report (« Aborted! » follows)
        report.interrupted(fmt)
        raise
    result.problems += problems
    refused = sorted({p.pos.path for p in problems if p.severity == "error"})  # each a source not even read
    result.failures += refused
    result.sources += len(refused)
    report.finish(result, fmt)
    if not check_only:
        _refresh_schema(paths, sources_dir, fmt)
    return result.exit_code


def shard(value: str) -> tuple[int, int] | None:
    """K and N of 'K/N' when 1 <= K <= N <= 9999 (the slice a CI runner builds), else None."""
    k, _slash, n = value.partition("/")
    if not (k.isascii() and k.isdigit() and n.isascii() and n.isdigit() and 1 <= int(k) <= int(n) <= 9999):
        return None
    return int(k), int(n)


def _refresh_schema(paths: tuple[str, ...], sources_dir: str, fmt: str) -> None:
    """Rewrite the copies of the schema beside the sources built when the installed one differs."""
    from .starter import refresh_schemas

    for path in refresh_schemas(paths, sources_dir):
        if fmt != "json":
            report.say(_("updated {path} (the schema editors read)").format(path=path), fmt)
