"""Read a class list (CSV as school software exports it) into students, or report every problem."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import fonts
from .errors import Pos, Problem

MAX_BYTES = 1024 * 1024
SEPARATORS = (";", ",", "\t")
# Header names each column is recognised by, compared without case, accents, spaces or punctuation.
COLUMNS = {
    "nom": ("nom", "noms", "nomdefamille", "nomdusage", "nomeleve", "nomdeleleve", "surname", "lastname"),
    "prenom": ("prenom", "prenoms", "premierprenom", "prenomeleve", "prenomdeleleve", "firstname"),
    "classe": ("classe", "division", "class"),
    "profil": ("profil", "profile", "amenagement", "amenagements", "adaptation", "version"),
}
# What a teacher may write in the Profil column, compared like header names; empty means the pack's default.
PROFILE_WORDS = {
    "standard": "standard", "normal": "standard", "aucun": "standard", "non": "standard", "none": "standard",
    "dys": "dys", "dyslexie": "dys", "dyslexique": "dys", "dyspraxie": "dys",
    "large": "large", "grandscaracteres": "large", "groscaracteres": "large", "malvoyant": "large",
    "basservision": "large", "lowvision": "large",
}
_LINES = re.compile(r"\r\n|\r|\n")


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


class _Unclosed(Exception):
    def __init__(self, col: int):
        self.col = col


def shown(ch: str) -> str:
    """A character for a message: « 'é' (U+00E9) », or only its code when printing it would be invisible or
    would act on the terminal."""
    code = f"U+{ord(ch):04X}"
    return f"'{ch}' ({code})" if ch.isprintable() and not ch.isspace() else code


def key(header: str) -> str:
    """A header name without case, accents, spaces or punctuation: « Prénom(s) » → « prenoms »."""
    text = unicodedata.normalize("NFKD", header).casefold()
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


def decode(name: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """The roster's text: UTF-8 (with or without BOM), else Windows-1252; or why it cannot be read."""
    start = Pos(name, 1, 1)
    hint = "export the class list as CSV (« CSV UTF-8 » or « CSV (séparateur : point-virgule) »)"
    if len(data) > MAX_BYTES:
        return None, [Problem(start, f"the roster is too large ({len(data)} bytes, at most {MAX_BYTES})")]
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return None, [Problem(start, "this is a spreadsheet file, not a CSV text file", hint)]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(start, "the roster is UTF-16 text", hint)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(Pos(name, line, col), f"byte 0x{data[exc.start]:02x} is neither UTF-8 nor Windows-1252",
                              hint)]
    return text, []


def split(line: str, sep: str) -> list[tuple[int, str]]:
    """The cells of one CSV line with the column (from 1) each starts at; double quotes protect separators."""
    cells, i, n = [], 0, len(line)
    while True:
        start = i
        value = ""
        if line[i:i + 1] == '"':
            j = i + 1
            while True:
                k = line.find('"', j)
                if k < 0:
                    raise _Unclosed(start + 1)
                value += line[j:k]
                if line[k + 1:k + 2] == '"':
                    value += '"'
                    j = k + 2
                    continue
                i = k + 1
                break
        end = line.find(sep, i)
        end = n if end < 0 else end
        value += line[i:end]
        cells.append((start + 1, " ".join(value.split())))
        if end >= n:
            return cells
        i = end + len(sep)


