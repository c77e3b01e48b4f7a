"""The build manifest: what each output was built from, so an unchanged source is not rebuilt.

``build/.worksheet-gen.json`` maps each source to the sha256 of every file it depends on
(a fiche and its images; a pack file, its roster, its fiches and their images), a fingerprint of the tool (its own files, the versions of the
libraries that shape the bytes, the options, ``SOURCE_DATE_EPOCH``) and the sha256 of the
outputs written. Paths are stored relative to the manifest, so a moved checkout keeps it.
Reading it never imports YAML or reportlab: an up-to-date build only hashes files.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from . import files
from .errors import Pos, Problem, quote, quoted
from .i18n import Msg, _
from .files import sha256_file

NAME = ".worksheet-gen.json"
SHARD_NAME = re.compile(r"\.worksheet-gen\.shard-([1-9]\d{0,3})-of-([1-9]\d{0,3})\.json")  # build --shard K/N
VERSION = 2  # 2: warnings stored as message keys and arguments (i18n.Msg.to_data), not text
PACKAGE = Path(__file__).parent
PACKAGE_SUFFIXES = (".py", ".ttf", ".json", ".txt")
# Libraries whose version can change the bytes of a PDF.
RENDER_LIBRARIES = ("reportlab", "rl_accel", "segno", "pyphen", "PyYAML", "pillow", "pypdf")


def sha256_bytes(data: bytes) -> str:
    """The sha256 of some bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def _package_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in PACKAGE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            # The fonts (4 MB) are named by their size: hashing them would double the cost of an
            # up-to-date build, and a font only changes with a release, whose coverage file changes too.
            digest.update(str(path.stat().st_size).encode() if path.suffix == ".ttf" else path.read_bytes())
    return digest.hexdigest()


