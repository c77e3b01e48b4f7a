"""The commonest command lines, `build` with a few options, read without importing click.

click and the definitions of every command cost about 45 ms of each run, as much as a whole no-op build
needs. A command line made only of `build` and the options below is read here, to the same values as
click's reading of it (tests/test_quickcli.py compares both on many lines); anything else (another
command, --help, --lang, a short option glued to its value, an option given a value click would refuse, a
path click or `build` would refuse) returns None, and click reads it, with its messages and exit code 2.
"""

from __future__ import annotations

import errno
import os
import stat
import sys

FLAGS = {"--force": "force", "--check": "check_only", "--form": "form"}
VALUES = {"--sources": "sources_dir", "--out": "out_dir", "--profile": "profile", "--jobs": "jobs", "-j": "jobs",
          "--shard": "shard", "--format": "fmt"}
VERBOSITY = {"-q": -1, "--quiet": -1, "-v": 1, "--verbose": 1}


def parse(args: list[str]) -> tuple[dict, int] | None:
    """The options of `build` and the verbosity that args give, as click reads them; None if click must read
    them."""
    from .profiles import NAMES
    from .report import FORMATS
    from .tree import shard

    if not args or args[0] != "build" or sys.platform == "win32" or any(
            name.endswith("_COMPLETE") for name in os.environ):
        return None  # another command; Windows, where click expands wildcards; shell completion asking
    options = {"paths": [], "sources_dir": "sources", "out_dir": "build", "profile": None, "jobs": None,
               "force": False, "check_only": False, "form": False, "shard": None, "fmt": "text"}
    first = {}  # where -q and -v were first given: click runs their callbacks in that order
    rest = args[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in VERBOSITY and not eq:
            first.setdefault(VERBOSITY[name], i)
        elif name in FLAGS and not eq:
            options[FLAGS[name]] = True
        elif name in VALUES:
            if not eq:
                i += 1
                value = rest[i] if i < len(rest) else ""
            if not value or value.startswith("-"):
                return None
            options[VALUES[name]] = value
        elif arg.startswith("-"):
            return None  # --help, --lang, -qv, -j2, --, an unknown option: click's to read and to answer
        else:
            options["paths"].append(arg)
        i += 1
    if options["profile"] not in (None, *NAMES) or options["fmt"] not in FORMATS:
        return None
    if options["jobs"] is not None:
        if not (options["jobs"].isascii() and options["jobs"].isdigit() and int(options["jobs"]) >= 1):
            return None
        options["jobs"] = int(options["jobs"])
    if options["shard"] is not None:
        options["shard"] = shard(options["shard"])
        if options["shard"] is None:
            return None
    options["paths"] = tuple(options["paths"])
    if not all(map(_readable, options["paths"])) or not all(
            _readable(options[key], folder=True) for key in ("sources_dir", "out_dir")):
        return None
    if options["paths"] and any(map(missing, options["paths"])) or not options["paths"] and missing(
            options["sources_dir"]):
        return None  # wrong usage, said by click
    verbosity = max(first, key=first.get) if first else 0
    return options, verbosity


def run(args: list[str]) -> int | None:
    """The exit code of the build args ask for, when they are a command line parse() reads; None otherwise."""
    read = parse(args)
    if read is None:
        return None
    from . import report, tree
    from .errors import WorksheetError
    from .i18n import _, render
    from .terminal import echo

    options, report.verbosity = read
    paths = options.pop("paths")
    try:
        return tree.build(paths, options.pop("sources_dir"), options.pop("out_dir"), **options)
    except WorksheetError as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:  # as click says it
        echo("", err=True)
        echo(render(_("Aborted!")), err=True)
        return 1
    except OSError as exc:
        if exc.errno != errno.EPIPE:  # the reader of the output went away: click leaves with 1, silently
            raise
        return 1


def _readable(path: str, folder: bool = False) -> bool:
    """Whether click.Path() (file_okay=False with folder) takes path: missing, or readable (and no file)."""
    try:
        st = os.stat(path)
    except OSError:
        return True
    except ValueError:
        return False
    return not (folder and stat.S_ISREG(st.st_mode)) and os.access(path, os.R_OK)


def missing(path: str) -> bool:
    """Whether nothing has that name (a name too long or unreadable is the command's to report, at its place)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    return False


def entry() -> None:
    """The worksheet-gen command: a quick command line read here, any other by click; then leave at once, the
    output flushed, without tearing the interpreter down (freeing every object of a build costs about 30 ms,
    and nothing is left to write)."""
    code = run(sys.argv[1:])
    if code is None:
        from .cli import main

        try:
            main()
            code = 0
        except SystemExit as exc:  # how click ends every command
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
            if not isinstance(exc.code, (int, type(None))):
                print(exc.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)
