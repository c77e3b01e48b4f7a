"""Read a class list (CSV as school software exports it) into students, or report every problem."""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from pathlib import Path

from . import chars, files, fonts
from .errors import CHECK_READABLE, Pos, Problem, folded, os_reason
from .i18n import Msg, _
from .quickdc import dataclass

MAX_BYTES = 1024 * 1024  # a roster of 500 students takes about 20 KiB
MAX_COPIES = 500  # copies in one pack: --copies, copies: in a pack file, and the students of a roster
MAX_REPORTED = 50  # roster problems reported one by one, then counted
MAX_NAME = 200  # characters of a Nom, Prénom or Classe, and of the class or date given to a pack: four lines of a field
SEPARATORS = (";", ",", "\t")
QUOTE = '"'
# Header names each column is recognised by, compared without case, accents, spaces or punctuation.
COLUMNS = {
    "nom": ("nom", "noms", "nomdefamille", "nomdusage", "nomeleve", "nomdeleleve", "surname", "lastname"),
    "prenom": ("prenom", "prenoms", "premierprenom", "prenomeleve", "prenomdeleleve", "firstname"),
    "classe": ("classe", "division", "class"),
    "profil": ("profil", "profile", "amenagement", "amenagements", "adaptation", "version"),
}
LABELS = {"nom": "Nom", "prenom": "Prénom", "classe": "Classe", "profil": "Profil"}
# What a teacher may write in the Profil column, compared like header names; empty means the pack's default.
PROFILE_WORDS = {
    "standard": "standard", "normal": "standard", "aucun": "standard", "non": "standard", "none": "standard",
    "dys": "dys", "dyslexie": "dys", "dyslexique": "dys", "dyspraxie": "dys",
    "large": "large", "grandscaracteres": "large", "groscaracteres": "large", "malvoyant": "large",
    "basservision": "large", "lowvision": "large",
}
_HINT = _("export the class list as CSV (« CSV UTF-8 » or « CSV (séparateur : point-virgule) »)")
_QUOTE_OPEN = _("a quote opened here is never closed")
_COLUMNS = _("the first line must name the columns, e.g. Nom;Prénom;Classe")
ROSTER = _("roster")


@dataclass(frozen=True)
class Student:
    """One line of the roster; other columns are kept, by header, in ``extra``."""

    nom: str
    prenom: str
    classe: str
    pos: Pos
    extra: tuple[tuple[str, str], ...] = ()
    profile: str = ""  # a profile name (profiles.NAMES), or "" for the pack's default

    @property
    def label(self) -> str:
        """« DUPONT Léa (4e B) », as bookmarks and page labels show the student."""
        name = f"{self.nom} {self.prenom}"
        return f"{name} ({self.classe})" if self.classe else name


def shown(ch: str) -> str:
    """A character for a message: « 'é' (U+00E9) », or only its code when printing it would be invisible or
    would act on the terminal."""
    code = f"U+{ord(ch):04X}"
    return f"'{ch}' ({code})" if ch.isprintable() and not ch.isspace() and not chars.invisible(ch) else code


def clip(text: str, limit: int) -> str:
    """A cell for a message: at most limit characters (then « … »), anything invisible shown as �."""
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def key(header: str) -> str:
    """A header name without case, accents, spaces or punctuation: « Prénom(s) » → « prenoms »."""
    text = unicodedata.normalize("NFKD", header).casefold()
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