def _norm(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Versions of RENDER_LIBRARIES, read from the names of their .dist-info folders.

    importlib.metadata would cost more than starting Python; listing sys.path is nearly free.
    """
    wanted = {_norm(name): name for name in RENDER_LIBRARIES}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for item in names:
            for suffix in (".dist-info", ".egg-info"):  # pip installs, and some system packages
                if item.endswith(suffix):
                    name, _, version = item[: -len(suffix)].partition("-")
                    found.setdefault(_norm(name), version.partition("-py")[0])
    return {wanted[key]: found.get(key, "") for key in sorted(wanted)}


def epoch_problem() -> Problem | None:
    """Why SOURCE_DATE_EPOCH cannot date the PDFs, if it is set and cannot (reportlab would fail on every fiche)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    if value == "" or (value.isascii() and value.isdigit() and int(value) <= 253402300799):  # up to year 9999
        return None
    shown = value if len(value) <= 50 else value[:49] + "…"  # as it is, spaces included: ' 1' is not '1'
    return Problem(Pos("SOURCE_DATE_EPOCH"), _("the date of the PDFs must be a number of seconds since 1970, not "
                                               "{value}").format(value=quoted(shown.encode("unicode_escape").decode())),
                   _("unset it, or set it to a whole number such as $(git log -1 --format=%ct)"))


def fingerprint(options: Mapping[str, object]) -> str:
    """A hash of everything besides the input files that shapes the output bytes."""
    data = {
        "package": _package_digest(),
        "libraries": library_versions(),
        "options": dict(options),
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }
    return sha256_bytes(json.dumps(data, sort_keys=True).encode())


MAX_BYTES = 64 * 2**20  # a manifest of 10,000 fiches is about 10 MiB
MAX_INPUT = 20 * 2**20  # the largest file a build reads (a picture): a larger one named as input is never hashed
MAX_LINE = 2**20 + 1  # no line or column of a source (1 MiB) is further
MAX_REPORTED = 20  # names of a manifest reported one by one, then counted
MAX_MESSAGE = 4000  # characters of a recorded warning, hint included (quoted texts are cut at 50)
# The files a build writes into its folder: <slug>-eleve[-<profile>].pdf, <slug>-corrige[-<profile>].pdf,
# <slug>-formulaire[-<profile>].pdf and pack-<name>.pdf. A name of another form read from a manifest is never touched.
_OUTPUT = re.compile(r"[^\x00-\x1f\x7f/\\]+-(?:eleve|corrige|formulaire)(?:-[a-z]+)?\.pdf"
                     r"|pack-[^\x00-\x1f\x7f/\\]+\.pdf")
_ENTRY = {"source": str, "fingerprint": str, "deps": dict, "outputs": dict, "warnings": list}
_WARNING = {"path": str, "line": int, "col": int, "message": (str, dict), "hint": (str, dict), "severity": str}


def _stored(message: Msg | str) -> dict | str:
    """A message as the manifest keeps it: its key and arguments, the same in any language."""
    return message.to_data() if isinstance(message, Msg) else message


def _message(data: dict | str) -> Msg | str | None:
    """A message the manifest kept, or None when it is not one this version can say."""
    return Msg.from_data(data) if isinstance(data, dict) else data


def _listing(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except (OSError, ValueError):
        return []


def shard_name(shard: tuple[int, int] | None) -> str:
    """The manifest file of a shard build (K, N), or of a whole build (None)."""
    return f".worksheet-gen.shard-{shard[0]}-of-{shard[1]}.json" if shard else NAME


def output_name(name: object) -> bool:
    """Whether name has the form of a file a build writes, inside its folder (no folder, drive or '..')."""
    return (isinstance(name, str) and _OUTPUT.fullmatch(name) is not None and os.path.basename(name) == name
            and not os.path.splitdrive(name)[0])


def _text(value: object) -> bool:
    return isinstance(value, str) and "\0" not in value


def _entry_shape(entry: object) -> bool:
    """Whether an entry has the keys and types record() writes (any names: they are checked apart)."""
    if not isinstance(entry, dict) or entry.keys() != _ENTRY.keys():
        return False
    if not all(isinstance(entry[key], kind) for key, kind in _ENTRY.items()) or not _text(entry["source"]):
        return False
    if not all(_text(k) and _text(v) for table in ("deps", "outputs") for k, v in entry[table].items()):
        return False
    return all(isinstance(w, dict) and w.keys() == _WARNING.keys() and _text(w["path"])
               and all(isinstance(w[key], kind) and not isinstance(w[key], bool) for key, kind in _WARNING.items())
               and w["severity"] in ("error", "warning") and _message(w["message"]) is not None
               and _message(w["hint"]) is not None for w in entry["warnings"])


def _at(path: Path, raw: bytes, name: str, sha: str) -> Pos:
    """Where an output's name and sha256 first stand in the manifest's text (line and column), or its first line."""
    text = raw.decode("utf-8", "replace")
    for ascii_only in (False, True):
        at = text.find(f"{json.dumps(name, ensure_ascii=ascii_only)}: {json.dumps(sha, ensure_ascii=ascii_only)}")
        if at >= 0:
            return Pos(str(path), text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at))
    return Pos(str(path), 1, 1)


class Manifest:
    """The manifest of one output folder: an entry per source, keyed by its path relative to the folder.

    It is read as untrusted input (a repository may commit it, a CI cache restore it): a manifest of
    the wrong shape is ignored, and an output name that is not one a build writes is dropped.
    """

    def __init__(self, out_dir: Path, entries: dict | None = None, problems: list[Problem] | None = None,
                 raw: bytes = b"", name: str = NAME):
        self.out_dir = out_dir
        self._base = out_dir.resolve()
        self.entries: dict[str, dict] = entries or {}
        self.problems = problems or []
        self.raw = raw  # the bytes read: an unchanged manifest is not rewritten
        self.name = name
        self.merged: list[Path] = []  # the shards' manifests read with it

    @property
    def path(self) -> Path:
        return self.out_dir / self.name

    @classmethod
    def load(cls, out_dir: Path, name: str = NAME) -> Manifest:
        """Read the manifest of out_dir, merged with the manifests shard builds left there (``build --shard``,
        gathered into one folder), this one last; a missing, unreadable or damaged one is empty (rebuilt)."""
        manifest = cls._load(out_dir, name)
        shards = sorted(p for p in _listing(out_dir) if SHARD_NAME.fullmatch(p) and p != name)
        for shard in shards:
            other = cls._load(out_dir, shard)
            manifest.problems += other.problems
            manifest.entries = {**other.entries, **manifest.entries}
            manifest.merged.append(other.path)
        return manifest

    @classmethod
    def _load(cls, out_dir: Path, name: str) -> Manifest:
        path = out_dir / name
        where = Pos(str(path), 1, 1)  # the file as a whole
        try:
            raw = files.read(path, MAX_BYTES, follow=False)
            data = json.loads(raw)
        except (FileNotFoundError, NotADirectoryError):
            return cls(out_dir, name=name)
        except files.NotAFile:
            if os.path.islink(path):  # wherever it leads, it is not read: the build writes a file in its place
                return cls(out_dir, name=name, problems=[Problem(where, _('the build manifest is a link to another file: it is not read, everything is rebuilt'), _('the build writes its own manifest in its place'), severity="warning")])
            return cls(out_dir, name=name, problems=[Problem(where, _('the build manifest is not a file (a folder, a pipe or a device is in its place)'), _('remove it: the build writes its manifest there'))])
        except (OSError, ValueError, RecursionError) as exc:
            if getattr(exc, "errno", None) == errno.ENAMETOOLONG:  # no such folder can exist: writing will say so
                return cls(out_dir, name=name)
            if isinstance(exc, json.JSONDecodeError):
                where = Pos(str(path), exc.lineno, exc.colno)
            elif isinstance(exc, ValueError):  # not UTF-8
                where = Pos(str(path), 1, 1)
            problem = Problem(where, _('unreadable build manifest: everything is rebuilt'), severity="warning")
            return cls(out_dir, name=name, problems=[problem])
        if isinstance(data, dict) and isinstance(data.get("version"), int) and data["version"] != VERSION:
            return cls(out_dir, name=name)  # written by another version of the tool
        entries = data.get("entries") if isinstance(data, dict) and data.get("version") == VERSION else None
        if not isinstance(entries, dict) or not all(_text(k) and _entry_shape(e) for k, e in entries.items()):
            return cls(out_dir, name=name, problems=[Problem(Pos(str(path), 1, 1), _('the build manifest is not as worksheet-gen writes it: everything is rebuilt'), _('it was edited or damaged; the build writes a new one'), severity="warning")])
        problems, ignored = [], 0
        for entry in entries.values():
            for bad in [n for n in entry["outputs"] if not output_name(n)]:
                ignored += 1
                if ignored > MAX_REPORTED:  # each is looked for in the text: a few, then a count
                    del entry["outputs"][bad]
                    continue
                problems.append(Problem(_at(path, raw, bad, entry["outputs"][bad]), _('the build manifest names {name}, which is not a PDF this tool writes in its folder: it is ignored').format(name=quote(bad)), _('the manifest was edited or comes from elsewhere; the build writes a correct one'),
                                        severity="warning"))
                del entry["outputs"][bad]
        if ignored > MAX_REPORTED:
            problems.append(Problem(Pos(str(path), 1, 1), _('the build manifest names {count} more files that are not PDFs this tool writes in its folder: they are ignored').format(count=ignored - MAX_REPORTED),
                                    severity="warning"))
        return cls(out_dir, entries, problems, raw=raw, name=name)

    def changed(self) -> bool:
        """Whether the manifest differs from the file it was read from (a whole build's takes in the shards')."""
        if self.merged and self.name == NAME:
            return True
        return self.dump() != self.raw if (self.entries or self.raw) else False

    def dump(self) -> bytes:
        """The manifest as stable JSON bytes (sorted keys, one key per line: readable diffs)."""
        return (json.dumps({"version": VERSION, "entries": self.entries}, indent=1, sort_keys=True,
                           ensure_ascii=False) + "\n").encode()

    def rel(self, path: Path | str) -> str:
        """path relative to the output folder, with forward slashes."""
        try:
            return Path(os.path.relpath(Path(path).resolve(), self._base)).as_posix()
        except ValueError:  # another drive on Windows
            return Path(path).resolve().as_posix()

    def abs(self, rel: str) -> Path:
        """The path a stored relative path designates."""
        return self._base / rel

    def key(self, source: Path, variant: str = "") -> str:
        """The entry of source built with some options (e.g. variant "profile=dys"): its relative path[#variant]."""
        return self.rel(source) + (f"#{variant}" if variant else "")

    def keys(self, source: Path) -> list[str]:
        """The keys of every entry of source, whatever its variant."""
        base = self.rel(source)
        return [key for key in self.entries if key == base or key.startswith(base + "#")]

    def keep(self, keys: set[str]) -> None:
        """Forget every entry but those keys (a shard's manifest holds its own sources only)."""
        self.entries = {key: entry for key, entry in self.entries.items() if key in keys}

    def entry(self, source: Path, variant: str = "") -> dict:
        """What the manifest says of source built with variant ({} when nothing)."""
        return self.entries.get(self.key(source, variant), {})

    def outputs(self, source: Path, variant: str = "") -> dict[str, str]:
        """The outputs source wrote when last built with variant: {name: sha256}."""
        return self.entry(source, variant).get("outputs", {})

    def fresh(self, source: Path, fp: str, variant: str = "", *, outputs: set[str] | None) -> bool:
        """Whether the entry of source names exactly ``outputs`` (the files it builds; None: unknown, never
        fresh), their bytes are what it records, and nothing they depend on changed (the source itself among
        them: an entry that does not list it is never fresh).

        An entry that names a file outside the source's folder, or one spelled otherwise than the build
        writes it, or warnings it cannot have given, is never fresh and nothing it names is opened."""
        entry = self.entry(source, variant)
        if (not entry or entry["fingerprint"] != fp or outputs is None or set(entry["outputs"]) != outputs
                or self.rel(source) not in entry["deps"] or not self._plausible(source, entry)):
            return False
        return (all(sha256_file(self.abs(rel), limit=MAX_INPUT) == sha for rel, sha in entry["deps"].items())
                and all(sha256_file(self.out_dir / name, follow=False) == sha
                        for name, sha in entry["outputs"].items()))

    def _plausible(self, source: Path, entry: dict) -> bool:
        """Whether what an entry names could have been recorded by a build of source: its files in the
        source's folder, each spelled once as rel() spells it, its warnings of those files and in bounds."""
        folder = Path(source).resolve().parent
        for rel in entry["deps"]:
            try:
                path = self.abs(rel).resolve()
            except (OSError, RuntimeError, ValueError):
                return False
            if folder not in path.parents or self.rel(path) != rel:
                return False
        return all(w["severity"] == "warning" and w["path"] in entry["deps"] and 0 <= w["line"] <= MAX_LINE
                   and 0 <= w["col"] <= MAX_LINE and len(w["message"]) + len(w["hint"]) <= MAX_MESSAGE
                   for w in entry["warnings"])

    def record(self, source: Path, variant: str = "", *, fp: str, deps: Mapping[str, str],
               outputs: Mapping[str, str], problems: list[Problem]) -> None:
        """Remember what source was built from, what it wrote and the warnings it gave."""
        self.entries[self.key(source, variant)] = {
            "source": self.rel(source),
            "fingerprint": fp,
            "deps": {self.rel(path): sha for path, sha in deps.items()},
            "outputs": dict(outputs),
            "warnings": [{"path": self.rel(p.pos.path), "line": p.pos.line, "col": p.pos.col, "message": _stored(p.message),
                          "hint": _stored(p.hint), "severity": p.severity} for p in problems],
        }

    def warnings(self, source: Path, display, variant: str = "") -> list[Problem]:
        """The warnings source gave when it was built, with paths as display shows them now."""
        entry = self.entry(source, variant)
        return [Problem(Pos(display(self.abs(w["path"])), w["line"], w["col"]), _message(w["message"]),
                        _message(w["hint"]), w["severity"]) for w in entry.get("warnings", [])]

    def orphans(self) -> dict[str, dict[str, str]]:
        """Entries whose source file no longer exists: {key: {output name: sha256}}."""
        return {key: entry["outputs"] for key, entry in self.entries.items() if not self._exists(entry["source"])}

    def _exists(self, rel: str) -> bool:
        try:
            return self.abs(rel).is_file()
        except (OSError, ValueError):  # a name too long for the system: no such source
            return False
