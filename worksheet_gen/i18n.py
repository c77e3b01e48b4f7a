"""The language the tool speaks (French or English) and its messages, kept as keys until printed.

A message is made with ``_("unknown key {key}").format(key=…)``: a :class:`Msg` holding the English
text (the gettext msgid) and named arguments, rendered in the current language only when printed,
so that what the tool stores (the build manifest) is the same in any language. ``N_`` marks a text
translated where it is shown (click's help texts). The French catalogue is
``locale/fr/LC_MESSAGES/worksheet_gen.po``, compiled to the ``.mo`` beside it (``make messages``).
"""

from __future__ import annotations

import gettext
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("fr", "en")
DOMAIN = "worksheet_gen"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

# Placeholders that always take a whole number (a count, a limit, a number of lines; {n} of _n): a value of
# another type, or out of this range, read from a manifest is not a message this version wrote.
WHOLE = frozenset({"n", "count", "limit", "lines"})
MAX_WHOLE = 10**9

_current: str | None = None  # None: the system's language, looked up when first needed


FRENCH = ("fr", "fra", "fre", "french")  # a language code (ISO 639-1, 639-2) or Windows' name of the language
ENGLISH = ("en", "eng", "english", "c", "posix")  # in LANGUAGE, C stands for the untranslated messages
PLAIN = ("c", "posix")  # the locales whose messages are the untranslated ones: LANGUAGE is not read there


def _code(value: str) -> str:
    """The language part of a locale name, lowercase: 'fr' of 'fr_FR.UTF-8@euro' (and of 'fr-CA')."""
    return re.split(r"[_.@-]", value.strip(), maxsplit=1)[0].lower()


def _from_locale(value: str) -> str:
    return "fr" if _code(value) in FRENCH else "en"


def _from_list(value: str) -> str | None:
    """French or English, the first of them in a GNU LANGUAGE list ('de:fr:en'; empty entries skipped);
    English when it names neither (gettext shows the untranslated messages); None when it is empty."""
    codes = [_code(entry) for entry in value.split(":") if entry.strip()]
    for code in codes:
        if code in FRENCH:
            return "fr"
        if code in ENGLISH:
            return "en"
    return "en" if codes else None


def _windows_language() -> str | None:
    """French or English from the Windows user's display language; None when it cannot be asked."""
    try:
        import ctypes

        langid = ctypes.windll.kernel32.GetUserDefaultUILanguage()
    except (AttributeError, OSError, ImportError):
        import locale

        name = locale.getlocale()[0]  # e.g. 'French_France' or 'fr_FR'
        return _from_locale(name) if name else None
    return "fr" if langid & 0x3FF == 0x0C else "en"  # LANG_FRENCH, whatever the country


def system_language() -> str:
    """'fr' when the system speaks French, else 'en', in GNU gettext's order: LANGUAGE (a list of languages,
    the first preferred) unless the locale is C or POSIX, else the locale (LC_ALL, LC_MESSAGES, then LANG,
    the first set). With no locale variable set, the locale is C, except on Windows: the user's display
    language there, after LANGUAGE."""
    locale = next((value for value in map(os.environ.get, ("LC_ALL", "LC_MESSAGES", "LANG")) if value), "")
    windows = sys.platform == "win32" and not locale
    if _code(locale) in PLAIN or not (locale or windows):
        return "en"
    wished = _from_list(os.environ.get("LANGUAGE", ""))
    if wished:
        return wished
    if windows:
        return _windows_language() or "en"
    return _from_locale(locale)


def use(lang: str | None) -> None:
    """Speak lang from now on ('fr' or 'en'); None: the system's language."""
    global _current
    _current = lang if lang in LANGUAGES else None