def read_file(path: Path, name: str, *, limit: int, what: Msg) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file of at most limit bytes, measured before a byte is read (files.read),
    or a problem saying why not, in the words of what the file is (« roster », « pack file »)."""
    try:
        return files.read(path, limit), []
    except files.TooLarge as exc:
        message, hint = _("the {what} is too large ({size} bytes, at most {limit})").format(
            what=what, size=exc.size, limit=limit), ""
    except files.NotAFile:
        message = (_("the {what} is a folder, not a file") if os.path.isdir(path) else
                   _("the {what} is not a regular file (a pipe, device or socket cannot be read)")).format(what=what)
        hint = ""
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        message = _("cannot read the {what}: {reason}").format(what=what,
                                                               reason=os_reason(exc))
        hint = CHECK_READABLE
    return None, [Problem(Pos(name, 1, 1), message, hint)]


def decode(name: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """The roster's text: UTF-8 (with or without BOM), else Windows-1252, the same for every line; or why
    it cannot be read. No byte of the file is quoted: it may not be a roster at all."""
    start = Pos(name, 1, 1)
    if len(data) > MAX_BYTES:
        return None, [Problem(start, _("the {what} is too large ({size} bytes, at most {limit})").format(
            what=ROSTER, size=len(data), limit=MAX_BYTES))]
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return None, [Problem(start, _("this is a spreadsheet file, not a CSV text file"), _HINT)]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(start, _("the roster is UTF-16 text"), _HINT)]
    bom = data.startswith(b"\xef\xbb\xbf")
    lines = data[3 if bom else 0:].split(b"\n")
    if b"\0" in data:
        n = next(i for i, line in enumerate(lines) if b"\0" in line)
        return None, [Problem(Pos(name, n + 1, lines[n].index(b"\0") + 1), _("the roster is not a text file "
                                                                                        "(it holds a zero byte)"), _HINT)]
    found = "utf-8" if bom else None  # the encoding of the file, from its BOM or its first line with an accent
    first = 0
    text = []
    for n, line in enumerate(lines):
        if line.isascii():
            text.append(line.decode("ascii"))
            continue
        col = next(i for i, byte in enumerate(line) if byte > 0x7F) + 1  # the bytes before it are ASCII
        try:
            text.append(line.decode("utf-8"))
            encoding = "utf-8"
        except UnicodeDecodeError:
            try:
                text.append(line.decode("cp1252"))
            except UnicodeDecodeError as exc:
                return None, [Problem(Pos(name, n + 1, exc.start + 1), _("byte 0x{byte} is neither "
                                      "UTF-8 nor Windows-1252").format(byte=f"{line[exc.start]:02x}"), _HINT)]
            encoding = "cp1252"
        if found is None:
            found, first = encoding, n + 1
        elif encoding != found:
            names = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}
            since = _("line {line}").format(line=first) if first else _("its BOM")
            return None, [Problem(Pos(name, n + 1, col), _("this line is in {encoding} but the file is in "
                                                           "{other} ({since}): its accented letters would print "
                                                           "wrongly").format(encoding=names[encoding],
                                                                             other=names[found], since=since),
                                  _("save the whole file again in one encoding, « CSV UTF-8 » for instance"))]
    return "\n".join(text), []


class _Lines:
    """The physical lines of a text as csv.reader takes them, counted, with where the last record began."""

    def __init__(self, text: str):
        self.source = io.StringIO(text, newline="")  # splits at \n, \r and \r\n only, as an editor counts
        self.taken: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.source)
        self.taken.append(line)
        return line


def _starts(raw: str, sep: str) -> tuple[list[int], int | None]:
    """Where each cell of one record starts in its raw text, as csv reads it (a quote opens a quoted
    cell only at the start of a cell); and where a quote left open at the end was opened."""
    starts, state, opened = [0], "start", None
    for i, ch in enumerate(raw):
        if state == "start" and ch == QUOTE:
            state, opened = "quoted", i
        elif state in ("start", "field", "closed") and ch == sep:
            starts.append(i + len(sep))
            state = "start"
        elif state == "quoted" and ch == QUOTE:
            state = "closed"
        elif state == "closed":
            state = "quoted" if ch == QUOTE else "field"  # "" in quotes; else text after the closing quote
        elif state == "start":
            state = "field"
    return starts, opened if state == "quoted" else None


@dataclass(frozen=True)
class Record:
    """One record of the CSV text as the csv module reads it, with where each of its cells starts."""

    name: str
    first: int  # its first line, from 1
    raw: str  # its text, line ends included
    starts: tuple[int, ...]  # where each cell starts in raw
    values: tuple[str, ...]  # each cell, its runs of white space made one space

    def at(self, offset: int) -> Pos:
        """The line and column of an offset into raw."""
        before = self.raw[:offset]
        breaks = [i for i, ch in enumerate(before) if ch == "\n" or (ch == "\r" and self.raw[i + 1:i + 2] != "\n")]
        return Pos(self.name, self.first + len(breaks), offset - (breaks[-1] + 1 if breaks else 0) + 1)

    def cell(self, index: int) -> tuple[Pos, str]:
        """A cell's place and value; for a cell the line lacks, the end of the line and ''."""
        if index < len(self.values):
            return self.at(self.starts[index]), self.values[index]
        return self.at(len(self.raw.rstrip("\r\n"))), ""

    def char(self, index: int, ch: str) -> Pos:
        """Where a character of a cell is."""
        return self.at(max(self.raw.find(ch, self.starts[index]), self.starts[index]))


