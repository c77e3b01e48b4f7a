"""click in the tool's language: help texts translated where they are shown, and click's own words
(« Usage: », « Error: », « Missing argument »…) taken from the tool's catalogue.

click words its messages with the standard library's ``gettext.gettext``, which reads the catalogue of
the current text domain in the language of the LANGUAGE variable: while a command runs, the domain is the
tool's and LANGUAGE the language chosen (the system's, or --lang); both are put back afterwards.
"""

from __future__ import annotations

import ast
import contextlib
import gettext
import os
import re

import click

from . import i18n
from .errors import WorksheetError
from .i18n import N_, _n, translate

LANG_HELP = N_("Language of the messages: fr or en.  [default: the system's language]")


@contextlib.contextmanager
def speaking(lang: str | None):
    """Speak lang (None: the system's language) in the tool's messages and in click's, until the end."""
    before = os.environ.get("LANGUAGE"), gettext.textdomain(), i18n._current
    i18n.use(lang)
    gettext.bindtextdomain(i18n.DOMAIN, str(i18n.LOCALE_DIR))
    gettext.textdomain(i18n.DOMAIN)
    os.environ["LANGUAGE"] = i18n.current()
    try:
        yield
    finally:
        if before[0] is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = before[0]
        gettext.textdomain(before[1])
        i18n.use(before[2])


def _set_lang(ctx, param, value) -> None:
    if value is not None:
        i18n.use(value)
        os.environ["LANGUAGE"] = value


# The no-break spaces of French typography, as characters click's rewrapping does not take for spaces.
_KEEP = str.maketrans({"\u00a0": "\ue000", "\u202f": "\ue001"})
_GIVE_BACK = str.maketrans({"\ue000": "\u00a0", "\ue001": "\u202f"})


class _Help:
    """A click object whose help text is an English msgid, shown translated."""

    _kept = False  # the help given to click's summary, its no-break spaces hidden

    @property
    def help(self):
        text = translate(self._help) if self._help else self._help
        return text.translate(_KEEP) if text and self._kept else text

    @help.setter
    def help(self, value):
        self._help = value


class Option(_Help, click.Option):
    """An option whose help is translated where it is shown; ``help_values`` fill its {placeholders}."""

    def __init__(self, *args, help_values: dict | None = None, **kwargs):
        self.help_values = help_values or {}
        super().__init__(*args, **kwargs)

    @property
    def help(self):
        return translate(self._help).format(**self.help_values) if self._help else self._help

    @help.setter
    def help(self, value):
        self._help = value


class Command(_Help, click.Command):
    """A command whose help is translated, with the --lang option."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params.append(lang_option())

    def get_short_help_str(self, limit: int = 45) -> str:
        """The summary of the help in the list of commands, its no-break spaces kept: click splits the words
        of a help at every space, no-break ones too, and joins them again with plain spaces."""
        self._kept = True
        try:
            return super().get_short_help_str(limit).translate(_GIVE_BACK)
        finally:
            self._kept = False


class Group(_Help, click.Group):
    """The tool's group: commands speak the language chosen for the whole run."""

    command_class = Command

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params.append(lang_option())

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        import sys

        self.line = sys.argv[1:] if args is None else list(args)
        with speaking(i18n.wished(self.line)):
            try:
                return super().main(args, prog_name, complete_var, standalone_mode, **extra)
            except WorksheetError as exc:  # shown as click shows its own errors (ours are not click's)
                if not standalone_mode:
                    raise
                from . import report

                exc.show()
                report.failure(exc, report.requested(self.line))
                sys.exit(exc.exit_code)

    def make_context(self, info_name, args, parent=None, **extra):
        with self.said():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx):
        with self.said():
            return super().invoke(ctx)

    @contextlib.contextmanager
    def said(self):
        """Wrong usage also said on stdout when --format json or github was asked for: a CI job reading it finds
        the error there too (click then says it on stderr, exit code 2)."""
        try:
            yield
        except click.UsageError as exc:
            from . import report

            help_shown = isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ()))  # its message: the help
            if i18n.current() == "fr" and not help_shown:  # click quotes names and values as Python does, '…': « … »
                said = guillemets(exc.format_message())
                exc.format_message = lambda: said
            ctx = exc.ctx
            hint = (translate("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=max(ctx.help_option_names, key=len))  # --help, as click says it
                    if ctx is not None and ctx.help_option_names else None)
            report.usage(exc.format_message(), hint, report.requested(getattr(self, "line", ())))
            raise


# A text quoted as Python writes it (repr, or click's own '…'), standing apart from the words around it.
_PY_QUOTED = re.compile(r"""(?<!\w)(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")(?!\w)""")


def guillemets(message: str) -> str:
    """A usage error of click in French typography: each text click (or the tool, with repr) put between
    straight quotes, '--nope' or "l'eau", between « » instead, its escapes of control characters kept."""
    from .errors import escaped, quoted

    def one(m) -> str:
        try:
            text = ast.literal_eval(m.group())
        except (ValueError, SyntaxError):
            return m.group()
        return quoted(escaped(text)).text() if isinstance(text, str) else m.group()

    return _PY_QUOTED.sub(one, message)


def lang_option() -> Option:
    return Option(["--lang"], type=click.Choice(i18n.LANGUAGES), default=None, expose_value=False, is_eager=True,
                  callback=_set_lang, help=LANG_HELP)


# click's own words that this tool's users meet, for the catalogue (click reads them through gettext).
CLICK_WORDS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."), N_("Show the version and exit."),
    N_("%(prog)s, version %(version)s"), N_("default: {default}"), N_("required"), N_("Error: {message}"),
    N_("Try '{command} {option}' for help."), N_("Missing argument"), N_("Missing option"),
    N_("Missing parameter"), N_("Missing command."), N_("No such option {name!r}."),
    N_("No such command {name!r}."), N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"), N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."), N_("Aborted!"), N_("Option {name!r} does not take a value."),
    _n("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1),
    _n("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1),
    _n("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),
    _n("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1),
)
