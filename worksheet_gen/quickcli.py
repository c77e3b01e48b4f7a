"""The commonest command lines, `build` and `pack` with their options, read without importing click.

click and the definitions of every command cost about 30 ms of each run, more than half of a no-op build.
A command line of `build` or `pack` and their options is read here, to the same values as click's reading
of it (tests/test_quickcli.py compares both on many lines); anything else (another command, --help,
--lang, a short option glued to its value, a value click would refuse, a path click or the command would
refuse as wrong usage) is left to click, with its messages and exit code 2.
"""

from __future__ import annotations

import errno
import os
import stat
import sys

try:
    import _signal  # what the signal module wraps, already loaded: importing signal itself costs about 1 ms
except ImportError:  # pragma: no cover - another Python than CPython
    import signal as _signal

INTERRUPTED = 130  # the exit code of a command ended by Ctrl-C, as the shell gives one killed by it (128 + SIGINT)
interrupted = False  # Ctrl-C was pressed: the command ends with INTERRUPTED, whatever it was doing
TERMINATED = 143  # ended by SIGTERM (128 + 15): silently, after the same cleanup as Ctrl-C's
terminated = False
_said_memory = False  # the lack of memory is said once

_COMMON = {"-q": ("verbosity", -1), "--quiet": ("verbosity", -1), "-v": ("verbosity", 1),
           "--verbose": ("verbosity", 1)}
# For each command read here: its defaults, its flags (option: (parameter, value)), its options that take a
# value (option: (parameter, kind)), and the parameter its arguments go to.
COMMANDS = {
    "build": ({"paths": (), "sources_dir": "sources", "out_dir": "build", "profile": None, "jobs": None,
               "force": False, "check_only": False, "form": False, "shard": None, "fmt": "text"},
              {"--force": ("force", True), "--check": ("check_only", True), "--form": ("form", True)},
              {"--sources": ("sources_dir", "folder"), "--out": ("out_dir", "out"), "--profile": ("profile", "profile"),
               "--jobs": ("jobs", "jobs"), "-j": ("jobs", "jobs"), "--shard": ("shard", "shard"),
               "--format": ("fmt", "format")},
              "paths"),
    "pack": ({"fiches": (), "copies": None, "roster": None, "name": None, "classe": "", "date": "",
              "date_on_cover_only": False, "sources_dir": "sources", "out_dir": "build", "single_sided": False,
              "group_by": "student", "no_cover": False, "profile": None, "fmt": "text"},
             {"--date-on-cover-only": ("date_on_cover_only", True), "--single-sided": ("single_sided", True),
              "--no-cover": ("no_cover", True)},
             {"--copies": ("copies", "copies"), "--roster": ("roster", "file"), "--name": ("name", "text"),
              "--class": ("classe", "text"), "--date": ("date", "text"), "--sources": ("sources_dir", "folder"),
              "--out": ("out_dir", "out"), "--group-by": ("group_by", "group"), "--profile": ("profile", "profile"),
              "--format": ("fmt", "format")},
             "fiches"),
}
_REFUSED = object()  # a value click would refuse: click is left to say so