def records(name: str, text: str, sep: str):
    """Each record of a CSV text (the csv module, Excel's dialect with this separator) that holds
    something; raises _Broken for a quote never closed, or a cell csv cannot take."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=sep, quotechar=QUOTE, doublequote=True, strict=False)
    at = 0  # lines taken before the current record
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a cell over the csv module's size limit, the only error it raises here
            raw = "".join(lines.taken[at:])
            record = Record(name, at + 1, raw, (0,), ())
            opened = _starts(raw, sep)[1]
            if opened is not None:  # a quote left open swallowed the lines after it
                raise _Broken(record.at(opened), _QUOTE_OPEN) from exc
            raise _Broken(record.at(0), _("a cell of this line is longer than {limit} characters").format(
                limit=csv.field_size_limit())) from exc
        raw = "".join(lines.taken[at:])
        starts, opened = _starts(raw, sep)
        record = Record(name, at + 1, raw, tuple(starts), tuple(folded(v) for v in values))
        at = len(lines.taken)
        if opened is not None:
            raise _Broken(record.at(opened), _QUOTE_OPEN)
        if any(record.values):
            yield record


class _Broken(Exception):
    def __init__(self, pos: Pos, message: Msg):
        super().__init__(str(message))
        self.pos, self.message = pos, message


def parse(name: str, text: str) -> tuple[tuple[Student, ...], list[Problem]]:
    """Students of a roster's text, in roster order, and every problem found."""
    head = next((line for line in io.StringIO(text, newline="") if line.strip()), None)
    if head is None:
        return (), [Problem(Pos(name, 1, 1), _("the roster is empty"), _COLUMNS)]
    sep, columns, twice = _header(head)
    students, problems, seen = [], [], {}
    try:
        rows = records(name, text, sep)
        header = next(rows)
        if "nom" not in columns or "prenom" not in columns:  # not a roster: nothing of it is quoted
            missing = [lbl for c, lbl in (("nom", "Nom"), ("prenom", "Prénom")) if c not in columns]
            message = (_("no '{column}' column in the header line").format(column=missing[0]) if len(missing) == 1
                       else _("no '{column}' and '{other}' column in the header line").format(column=missing[0],
                                                                                               other=missing[1]))
            return (), [Problem(Pos(name, header.first, 1), message, _COLUMNS)]
        if twice:  # which one holds what the teacher meant cannot be told
            return (), [Problem(header.cell(index)[0], _("two columns are the {column} column: '{name}' and "
                                                         "'{other}'").format(
                column=LABELS[column], name=clip(header.values[columns[column]], 40),
                other=clip(header.values[index], 40)), _("keep one of them, or rename the other"))
                for column, index in twice.items()]
        for record in rows:
            student, more = _student(record, columns, header.values)
            problems += more
            if student is None:
                continue
            if len(students) == MAX_COPIES:
                problems.append(Problem(student.pos, _("the roster has more than {limit} students, the most "
                                                       "copies one pack makes").format(limit=MAX_COPIES),
                                        _("split the class list into several rosters")))
                break
            same = (key(student.nom), key(student.prenom), key(student.classe))
            if same in seen:
                problems.append(Problem(student.pos, _("{name} is listed twice (also line {line})").format(
                    name=clip(student.label, 60), line=seen[same]), severity="warning"))
            seen.setdefault(same, record.first)
            students.append(student)
    except _Broken as exc:
        problems.append(Problem(exc.pos, exc.message, _("close it, or remove the quote")
                                if exc.message is _QUOTE_OPEN else _HINT))
    if not students and not problems:
        problems.append(Problem(Pos(name, header.first, 1), _("the roster has no student"),
                                _("add one line per student under the header line")))
    if len(problems) > MAX_REPORTED:
        more = len(problems) - MAX_REPORTED + 1
        problems = problems[:MAX_REPORTED - 1] + [Problem(problems[MAX_REPORTED - 1].pos,
                                                          _("{count} more problems in the roster").format(
                                                              count=more), _HINT)]
    return tuple(students), problems


