"""Import reportlab's platypus without compiling its slowest regular expression at start-up.

``reportlab/platypus/paragraph.py`` compiles ``uri_pat`` (web addresses) when it is imported, with
``re.IGNORECASE`` over ``\\xa1-\\uffff``: about 30 ms, a seventh of a cold build, spent folding the
case of 65,000 characters. It is matched against each word reportlab tries to hyphenate, and only
text holding « :// » can match it (its first group is not optional).

``reportlab/lib/textsplit.py`` also compiles, at import, ``rx`` (the CJK range U+2E80–U+FFFF, about 6 ms),
which only ``cjkwrap`` uses, and nothing in worksheet-gen calls: it becomes a Deferred pattern, compiled
the first time anything of it is asked for.

While platypus is imported, that one pattern (recognised by its exact text, URI_PAT) becomes a
LazyPattern: ``match`` answers None at once for text without « :// », and otherwise uses FAST, the
same expression written without IGNORECASE (each letter class spelled with its capitals and with
the four non-ASCII letters that Python's case folding matches to ASCII ones, or as the characters it
leaves out), which compiles in about a millisecond. Every other ``re.compile`` call is passed
through. Importing this module does it.

Modules that reportlab imports but a fiche without pictures never uses, Pillow's ``PIL.Image``
(``reportlab/lib/utils.py``, about 6 ms with the modules it imports), ``pickle`` (the same, 1.5 ms, for
its debugging helpers), ``pyphen`` (``reportlab/platypus/paragraph.py``, about 3 ms; worksheet-gen
hyphenates through ``hyphens.py``), ``textwrap`` and ``inspect`` (``reportlab/lib/rl_safe_eval.py``, for
class definitions in evaluated code and when it evaluates: about 3 ms) and ``reportlab.lib.PyFontify``
(``reportlab/platypus/xpreformatted.py``, Python code coloured, about 1 ms with its two patterns), are given to
reportlab as LATER modules, and ``traceback`` to ``logging`` (``reportlab/platypus/frames.py`` imports it: it
prints the tracebacks of errors logged, which reportlab never logs for worksheet-gen; with ``linecache``,
``tokenize`` and ``token``, about 4 ms): each is imported the first time reportlab asks it for anything.

``tests/test_quickimport.py`` checks that reportlab still compiles that very pattern at import
(else this module no longer applies and the test says so), that each rewritten letter class matches
exactly the characters of the original on all of Unicode, and that both patterns agree on addresses;
that reportlab still imports the LATER modules, and that importing it imports none of them.
"""

from __future__ import annotations

import re
import sys

from .later import importing

URI_PAT = ("(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)(?:\\.(?:25[0-5]|"
           "2[0-4]\\d|[0-1]?\\d?\\d)){3}|\\[[0-9a-f:\\.]+\\]|([a-z\xa1-\uffff0-9](?:[a-z\xa1-\uffff0-9-]{0,61}"
           "[a-z\xa1-\uffff0-9])?(?:\\.(?!-)[a-z\xa1-\uffff0-9-]{1,63}(?<!-))*\\.(?!-)(?:[a-z\xa1-\uffff-]{2,63}|"
           "xn--[a-z0-9]{1,59})(?<!-)\\.?|localhost))(?::\\d{2,5})?(?:[/?#][^\\s]*)?\\Z")
FOLDED = "\u0130\u0131\u017f\u212a"  # İ ı ſ K: what [a-z] also matches under IGNORECASE
# What the classes with \xa1-\uffff leave out besides digits and '-': ASCII punctuation and controls, and every
# character past U+FFFF (none folds into the range). Written as what they exclude, they compile in a millisecond.
_OTHERS = "\\x5b-\\x60\\x7b-\\xa0\\U00010000-\\U0010ffff"
# (piece of URI_PAT, the same without IGNORECASE); the letters of \xa1-\uffff fold within it, FOLDED too.
REWRITES = (
    ("[a-z0-9\\.\\-\\+]", f"[a-zA-Z0-9\\.\\-\\+{FOLDED}]"),
    ("[0-9a-f:\\.]", "[0-9a-fA-F:\\.]"),
    ("[a-z\xa1-\uffff0-9]", f"[^\\x00-\\x2f\\x3a-\\x40{_OTHERS}]"),
    ("[a-z\xa1-\uffff0-9-]", f"[^\\x00-\\x2c\\x2e\\x2f\\x3a-\\x40{_OTHERS}]"),
    ("[a-z\xa1-\uffff-]", f"[^\\x00-\\x2c\\x2e-\\x40{_OTHERS}]"),
    ("xn--[a-z0-9]", f"[xX][nN]--[a-zA-Z0-9{FOLDED}]"),
    ("localhost", "[lL][oO][cC][aA][lL][hH][oO][sS\u017f][tT]"),
)
FAST = URI_PAT
for _old, _new in REWRITES:
    FAST = FAST.replace(_old, _new)


class LazyPattern:
    """URI_PAT as re.IGNORECASE compiles it, but compiled only when text could match, and as FAST."""

    def __init__(self):
        self.pattern, self.flags = URI_PAT, re.IGNORECASE
        self._fast: re.Pattern | None = None

    def match(self, string, *args):
        if not args and isinstance(string, str):
            if "://" not in string:
                return None
            if self._fast is None:
                self._fast = re.compile(FAST)
            return self._fast.match(string)
        return re.compile(URI_PAT, re.IGNORECASE).match(string, *args)

    def __getattr__(self, name: str):  # anything else reportlab might ask: the original pattern
        return getattr(re.compile(URI_PAT, re.IGNORECASE), name)


CJK_PAT = "([\u2e80-\uffff])"  # reportlab.lib.textsplit.rx


class Deferred:
    """A pattern compiled the first time one of its attributes (match, sub…) is asked for."""

    def __init__(self, pattern: str, flags: int):
        self.pattern, self.flags = pattern, flags

    def __getattr__(self, name: str):
        return getattr(re.compile(self.pattern, self.flags), name)  # re's own cache keeps it compiled


def _unsafe_names(pattern: str) -> bool:
    """Whether pattern is reportlab.lib.rl_safe_eval's ``__rl_unsafe_re__``, made from a set of names and so
    written in another order by each process (see quickre.py)."""
    module = sys.modules.get("reportlab.lib.rl_safe_eval")
    names = getattr(module, "__rl_unsafe__", None)
    return (bool(names) and pattern.startswith("\\b(?:") and pattern.endswith(")")
            and set(pattern[5:-1].split("|")) == set(names))


LATER = ("PIL.Image", "pickle", "pyphen", "textwrap", "inspect", "reportlab.lib.PyFontify", "traceback")


def _platypus() -> None:
    if "reportlab.platypus.paragraph" in sys.modules:
        return
    compile_ = re.compile

    def compile_lazily(pattern, flags=0):
        if pattern == URI_PAT and flags == re.IGNORECASE:
            return LazyPattern()
        if pattern == CJK_PAT and flags == re.UNICODE or flags == re.M and _unsafe_names(pattern):
            return Deferred(pattern, flags)
        return compile_(pattern, flags)

    re.compile = compile_lazily
    try:
        with importing(LATER):
            import reportlab.platypus  # noqa: F401
    finally:
        re.compile = compile_


_platypus()