def parse(name: str, text: str) -> tuple[tuple[Student, ...], list[Problem]]:
    """Students of a roster's text, in roster order, and every problem found."""
    lines = _LINES.split(text)
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    if not numbered:
        return (), [Problem(Pos(name, 1, 1), "the roster is empty", "the first line must name the columns, "
                                                                     "e.g. Nom;Prénom;Classe")]
    head_no, head = numbered[0]
    sep, columns = _header(head)
    if "nom" not in columns or "prenom" not in columns:
        found = ", ".join(f"« {c[:30]} »" for _, c in (_cells(head, sep) or [])[:6])
        missing = " and ".join(f"'{lbl}'" for c, lbl in (("nom", "Nom"), ("prenom", "Prénom")) if c not in columns)
        return (), [Problem(Pos(name, head_no, 1), f"no {missing} column in the header line (found: {found})",
                            "the first line must name the columns, e.g. Nom;Prénom;Classe")]
    headers = [c for _, c in _cells(head, sep)]
    students, problems, seen = [], [], {}
    for number, line in numbered[1:]:
        try:
            cells = split(line, sep)
        except _Unclosed as exc:
            problems.append(Problem(Pos(name, number, exc.col), "a quote opened here is never closed",
                                    "close it, or remove the quote"))
            continue
        if not any(value for _, value in cells):
            continue
        student, more = _student(name, number, line, cells, columns, headers)
        problems += more
        if student is None:
            continue
        same = (key(student.nom), key(student.prenom), key(student.classe))
        if same in seen:
            problems.append(Problem(student.pos, f"{student.label} is listed twice (also line {seen[same]})",
                                    severity="warning"))
        seen.setdefault(same, number)
        students.append(student)
    if not students and not problems:
        problems.append(Problem(Pos(name, head_no, 1), "the roster has no student",
                                "add one line per student under the header line"))
    return tuple(students), problems


def read(path: Path, name: str | None = None) -> tuple[tuple[Student, ...], list[Problem]]:
    """Read and parse one roster file."""
    name = name or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return (), [Problem(Pos(name), f"cannot read the roster: {exc.strerror}")]
    text, problems = decode(name, data)
    if text is None:
        return (), problems
    return parse(name, text)


def _cells(line: str, sep: str) -> list[tuple[int, str]] | None:
    try:
        return split(line, sep)
    except _Unclosed:
        return None


def _header(line: str) -> tuple[str, dict[str, int]]:
    """The separator and the index of each known column: the separator that finds Nom and Prénom wins."""
    best = (SEPARATORS[0], {})
    for sep in sorted(SEPARATORS, key=line.count, reverse=True):
        columns: dict[str, int] = {}
        for index, (_, cell) in enumerate(_cells(line, sep) or []):
            for column, names in COLUMNS.items():
                if key(cell) in names:
                    columns.setdefault(column, index)
        if len(columns) > len(best[1]):
            best = (sep, columns)
    return best


def _student(name: str, number: int, line: str, cells, columns: dict, headers: list):
    problems = []
    end = len(line) + 1

    def cell(column: str) -> tuple[int, str]:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else (end, "")

    extra = [(c, v) for (c, v) in cells[len(headers):] if v]
    if extra:
        problems.append(Problem(Pos(name, number, extra[0][0]),
                                f"this line has {len(cells)} fields but the header line has {len(headers)}",
                                "put a name that contains the separator in double quotes"))
    for column, label in (("nom", "Nom"), ("prenom", "Prénom")):
        col, value = cell(column)
        if not value:
            problems.append(Problem(Pos(name, number, col), f"the {label} is missing",
                                    "each line needs a Nom and a Prénom; delete the line if it is not a student"))
    for column in ("nom", "prenom", "classe"):
        col, value = cell(column)
        bad = fonts.missing(value)
        if bad is not None:
            problems.append(Problem(Pos(name, number, col + line[col - 1:].find(bad)),
                                    f"the character '{bad}' (U+{ord(bad):04X}) cannot be printed with the "
                                    "embedded font", "replace it with a letter the font has"))
    col, word = cell("profil")
    profile = PROFILE_WORDS.get(key(word), "?") if word else ""
    if profile == "?":
        problems.append(Problem(Pos(name, number, col), f"unknown profile « {word[:40]} »",
                                "write standard, dys or large (or leave the cell empty); see docs/profiles.md"))
    if problems:
        return None, problems
    known = set(columns.values())
    rest = tuple((h, v) for i, (h, (_, v)) in enumerate(zip(headers, cells)) if i not in known and h)
    return Student(cell("nom")[1], cell("prenom")[1], cell("classe")[1], Pos(name, number, 1), rest, profile), []
