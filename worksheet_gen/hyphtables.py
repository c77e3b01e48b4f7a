"""pyphen's hyphenation patterns for the languages the package hyphenates, parsed and shipped with it.

``hyphenation/<lang>.json`` holds the key it was made for (pyphen's version; the name and sha256 of the
dictionary file pyphen reads for that language) and that dictionary's patterns as pyphen parses them:
letters -> "offset,digits". Table.iterate() is pyphen's ``Pyphen(lang=…).iterate()`` with its default
margins (two letters each side), worked out from them without importing pyphen or parsing its file. A
dictionary with nonstandard breaks (``/`` patterns) is not shipped. A table is used only when its key is
that of the installed pyphen and of its dictionary file; otherwise load() gives None and the caller asks
pyphen. The files are part of the package, trusted as its code is; ``make hyphens`` writes them
(``python -m worksheet_gen.hyphtables``) and ``tests/test_hyphtables.py`` fails when they are stale or when
a table answers otherwise than pyphen.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import files

LANGS = ("fr_FR", "en_GB")  # the languages layout/styles.py hyphenates
FOLDER = Path(__file__).parent / "hyphenation"
MAX_BYTES = 2**20  # a table is a few dozen KB
LEFT = RIGHT = 2  # pyphen's default margins: letters kept before the first break and after the last


class Table:
    """Where the words of one language may break, as pyphen says it."""

    def __init__(self, patterns: dict[str, str]):
        self.patterns = patterns
        self.longest = max(map(len, patterns))

    def iterate(self, word: str) -> tuple[tuple[str, str], ...]:
        """word -> ((head, tail), …), the longest head first, as ``tuple(pyphen.Pyphen(lang).iterate(word))``."""
        dotted = f".{word.lower()}."
        points = [0] * (len(dotted) + 1)
        for i in range(len(dotted) - 1):
            for j in range(i + 1, min(i + self.longest, len(dotted)) + 1):
                found = self.patterns.get(dotted[i:j])
                if found:
                    offset, _, digits = found.partition(",")
                    start = i + int(offset)
                    end = start + len(digits)
                    points[start:end] = map(max, map(int, digits), points[start:end])
        right = len(word) - RIGHT
        breaks = [i - 1 for i, point in enumerate(points) if point % 2 and LEFT <= i - 1 <= right]
        return tuple((word[:at], word[at:]) for at in reversed(breaks))


def path_of(lang: str) -> Path:
    """Where the table of a language is shipped."""
    return FOLDER / f"{lang}.json"


def _dictionaries() -> Path | None:
    """The folder of the installed pyphen's dictionaries, found as importing pyphen would find it."""
    from importlib.util import find_spec

    spec = find_spec("pyphen")
    places = spec and spec.submodule_search_locations
    return Path(places[0]) / "dictionaries" if places else None


def key(dictionary: str) -> dict:
    """The key of a table made from pyphen's dictionary file of that name, by the installed pyphen."""
    from .manifest import library_versions

    folder = _dictionaries()
    if folder is None or Path(dictionary).name != dictionary:
        raise OSError("no such dictionary")
    digest = hashlib.sha256(files.read(folder / dictionary, MAX_BYTES)).hexdigest()
    return {"pyphen": library_versions()["pyphen"], "dictionary": dictionary, "sha256": digest}


def load(lang: str) -> Table | None:
    """The shipped table of lang, if it was made for the installed pyphen and dictionary; else None."""
    try:
        data = json.loads(files.read(path_of(lang), MAX_BYTES))
        made_for = data["key"]
        if type(made_for) is not dict or made_for != key(made_for["dictionary"]):
            return None
        patterns = data["patterns"]
        return Table(patterns) if type(patterns) is dict and patterns else None
    except (OSError, ValueError, TypeError, KeyError, ImportError):
        return None


def encoded(lang: str) -> bytes:
    """The file load() reads for lang, made from the patterns the installed pyphen parses (ValueError when its
    dictionary has nonstandard breaks, or values this table cannot hold)."""
    import pyphen

    dictionary = Path(pyphen.LANGUAGES[pyphen.language_fallback(lang)]).name
    patterns = {}
    for letters, (offset, values) in pyphen.Pyphen(lang=lang).hd.patterns.items():
        if any(getattr(v, "data", None) is not None or type(v) not in (int, pyphen.DataInt) or not 0 <= v <= 9
               for v in values):
            raise ValueError(f"{dictionary}: a pattern this table cannot hold: {letters!r}")
        patterns[letters] = f"{offset},{''.join(map(str, values))}"
    return json.dumps({"key": key(dictionary), "patterns": patterns}, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False).encode() + b"\n"


if __name__ == "__main__":
    FOLDER.mkdir(exist_ok=True)
    for stale in FOLDER.glob("*.json"):
        stale.unlink()
    for each in LANGS:
        path_of(each).write_bytes(encoded(each))