def from_bytes(name: str, data: bytes) -> tuple[tuple[Student, ...], list[Problem]]:
    """Students of a roster's bytes, and every problem found."""
    text, problems = decode(name, data)
    if text is None:
        return (), problems
    return parse(name, text)


def read(path: Path, name: str | None = None) -> tuple[tuple[Student, ...], list[Problem]]:
    """Read (measured first: see read_file) and parse one roster file."""
    name = name or str(path)
    data, problems = read_file(path, name, limit=MAX_BYTES, what=ROSTER)
    if data is None:
        return (), problems
    return from_bytes(name, data)


def _header(line: str) -> tuple[str, dict[str, int], dict[str, int]]:
    """The separator, the index of each known column, and the index of a second column of the same kind
    (« Profil » and « Profile »): the separator that finds most known columns wins."""
    best = (SEPARATORS[0], {}, {})
    for sep in sorted(SEPARATORS, key=line.count, reverse=True):
        columns: dict[str, int] = {}
        twice: dict[str, int] = {}
        try:
            cells = next(csv.reader([line], delimiter=sep, quotechar=QUOTE, strict=False), [])
        except csv.Error:
            cells = []
        for index, cell in enumerate(cells):
            for column, names in COLUMNS.items():
                if key(cell) in names:
                    (twice if column in columns else columns).setdefault(column, index)
        if len(columns) > len(best[1]):
            best = (sep, columns, twice)
    return best


def _student(record: Record, columns: dict, headers: tuple):
    """The student of one record, or the problems that keep it from being one."""
    problems = []

    def cell(column: str) -> tuple[Pos, str]:
        index = columns.get(column)
        return record.cell(len(record.values) if index is None else index)

    extra = [i for i in range(len(headers), len(record.values)) if record.values[i]]
    if extra:
        problems.append(Problem(record.cell(extra[0])[0], _("this line has {count} fields but the header line "
                                                            "has {expected}").format(count=len(record.values),
                                                                                     expected=len(headers)),
                                _("put a name that contains the separator in double quotes")))
    for column, label in (("nom", "Nom"), ("prenom", "Prénom")):
        pos, value = cell(column)
        if not value:
            problems.append(Problem(pos, _("the {column} is missing").format(column=label),
                                    _("each line needs a Nom and a Prénom; delete the line if it is not a student")))
    for column in ("nom", "prenom", "classe"):
        pos, value = cell(column)
        if len(value) > MAX_NAME:  # checked before anything is laid out: no name is that long
            problems.append(Problem(pos, _("the {column} is too long ({count} characters, at most {limit})").format(
                column=LABELS[column], count=len(value), limit=MAX_NAME),
                _("a quote is probably misplaced, or the cell holds more than a name")))
            continue
        bad = next((ch for ch in value if chars.invisible(ch)), None) or fonts.missing(value)
        if bad is not None:
            invisible = chars.invisible(bad)
            problems.append(Problem(record.char(columns[column], bad), (
                _("the character {char} is invisible") if invisible else
                _("the character {char} cannot be printed with the embedded font")).format(char=shown(bad)),
                _("delete it: it often comes from copying a name out of another program") if invisible
                else _("replace it with a letter the font has")))
        run = chars.stacked(value)
        if run:
            problems.append(Problem(record.char(columns[column], run[0]), _(
                "{count} accents are stacked on one letter, at most {limit}").format(count=len(run),
                                                                                    limit=chars.MAX_MARKS),
                _("delete the extra accents")))
    pos, word = cell("profil")
    profile = PROFILE_WORDS.get(key(word), "?") if word else ""
    if profile == "?":
        problems.append(Problem(pos, _("unknown profile '{word}'").format(word=clip(word, 40)),
                                _("write standard, dys or large, or leave the cell empty; see docs/profiles.md")))
    if problems:
        return None, problems
    known = set(columns.values())
    rest = tuple((h, v) for i, (h, v) in enumerate(zip(headers, record.values)) if i not in known and h)
    return Student(cell("nom")[1], cell("prenom")[1], cell("classe")[1], Pos(record.name, record.first, 1), rest,
                   profile), []
