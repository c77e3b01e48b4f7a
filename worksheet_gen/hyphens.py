"""Where words may break at a line end: pyphen's answers, kept per word in the user cache.

A fiche asks about a few words; the answers for the words already seen are read from the cache,
keyed by the language and pyphen's version (which ships the dictionaries). A new word is answered
from the patterns the package ships for the language (hyphtables.py: about 1 ms to load, pyphen not
imported), or by pyphen itself when they were made for another pyphen or dictionary (importing
pyphen and parsing its French dictionary costs about 20 ms). Only these two modules use pyphen.
"""

from __future__ import annotations

from . import cache, hyphtables

KIND = "hyphens"
MAX_WORDS = 50_000  # a cache that would grow past this stops learning: it stays a few MiB
_open: list[Words] = []  # every Words of this process, saved by save()


class Words:
    """The break points of words in one language: word -> ((head, tail), …), as pyphen's iterate() gives them."""

    def __init__(self, lang: str):
        self.lang = lang
        self.known: dict[str, tuple[tuple[str, str], ...]] | None = None
        self.new: dict[str, tuple[tuple[str, str], ...]] = {}
        self.dic = None  # what answers new words, once one is asked: a hyphtables.Table, else pyphen's Pyphen
        _open.append(self)

    def _key(self) -> dict:
        from .manifest import library_versions

        return {"lang": self.lang, "pyphen": library_versions()["pyphen"]}

    def pairs(self, word: str) -> tuple[tuple[str, str], ...]:
        if self.known is None:
            self.known = cache.load(KIND, self._key(), _words) or {}
        found = self.known.get(word)
        if found is None:
            if self.dic is None:
                self.dic = hyphtables.load(self.lang) or _pyphen(self.lang)
            found = self.known[word] = tuple(self.dic.iterate(word))
            if all(head + tail == word for head, tail in found):  # else a spelling change: asked again each time
                self.new[word] = found
        return found

    def save(self) -> None:
        """Add the words learnt since the last save to the cache (with what other processes added meanwhile)."""
        if not self.new:
            return
        stored = cache.load(KIND, self._key(), _words) or {}
        if len(stored) + len(self.new) <= MAX_WORDS:
            stored.update(self.new)
            cache.store(KIND, self._key(), {word: [list(p) for p in pairs] for word, pairs in stored.items()})
        self.new = {}


def _pyphen(lang: str):
    import pyphen

    return pyphen.Pyphen(lang=lang)


def _words(value: object) -> dict[str, tuple[tuple[str, str], ...]]:
    """Cached words, checked: each break splits its word in two non-empty parts."""
    if type(value) is not dict or len(value) > MAX_WORDS:
        raise ValueError("not hyphenation data")
    out = {}
    for word, pairs in value.items():
        if type(pairs) is not list or not all(type(p) is list and len(p) == 2 and type(p[0]) is str
                                              and type(p[1]) is str and p[0] and p[1] and p[0] + p[1] == word
                                              for p in pairs):
            raise ValueError("not hyphenation data")
        out[word] = tuple((head, tail) for head, tail in pairs)
    return out


def save() -> None:
    """Keep what every Words of this process learnt."""
    for words in _open:
        words.save()