def wished(args) -> str | None:
    """The language a command line asks for with --lang (before any '--'), if it does."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg[7:] if arg.startswith("--lang=") else None
        if value in LANGUAGES:
            return value
    return None


def current() -> str:
    """The language messages are printed in now."""
    return _current or system_language()


@lru_cache(maxsize=None)
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def translate(text: str, lang: str | None = None) -> str:
    """The translation of an English text (a msgid) in lang, default the current language."""
    lang = lang or current()
    return text if lang == "en" or not text else _catalogue(lang).gettext(text)


def N_(text: str) -> str:
    """Marks a text for the catalogue, translated where it is shown with translate()."""
    return text


class Msg:
    """A message to a user: its English text with {named} placeholders, and their values (texts, numbers
    or messages), rendered in a language only when printed. Compares and sorts as its English text."""

    __slots__ = ("msgid", "plural", "args")

    def __init__(self, msgid: str, plural: str | None = None, args: dict | None = None):
        self.msgid, self.plural, self.args = msgid, plural, dict(args or {})

    def format(self, **args) -> Msg:
        """The same message with these values for its placeholders."""
        return Msg(self.msgid, self.plural, {**self.args, **args})

    def text(self, lang: str | None = None) -> str:
        """The message in lang (default: the current language)."""
        lang = lang or current()
        if self.plural is None:
            template = translate(self.msgid, lang)
        else:
            n = self.args.get("n", 1)
            if lang == "en":
                template = self.msgid if n == 1 else self.plural
            else:
                template = _catalogue(lang).ngettext(self.msgid, self.plural, n)
        values = {key: value.text(lang) if isinstance(value, (Msg, Number, Texts)) else value
                  for key, value in self.args.items()}
        return template.format(**values)

    def __str__(self) -> str:
        return self.text()

    def __format__(self, spec: str) -> str:
        return format(self.text(), spec)

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, {self.args!r})"

    def english(self) -> str:
        return self.text("en")

    def __eq__(self, other) -> bool:
        if isinstance(other, (Msg, str)):
            return render(self, "en") == render(other, "en")
        return NotImplemented

    def __lt__(self, other) -> bool:
        return render(self, "en") < render(other, "en")

    def __gt__(self, other) -> bool:  # also what `"text" < message` asks
        return render(self, "en") > render(other, "en")

    def __le__(self, other) -> bool:
        return not self > other

    def __ge__(self, other) -> bool:
        return not self < other

    def __hash__(self) -> int:
        return hash(self.english())

    def __bool__(self) -> bool:
        return bool(self.msgid)

    def __contains__(self, part: str) -> bool:
        return part in self.english()

    def to_data(self) -> dict:
        """The message as JSON data: its key and arguments, no text of any language."""
        data: dict = {"id": self.msgid}
        if self.plural is not None:
            data["plural"] = self.plural
        data["args"] = {key: value.to_data() if isinstance(value, Msg) else str(value) if isinstance(value, (Number, Texts))
                        else value for key, value in self.args.items()}
        return data

    @classmethod
    def from_data(cls, data, depth: int = 4) -> Msg | None:
        """The message that to_data wrote, or None when data is not one (it comes from an untrusted file)."""
        if not isinstance(data, dict) or set(data) - {"id", "plural", "args"} or depth < 0:
            return None
        msgid, plural, args = data.get("id"), data.get("plural"), data.get("args", {})
        if not isinstance(msgid, str) or not isinstance(plural, (str, type(None))) or not isinstance(args, dict):
            return None
        values = {}
        for key, value in args.items():
            if isinstance(value, dict):
                value = cls.from_data(value, depth - 1)
            if not isinstance(key, str) or not isinstance(value, (str, int, float, Msg)) or isinstance(value, bool):
                return None
            if key in WHOLE and not (type(value) is int and 0 <= value <= MAX_WHOLE):
                return None
            values[key] = value
        if not _known(msgid, plural):  # a message of another version, or not one at all
            return None
        message = cls(msgid, plural, values)
        try:
            message.text("en"), message.text("fr")
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            return None
        return message


def _known(msgid: str, plural: str | None) -> bool:
    """Whether msgid is a message of this version, whose placeholders only name values (never
    ``{a.__class__}``: the text of a manifest is untrusted)."""
    import string

    known = _catalogue("fr")._catalog  # every message has its French translation (tests/test_i18n.py)
    if (msgid if plural is None else (msgid, 0)) not in known:
        return False
    try:
        fields = [f for text in (msgid, plural or "") for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return False
    return all(f.isidentifier() for f in fields)


class Number(str):
    """A decimal number as English writes it (« 2.5 »), written with a decimal comma in French (« 2,5 »)."""

    __slots__ = ()

    def __new__(cls, value: float, spec: str = "g"):
        return super().__new__(cls, format(value, spec))

    def text(self, lang: str | None = None) -> str:
        return self.replace(".", ",") if (lang or current()) == "fr" else str(self)


class Texts(str):
    """A text its author wrote in both languages (the format's descriptions of its keys, in spec.py) rather
    than one of the catalogue: the English, and the French shown to French users."""

    def __new__(cls, en: str, fr: str = ""):
        self = super().__new__(cls, en)
        self.fr = fr or en
        return self

    def text(self, lang: str | None = None) -> str:
        return self.fr if (lang or current()) == "fr" else str(self)


def render(value, lang: str | None = None) -> str:
    """A message, or a text that needs no translation (a file name, a library's words), in lang."""
    return value.text(lang) if isinstance(value, Msg) else str(value)


def _(msgid: str) -> Msg:
    """A message for the catalogue; give its placeholders' values with .format(name=value)."""
    return Msg(msgid)


def _n(singular: str, plural: str, n: int) -> Msg:
    """A message whose wording depends on the number n (its placeholder {n})."""
    return Msg(singular, plural, {"n": n})
