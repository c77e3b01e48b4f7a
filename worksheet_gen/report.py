"""What the commands print: problems as text, JSON or GitHub annotations; build progress and summary.

Everything is printed in the current language (i18n.py); the format around it does not change with it:
``path:line:col: severity: …`` (the severity word translated), GitHub's ``::error file=…::`` commands and
the keys and severity values of the JSON report stay as they are, only the messages and hints are translated.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from .errors import INVISIBLE, Pos, Problem, escaped
from .i18n import Msg, Number, _, _n, render
from .terminal import echo, on_terminal

FORMATS = ("text", "json", "github")
GITHUB_SHOWN = 10  # annotations of one kind GitHub shows per step; the others only stay in the log
_JSON_RAW = re.compile(f"[{INVISIBLE}]")  # what json.dumps leaves raw of the characters escaped() shows
verbosity = 0  # -q: -1, only the problems; -v: 1, also the outputs left up to date
one_line = False  # each JSON document on one line: `watch` prints one per build (JSON Lines)


def say(text: Msg | str, fmt: str = "text", *, err: bool = False) -> None:
    """Print one line of news (what was written, a summary), unless -q was given."""
    if verbosity >= 0:
        echo(line(render(text), fmt), err=err)


def line(text: str, fmt: str = "text") -> str:
    """One printed line with file names as data: a control or direction character (a newline in a file
    name) is shown as its escape; in github format nothing in it is a workflow command (a line starting
    with '::', or holding '##[' anywhere, which GitHub's runner reads as a legacy command)."""
    text = escaped(text)
    if fmt == "github":
        text = text.replace("::", ":%3A").replace("##[", "##%5B")
    return text


def _escape_data(text: str) -> str:
    return escaped(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(problem: Problem) -> str:
    """One problem as a GitHub Actions workflow command: ::error file=…,line=…,col=…::message."""
    command = "error" if problem.severity == "error" else "warning"
    props = {"file": problem.pos.path}
    if problem.pos.line:
        props.update(line=str(problem.pos.line), col=str(problem.pos.col or 1))
    message = problem.text()
    head = ",".join(f"{key}={_escape_property(value)}" for key, value in props.items())
    return f"::{command} {head}::{_escape_data(message)}"


def as_dict(problem: Problem) -> dict:
    """One problem as plain data for JSON; ``key`` names the message whatever the language (its English
    template, the gettext msgid), or is null for a text that is no message of the tool's."""
    return {"file": problem.pos.path, "line": problem.pos.line, "col": problem.pos.col,
            "severity": problem.severity, "message": render(problem.message),
            "hint": render(problem.hint) or None,  # null where there is none
            "key": problem.message.msgid if isinstance(problem.message, Msg) else None}


def problems(items: Iterable[Problem], fmt: str) -> None:
    """Print problems in order: text on stderr, GitHub annotations on stdout (JSON is printed by `document`)."""
    items = sorted(items)
    for problem in items:
        if fmt == "github":
            echo(github(problem))
        elif fmt == "text":
            echo(line(str(problem)), err=True)
    if fmt == "github":
        for kind in ("error", "warning"):
            count = sum((p.severity == "error") == (kind == "error") for p in items)
            if count > GITHUB_SHOWN:
                text = (_("{count} errors in all: GitHub shows {shown} of them; this step's log holds every one, and "
                          "the same command with --format text prints each one with its location")
                        if kind == "error" else
                        _("{count} warnings in all: GitHub shows {shown} of them; this step's log holds every one, and "
                          "the same command with --format text prints each one with its location"))
                echo(f"::notice::{_escape_data(render(text.format(count=count, shown=GITHUB_SHOWN)))}")


def document(items: Iterable[Problem], **fields) -> str:
    """A JSON report: the given fields, counts of errors and warnings, and every problem."""
    items = sorted(items)
    data = {**fields,
            "errors": sum(p.severity == "error" for p in items),
            "warnings": sum(p.severity != "error" for p in items),
            "problems": [as_dict(p) for p in items]}
    return _json(data)


FORMATTED = ("build", "check", "pack", "watch")  # the commands whose --format is one of FORMATS


def requested(args) -> str:
    """The format a command line asks for, read from the line itself (for one click refuses): the last --format
    given to check, build, pack or watch before any '--', when it is one of FORMATS; text otherwise."""
    args = list(args)
    at = next((i for i, arg in enumerate(args) if not arg.startswith("-") and (i == 0 or args[i - 1] != "--lang")),
              None)
    if at is None or args[at] not in FORMATTED:
        return "text"
    fmt, rest = "text", args[at + 1:]
    for i, arg in enumerate(rest):
        if arg == "--":
            break
        value = (rest[i + 1] if arg == "--format" and i + 1 < len(rest) else
                 arg.partition("=")[2] if arg.startswith("--format=") else None)
        fmt = fmt if value is None else value
    return fmt if fmt in FORMATS else "text"


def failure(error, fmt: str) -> None:
    """An error that ends a command (errors.WorksheetError, which says it on stderr), also on stdout in the format
    asked for, as its problems are: a CI job reading stdout finds it there."""
    items = getattr(error, "problems", None) or ([error.msg] if isinstance(error.msg, Problem) else None)
    if items is None:
        usage(render(error.msg), None, fmt, key=error.msg.msgid if isinstance(error.msg, Msg) else None)
    elif fmt == "json":
        echo(document(items))
    elif fmt == "github":
        problems(items, fmt)


def usage(message: str, hint: str | None, fmt: str, key: str | None = None, **fields) -> None:
    """Wrong usage (exit code 2), said on stderr by click, also on stdout in the format asked for: with json, the
    report's document (fields first) with that one error, its file, line and col null; with github, an error
    annotation."""
    if fmt == "json":
        echo(_json({**fields, "errors": 1, "warnings": 0, "problems": [
            {"file": None, "line": None, "col": None, "severity": "error", "message": message, "hint": hint,
             "key": key}]}))
    elif fmt == "github":
        echo(f"::error::{_escape_data(message + (f' ({hint})' if hint else ''))}")


def _json(data: object) -> str:
    """data as the JSON text of a report: characters as they are on a UTF-8 stdout, else every one beyond ASCII
    as a \\u escape (a redirected output on Windows, in its code page: the same data, nothing lost)."""
    from .terminal import complete

    return _json_escaped(json.dumps(data, indent=None if one_line else 2,
                                    ensure_ascii=sys.stdout is None or not complete(sys.stdout)))


INTERRUPTED = _("the build was interrupted before its end")
INTERRUPTED_HINT = _("the PDFs it wrote are whole, the others as they were: run it again")


def interrupted(fmt: str, **fields) -> None:
    """A build stopped by Ctrl-C or SIGTERM (exit code 130, 143), said on stdout in json (a document with
    "interrupted": true and that one error) or github (an error annotation); in text, « Aborted! » on stderr
    says it."""
    usage(render(INTERRUPTED), render(INTERRUPTED_HINT), fmt, key=INTERRUPTED.msgid, **fields, interrupted=True)


def out_of_memory(fmt: str, lang: str | None) -> None:
    """A command that ran out of memory (exit code 1, said on stderr by quickcli), said on stdout in json (when
    its document was not written yet) or github, as interrupted() says a Ctrl-C."""
    from .terminal import written

    if fmt == "github" or (fmt == "json" and id(sys.stdout) not in written):
        message = _("not enough memory to go on: close other programs and try again")
        usage(render(message, lang=lang), None, fmt, key=message.msgid)


def _json_escaped(text: str) -> str:
    """JSON text with each character escaped() shows written as a \\u escape: the same data, nothing raw."""
    def code(m) -> str:
        n = ord(m.group())
        if n > 0xFFFF:  # a surrogate pair, as JSON writes characters beyond the first plane
            n -= 0x10000
            return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"
        return f"\\u{n:04x}"

    return _JSON_RAW.sub(code, text)


BUILDING, CHECKING = _("Building"), _("Checking")
VERBS = {  # what happened to an output, as the build says it (build.py)
    "wrote": _("wrote {path}"),
    "removed": _("removed {path}"),
    "missing": _("missing {path}"),
    "would change": _("would change {path}"),
    "would remove": _("would remove {path}"),
    "waiting for another build writing into": _("waiting for another build writing into {path}…"),
}


class Progress:
    """Follows a build: a progress bar on a terminal when it builds several sources, otherwise one line per
    output as it happens (a bar from 0 to 1 says less than « wrote build/pix-eleve.pdf », and click, which draws
    it, takes 30 ms to import).

    Called with (verb, path): verb "done" marks a finished source; any other verb ("wrote",
    "removed", "missing", …) names what happened to an output.
    """

    def __init__(self, total: int, fmt: str = "text", *, label=BUILDING, tty: bool | None = None):
        self.total, self.fmt, self.label = total, fmt, render(label)
        self.tty = on_terminal() if tty is None else tty
        self.bar = None
        self.later: list[str] = []

    def __enter__(self) -> Progress:
        if self.tty and self.fmt != "json" and self.total > 1 and verbosity >= 0:  # one source: its lines say it
            import click  # only on a terminal: a build whose output is read by a program does not load it

            self.bar = click.progressbar(length=self.total, label=self.label, file=sys.stderr, show_pos=True,
                                         item_show_func=lambda item: item and line(item))
            self.bar.__enter__()
        return self

    def __call__(self, verb: str, path: str) -> None:
        if verbosity < 0 and verb != "done":
            return
        if verb.startswith("waiting"):  # now, whatever the format: the build seems stuck otherwise
            echo(line(render(VERBS.get(verb, verb + " {path}…").format(path=path)), self.fmt), err=True)
        elif verb == "done":
            if self.bar is not None:
                self.bar.update(1, path)
        elif self.fmt == "json":
            pass
        elif self.bar is None:
            echo(line(self.said(verb, path), self.fmt))
        elif verb != "wrote":  # after the bar: what was removed or is out of date
            self.later.append(line(self.said(verb, path), self.fmt))

    @staticmethod
    def said(verb: str, path: str) -> str:
        """« wrote build/pix-eleve.pdf », in the current language."""
        return render(VERBS[verb].format(path=path)) if verb in VERBS else f"{verb} {path}"

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
        for line in self.later:
            echo(line)


def summary(result) -> str:
    """One line: sources up to date and rendered, PDFs written or out of date, failures, time."""
    sources = _n("{n} source", "{n} sources", result.sources)
    pdfs = (_n("{n} PDF out of date", "{n} PDFs out of date", len(result.stale)) if result.check else
            _n("{n} PDF written", "{n} PDFs written", len(result.written)))
    rendered = _n("{n} rendered", "{n} rendered", result.rendered)  # « 1 mise en page », « 2 mises en page »
    line = _("{sources}: {up} up to date, {rendered}; {pdfs}").format(
        sources=sources, up=result.up_to_date, rendered=rendered, pdfs=pdfs)
    if result.removed:
        line = _("{line}, {removed}").format(line=line, removed=_n("{n} removed", "{n} removed", len(result.removed)))
    if result.failures:
        line = _("{line}; {count} failed: {sources}").format(line=line, count=len(result.failures),
                                                             sources=", ".join(sorted(result.failures)))
    return render(_("{line} ({seconds} s)").format(line=line, seconds=Number(result.seconds, ".1f")))


PAPER_SHOWN = 6  # student sheets named in the paper line; the others are summed up


def pdf_pages(path) -> int | None:
    """The page count of a PDF this tool wrote (reportlab writes it in its page tree), or None."""
    import re

    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    m = re.search(rb"/Count (\d+) /Kids", data)
    return int(m.group(1)) if m else None


def paper(result) -> dict[str, int]:
    """The pages of each student sheet the build wrote or left up to date: what one copy costs."""
    out = {}
    for path in sorted(result.written + result.unchanged):
        if "-eleve" in path.name and path.suffix == ".pdf":
            n = pdf_pages(path)
            if n:
                out[path.name] = n
    return out


def paper_line(pages: dict[str, int]) -> str:
    """« paper per copy: pix-eleve.pdf 4 pages = 2 sheets recto-verso, … »."""
    items = [(_("{name} {pages} = {sheets} recto-verso") if n > 1 else _("{name} {pages} = {sheets}")).format(
        name=name, pages=_n("{n} page", "{n} pages", n), sheets=_n("{n} sheet", "{n} sheets", (n + 1) // 2))
        for name, n in list(pages.items())[:PAPER_SHOWN]]
    if len(pages) > PAPER_SHOWN:
        items.append(_("and {count} more").format(count=len(pages) - PAPER_SHOWN))
    return render(_("paper per copy: {items}").format(items=", ".join(render(i) for i in items)))


def stale_problems(result) -> list[Problem]:
    """Each output `build --check` finds missing or out of date, as an error on the source that writes it
    (GitHub shows it on that file); one left by a source removed since, as an error on the PDF itself."""
    from .sources import display

    said = {"missing": _("{path} is missing"), "would change": _("{path} is out of date"),
            "would remove": _("{path} is no longer written by any source")}
    hint = _("run 'worksheet-gen build' and commit the PDFs it writes")
    found = []
    for path, (verb, source) in sorted(result.stale_from.items()):
        if verb == "source removed":
            found.append(Problem(Pos(display(path)), _("this PDF is left over: its source {source} was removed")
                                 .format(source=source), _("run 'worksheet-gen build', which deletes it, and commit "
                                                           "the change")))
        else:
            found.append(Problem(Pos(source), said[verb].format(path=display(path)), hint))
    return found


def finish(result, fmt: str) -> None:
    """Print a build's problems and its summary in the chosen format (with -q, the problems only)."""
    pages = paper(result) if not result.check else {}
    found = result.problems + stale_problems(result)  # what makes the exit code 1, in every format
    if fmt == "json":
        echo(document(found, **result.as_dict(), pages=pages))
        return
    problems(found, fmt)
    if verbosity > 0:
        for path in sorted(result.unchanged):
            echo(line(render(_("up to date {path}").format(path=path)), fmt))
    if pages:
        say(paper_line(pages), fmt)
    say(summary(result), fmt)  # last: the line a CI log ends with