def parse(args: list[str]) -> tuple[str, dict, int] | None:
    """The command, its parameters and the verbosity that args give, as click reads them; None if click must
    read them."""
    if not args or args[0] not in COMMANDS or sys.platform == "win32" or any(
            name.endswith("_COMPLETE") for name in os.environ):
        return None  # another command; Windows, where click expands wildcards; shell completion asking
    defaults, flags, values, arguments = COMMANDS[args[0]]
    params = dict(defaults)
    first = {}  # where -q and -v were first given: click runs their callbacks in that order
    given = []
    rest = args[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in _COMMON and not eq:
            first.setdefault(_COMMON[name][1], i)
        elif name in flags and not eq:
            params[flags[name][0]] = flags[name][1]
        elif name in values:
            if not eq:
                i += 1
                value = rest[i] if i < len(rest) else ""
            if not value or value.startswith("-"):
                return None
            params[values[name][0]] = _value(values[name][1], value)
            if params[values[name][0]] is _REFUSED:
                return None
        elif arg.startswith("-"):
            return None  # --help, --lang, -qv, -j2, --, an unknown option: click's to read and to answer
        else:
            given.append(arg)
        i += 1
    params[arguments] = tuple(given)
    if arguments == "fiches" and not given or not all(map(_readable, params.get("paths", ()))):
        return None  # pack needs a fiche (click says so)
    if arguments == "paths" and (given and any(map(missing, given)) or not given and missing(params["sources_dir"])):
        return None  # wrong usage, said by click
    if not _apart(params):
        return None  # wrong usage, said by click
    verbosity = max(first, key=first.get) if first else 0
    return args[0], params, verbosity


def _value(kind: str, value: str) -> object:
    """An option's value as click converts it, or _REFUSED. (What each kind needs is imported for it alone: the
    roster module, for one, costs 5 ms.)"""
    if kind in ("jobs", "copies"):
        if kind == "copies":
            from .roster import MAX_COPIES
        whole = int(value) if value.isascii() and value.isdigit() else 0
        return whole if whole >= 1 and (kind == "jobs" or whole <= MAX_COPIES) else _REFUSED
    if kind == "shard":
        from .tree import shard

        return shard(value) or _REFUSED
    if kind in ("profile", "format", "group"):
        from .profiles import NAMES
        from .report import FORMATS

        choices = {"profile": NAMES, "format": FORMATS, "group": ("student", "fiche")}[kind]
        return value if value in choices else _REFUSED
    if kind == "out":  # the folder written to: a name places refuses is click's to say
        return value if _readable(value) else _REFUSED
    if kind in ("folder", "file"):
        return value if _readable(value, folder=kind == "folder", file=kind == "file") else _REFUSED
    return value


def run(args: list[str]) -> int | None:
    """The exit code of the command args ask for, when parse() reads them; None otherwise (click's to read)."""
    read = parse(args)
    if read is None:
        return None
    from . import report
    from .errors import WorksheetError

    command, params, report.verbosity = read
    try:
        if command == "build":
            from . import tree

            return tree.build(params.pop("paths"), params.pop("sources_dir"), params.pop("out_dir"), **params)
        from . import packcmd

        try:
            return packcmd.run(**params)
        except packcmd.Usage:  # raised before anything is made: click reads the line again and says it
            return None
    except WorksheetError as exc:
        exc.show()
        report.failure(exc, params.get("fmt", "text"))
        return exc.exit_code
    except KeyboardInterrupt:  # as click says it, with the exit code of an interrupted command
        return aborted()
    except OSError as exc:
        if exc.errno != errno.EPIPE:  # the reader of the output went away: click leaves with 1, silently
            raise
        return 1


def _apart(params: dict) -> bool:
    """Whether the output folder (the default one too) is one places takes: no file stands in its place, and for
    build it is apart from the folders of fiches."""
    from . import places

    out = params["out_dir"]
    if places.refused(out, "folder") is not None or places.blocked(out, "folder") is not None:
        return False
    return "paths" not in params or places.mixed(
        out, places.read_folders(params["paths"], params["sources_dir"])) is None


def _readable(path: str, folder: bool = False, file: bool = False) -> bool:
    """Whether click.Path() takes path (file_okay=False with folder, dir_okay=False with file): missing, or
    readable and of the right kind."""
    try:
        st = os.stat(path)
    except OSError:
        return True
    except ValueError:
        return False
    wrong = stat.S_ISREG(st.st_mode) if folder else stat.S_ISDIR(st.st_mode) if file else False
    return not wrong and os.access(path, os.R_OK)


def missing(path: str) -> bool:
    """Whether nothing has that name (a name too long or unreadable is the command's to report, at its place)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    return False


def missing_message(paths) -> str | None:
    """« no such file or folder: 'a', 'b' » for the paths given that do not exist; None when all do."""
    from .errors import escaped
    from .i18n import _, render

    gone = [p for p in paths if missing(p)]
    if not gone:
        return None
    return render(_("no such file or folder: {names}").format(names=", ".join(escaped(repr(p)) for p in gone)))


def guard() -> None:
    """From the first line of the package on, while the console script imports what entry() needs: Ctrl-C ends
    the process at once with exit code 130 (nothing is begun, nothing to say), and a lack of memory is one line,
    never a traceback."""
    _signal.signal(_signal.SIGINT, _quit)
    sys.excepthook = _uncaught


def _quit(signum, frame) -> None:
    os._exit(INTERRUPTED)


def _interrupt(signum, frame) -> None:
    """Ctrl-C while a command runs: KeyboardInterrupt, which its cleanup sees (a temporary file removed, the
    workers stopped); the exit code will be 130 even if the command ends otherwise (watch returns 0)."""
    global interrupted
    interrupted = True
    raise KeyboardInterrupt


def _terminate(signum, frame) -> None:
    """SIGTERM while a command runs (a CI timeout, `kill`, a service manager): the cleanup of Ctrl-C (the workers
    killed, stopped ones too; temporary files removed), then exit code 143, saying nothing (stderr is let go)."""
    global terminated
    terminated = True
    _signal.signal(_signal.SIGTERM, _signal.SIG_IGN)  # a second one would cut the cleanup short
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    except OSError:
        pass
    raise KeyboardInterrupt


def _uncaught(kind, exc, tb) -> None:
    """sys.excepthook: a lack of memory (or Ctrl-C) said in one line; anything else, a bug, as Python says it."""
    if isinstance(exc, KeyboardInterrupt):
        os._exit(TERMINATED if terminated else INTERRUPTED)
    if not _memory(exc):
        return sys.__excepthook__(kind, exc, tb)
    os._exit(out_of_memory())


def _memory(exc: BaseException) -> bool:
    """Whether exc comes from a lack of memory: a MemoryError; the SystemError a C function raises when its own
    allocation failed (a MemoryError as its cause or context, or none at all: « error return without exception set »);
    a compiled module that could not be mapped."""
    while exc is not None:
        if isinstance(exc, MemoryError):
            return True
        if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:  # the system's own refusal (listing a folder…)
            return True
        if isinstance(exc, ImportError):  # the words of the system's loader (glibc's)
            return "failed to map segment" in str(exc) or "annot allocate memory" in str(exc)
        if not isinstance(exc, SystemError):
            return False
        said = str(exc)  # CPython's own words (not a message of this tool)
        if "without exception set" in said or "without setting an exception" in said:
            return True  # a C function that failed without saying why: at the edge of memory, the exception's own
            # allocation failed
        exc = exc.__cause__ or exc.__context__
    return False


def aborted() -> int:
    """« Aborted! » on stderr, as click says it, after the terminal's ^C; the exit code of an interrupted command
    (143 and nothing said after SIGTERM). A second Ctrl-C from here on ends the process at once."""
    _signal.signal(_signal.SIGINT, _quit)
    if terminated:
        return TERMINATED
    from .i18n import _, render, wished
    from .terminal import echo

    echo("", err=True)
    echo(render(_("Aborted!"), lang=wished(sys.argv[1:])), err=True)  # the command's --lang, ended with it
    return INTERRUPTED


def out_of_memory() -> int:
    """One line on stderr saying that memory ran out (in English if even its translation cannot be loaded), also
    on stdout with --format json or github; exit code 1. Said once, however many times memory runs out while the
    command ends."""
    global _said_memory
    if _said_memory:
        return 1
    _said_memory = True
    lang = None
    try:
        from .i18n import _, render, wished

        lang = wished(sys.argv[1:])
        text = render(_("not enough memory to go on: close other programs and try again"), lang=lang)
    except (MemoryError, SystemError):
        text = "not enough memory"
    try:
        os.write(2, text.encode("utf-8", "replace") + b"\n")
    except OSError:  # no stderr (2>&-)
        pass
    try:  # and on stdout in the format asked for: a CI job reading it gets a document
        from . import report

        report.out_of_memory(report.requested(sys.argv[1:]), lang)
    except (MemoryError, SystemError, ImportError, OSError):
        pass
    return 1


def entry() -> None:
    """The worksheet-gen command: a quick command line read here, any other by click; then leave at once, the
    output flushed, without tearing the interpreter down (freeing every object of a build costs about 30 ms,
    and nothing is left to write). Ctrl-C ends it with exit code 130, a lack of memory with one line and 1."""
    _signal.signal(_signal.SIGINT, _interrupt)
    _signal.signal(_signal.SIGTERM, _terminate)
    sys.excepthook = _uncaught  # also when started as `python -m worksheet_gen`, which guard() did not see
    from . import terminal

    terminal.lenient()  # a French message on an output in a Windows code page
    try:
        code = _command(sys.argv[1:])
    except KeyboardInterrupt:  # before a command's own handler, or after it
        code = aborted()
    except (MemoryError, SystemError, ImportError, OSError) as exc:
        if not _memory(exc):
            raise
        code = out_of_memory()
    if terminated:  # said by nothing
        code = TERMINATED
    elif interrupted:  # said by the command (« Aborted! »), whatever code it ended with: `watch` stops so
        code = INTERRUPTED
    _signal.signal(_signal.SIGINT, _quit)  # from here, Ctrl-C only skips what is left: flushing the output
    _leave(code)


def _command(args: list[str]) -> int:
    """The exit code of the command args ask for, read here or by click."""
    from . import quickre

    quickre.install()
    code = run(args)
    if code is not None:
        return code
    from .cli import main

    try:
        main()
        return 0
    except OSError as exc:  # click's own echo (--help, --version) into a full disk
        from .terminal import gone

        gone(sys.stdout, exc)
        return 1
    except SystemExit as exc:  # how click ends every command
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1


def _leave(code: int) -> None:
    """Flush the output, say a failure to write it, and end the process with code."""
    from . import quickre, terminal

    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: started without one (`>&-`)
                stream.flush()
        except OSError as exc:
            terminal.gone(stream, exc)
        except ValueError:  # closed
            pass
    if terminal.lost is not None:  # the output was lost, not for want of a reader: said, and exit code 1
        from .errors import os_reason
        from .i18n import _, render

        terminal.echo(render(_("cannot write the output: {reason}").format(reason=os_reason(terminal.lost))),
                      err=True)
        code = code or 1
    try:
        quickre.save()  # a cache: at the edge of memory it is left as it was, silently
    except (MemoryError, SystemError, OSError):
        pass
    os._exit(code)
