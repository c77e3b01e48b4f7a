"""French by default: the catalogue against the code, the language chosen, what a French user reads,
and outputs that do not depend on the language."""

from __future__ import annotations

import ast
import ctypes
import json
import locale
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from conftest import DATA, ROOT, cli, fr as typo
from worksheet_gen import i18n
from worksheet_gen.cli import main
from worksheet_gen.i18n import Msg, _

PACKAGE = ROOT / "worksheet_gen"
PO = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "worksheet_gen.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {**DEFAULT_KEYWORDS, "_n": (1, 2)}  # as `make messages` extracts them
FR = {**os.environ, "LANG": "fr_FR.UTF-8"}
EN = {**os.environ, "LANG": "en_US.UTF-8"}
BROKEN = DATA / "invalid" / "french-keys.yaml"
PLACE = re.compile(r"^(.+?:\d+:\d+): (\w+): (.*)$")


def _catalogue():
    with PO.open("rb") as fh:
        return read_po(fh)


def _ids(message) -> tuple:
    return message if isinstance(message, tuple) else (message,)


def test_every_message_of_the_code_is_in_the_catalogue_and_nothing_else():
    """The .po is up to date with the code: `make messages` would change nothing."""
    code = {_ids(message) for _, _, message, _, _ in
            extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS)}
    catalogue = {_ids(m.id) for m in _catalogue() if m.id}
    assert code - catalogue == set(), "messages not in the catalogue: run `make messages` and translate them"
    assert catalogue - code == set(), "obsolete messages in the catalogue: run `make messages`"
    assert "#~" not in PO.read_text(encoding="utf-8")


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name} | set(re.findall(r"%\((\w+)\)", text))


def test_every_message_has_a_french_translation_with_the_same_placeholders():
    for message in _catalogue():
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and len(strings) == (2 if isinstance(message.id, tuple) else 1), message.id
        wanted = set().union(*(_names(i) for i in _ids(message.id)))
        for text in strings:
            assert _names(text) <= wanted and (len(strings) > 1 or _names(text) == wanted), (message.id, text)


def test_the_compiled_catalogue_is_the_po():
    """The .mo shipped in the package says what the .po says (`make messages` compiles it)."""
    def entries(catalogue) -> dict:
        return {_ids(tuple(m.id) if isinstance(m.id, list) else m.id): _ids(tuple(m.string) if isinstance(
            m.string, list) else m.string) for m in catalogue if m.id}

    with MO.open("rb") as fh:
        assert entries(read_mo(fh)) == entries(_catalogue())


def test_no_function_hides_the_message_marker():
    """A function that assigns `_` (`for _ in …`) and calls `_("…")` fails when it speaks: caught here."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            nodes = [n for stmt in fn.body for n in ast.walk(stmt)]
            assigns = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in nodes)
            calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in nodes)
            if calls and (assigns or "_" in [a.arg for a in fn.args.args]):
                found.append(f"{path.name}:{fn.lineno} {fn.name}")
    assert found == []


# Where the code hands a message to the user: (call name, positions of the message and hint, keywords).
SAYS = {"Problem": ((1, 2), ("message", "hint")), "error": ((1, 2), ()), "warn": ((1, 2), ()),
        "Handed": ((), ("problem", "hint")), "Unreadable": ((0, 1), ()), "_Broken": ((1,), ()),
        "WorksheetError": ((0,), ()), "OutputError": ((0,), ()), "UsageError": ((0,), ()),
        "BadParameter": ((0,), ())}


def _words(node) -> str:
    """The literal text of a str constant or an f-string ('' for anything else)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return ""


def test_no_message_is_written_as_plain_text():
    """A message given as a literal or an f-string would reach a French user in English: every one goes
    through _() (or is a value, such as a file name or a library's words)."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            positions, keywords = SAYS.get(name, ((), ()))
            said = [call.args[i] for i in positions if i < len(call.args)]
            said += [k.value for k in call.keywords if k.arg in keywords]
            for node in said:
                if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and node.value):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # (message, hint) pairs (media.py)
            if isinstance(node, ast.Tuple) and len(node.elts) == 2 and all(len(_words(e).split()) >= 3
                                                                             for e in node.elts):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


TEXTS = {"_", "_n", "str", "quote", "quoted", "render", "Number", "clip", "Texts", "Msg", "join", "format", "repr"}


def test_a_placeholder_of_a_whole_number_is_never_given_a_text():
    """A manifest's warning whose {count} (n, limit, lines) is not a whole number is refused as forged
    (i18n.WHOLE): the code itself never gives them a text, a message or an f-string."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call) or getattr(call.func, "attr", getattr(call.func, "id", "")) != "format":
                continue
            for keyword in call.keywords:
                value = keyword.value
                if keyword.arg in i18n.WHOLE and (
                        isinstance(value, (ast.JoinedStr, ast.Dict, ast.List, ast.Tuple))
                        or (isinstance(value, ast.Constant) and type(value.value) is not int)
                        or (isinstance(value, ast.Call)
                            and getattr(value.func, "id", getattr(value.func, "attr", "")) in TEXTS)):
                    found.append(f"{path.relative_to(ROOT)}:{value.lineno} {keyword.arg}=")
    assert found == []


@pytest.mark.parametrize("env, lang", [
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "fr_CA.UTF-8"}, "fr"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "fr_FR.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
    ({"LC_ALL": "C", "LANGUAGE": "fr"}, "en"),  # GNU: LANGUAGE is not read in the C locale
    ({"LANG": "en_US.UTF-8", "LANGUAGE": "fr:en"}, "fr"),
    ({"LANG": "frr_DE.UTF-8"}, "en"),  # North Frisian: the code is compared whole, not its first letters
    ({"LANG": "fr"}, "fr"), ({"LANG": "fr_FR@euro"}, "fr"), ({"LANG": "French_France.1252"}, "fr"),
    ({"LANG": "fra"}, "fr"), ({"LANG": "franglais"}, "en"),
    ({"LANG": "en_US.UTF-8", "LANGUAGE": ":fr:"}, "fr"),  # a list: empty entries are skipped
    ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "de:en:fr"}, "en"),  # the first of French or English in it
    ({"LANG": "en_US.UTF-8", "LANGUAGE": "de:fr"}, "fr"),
    ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "de"}, "en"),  # GNU: untranslated when no language of the list is spoken
    ({"LANG": "fr_FR.UTF-8", "LANGUAGE": ":"}, "fr"),  # an empty list: the locale decides
    ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "en"}, "en"),  # GNU: LANGUAGE before the locale
    ({"LANG": "POSIX", "LANGUAGE": "fr"}, "en"),
    ({"LANGUAGE": "fr"}, "en"),  # no locale set: the C locale
])
def test_the_language_follows_the_locale_variables(monkeypatch, env, lang):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.system_language() == lang


class _Kernel32:
    def __init__(self, langid: int):
        self.langid = langid

    def GetUserDefaultUILanguage(self) -> int:  # noqa: N802 (the Windows name)
        return self.langid


@pytest.mark.parametrize("langid, lang", [(0x040C, "fr"), (0x080C, "fr"), (0x0C0C, "fr"), (0x0409, "en"),
                                          (0x0407, "en")])
def test_on_windows_the_language_is_the_users_display_language(monkeypatch, langid, lang):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(i18n.sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "windll", type("windll", (), {"kernel32": _Kernel32(langid)})(), raising=False)
    assert i18n.system_language() == lang


@pytest.mark.parametrize("name, lang", [("French_France", "fr"), ("fr_BE", "fr"), ("English_United States", "en")])
def test_on_windows_without_the_api_the_locale_decides(monkeypatch, name, lang):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(i18n.sys, "platform", "win32")
    monkeypatch.delattr(ctypes, "windll", raising=False)
    monkeypatch.setattr(locale, "getlocale", lambda *a: (name, "cp1252"))
    assert i18n.system_language() == lang


def _lines(text: str) -> list[tuple[str, str, str]]:
    return [PLACE.match(line).groups() for line in text.splitlines()]


def test_check_speaks_french_in_a_french_locale_with_the_same_places():
    fr, en = cli("check", str(BROKEN), env=FR), cli("check", str(BROKEN), env=EN)
    assert fr.returncode == en.returncode == 1 and "Traceback" not in fr.stderr
    french, english = _lines(fr.stderr), _lines(en.stderr)
    assert [place for place, _, _ in french] == [place for place, _, _ in english]  # path:line:col identical
    assert {severity for _, severity, _ in french} == {"erreur"}
    assert {severity for _, severity, _ in english} == {"error"}
    assert typo("clé inconnue : « titre » (vouliez-vous dire « title » ?)") in [text for _, _, text in french]
    assert "unknown key 'titre' (did you mean 'title'?)" in [text for _, _, text in english]


@pytest.mark.parametrize("env, said", [
    ({"LANG": "frr_DE.UTF-8"}, "error: unknown key 'titre'"),
    ({"LANG": "en_US.UTF-8", "LANGUAGE": ":fr:"}, typo("erreur: clé inconnue : « titre »")),
    ({"LANG": "en_US.UTF-8", "LANGUAGE": "fr"}, typo("erreur: clé inconnue : « titre »")),
    ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "en:fr"}, "error: unknown key 'titre'"),
    ({"LC_ALL": "C.UTF-8", "LANGUAGE": "fr"}, "error: unknown key 'titre'"),
], ids=["north-frisian", "language-list", "language-first", "english-first", "c-locale"])
def test_the_language_of_a_run_follows_gnu_gettext(env, said):
    """docs/errors.md: LANGUAGE (its first of French or English) unless the locale is C or POSIX, then the
    locale; a language code is compared whole."""
    bare = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    proc = cli("check", str(BROKEN), env={**bare, **env})
    assert proc.returncode == 1 and said in proc.stderr, proc.stderr


def test_lang_chooses_against_the_locale():
    assert "error: unknown key 'titre'" in cli("check", str(BROKEN), "--lang", "en", env=FR).stderr
    assert typo("erreur: clé inconnue : « titre »") in cli("--lang", "fr", "check", str(BROKEN), env=EN).stderr
    assert "erreur: clé inconnue" in cli("check", "--lang=fr", str(BROKEN), env=EN).stderr


def test_github_annotations_stay_valid_in_french():
    proc = cli("check", str(BROKEN), "--format", "github", env=FR)
    annotations = proc.stdout.splitlines()
    assert annotations and all(re.fullmatch(r"::error file=[^:,]+,line=\d+,col=\d+::\S.*", a) for a in annotations)
    assert any(a.endswith(typo("::clé inconnue : « titre » (vouliez-vous dire « title » ?)")) for a in annotations)


def test_json_keeps_its_keys_and_severities_and_translates_the_words():
    fr = json.loads(cli("check", str(BROKEN), "--format", "json", env=FR).stdout)
    en = json.loads(cli("check", str(BROKEN), "--format", "json", env=EN).stdout)
    assert fr.keys() == en.keys() and fr["errors"] == en["errors"] > 0
    for french, english in zip(fr["problems"], en["problems"]):
        assert french.keys() == english.keys()
        assert (french["file"], french["line"], french["col"], french["severity"]) == (
            english["file"], english["line"], english["col"], english["severity"])
    assert {"message": typo("clé inconnue : « titre »"), "hint": typo("vouliez-vous dire « title » ?"),
            "key": "unknown key {key}"}.items() <= fr["problems"][0].items()
    assert [p["key"] for p in fr["problems"]] == [p["key"] for p in en["problems"]]


def test_help_speaks_french():
    proc = cli("pack", "--help", env=FR)
    assert proc.returncode == 0
    assert proc.stdout.startswith(typo("Utilisation : "))
    assert "Construit un pack prêt à imprimer" in proc.stdout
    assert "Nombre de copies anonymes (au plus 500)." in proc.stdout
    assert typo("Affiche cette aide et s'arrête.") in proc.stdout
    english = cli("pack", "--help", env=EN).stdout
    assert english.startswith("Usage: ") and "Number of anonymous copies (at most 500)." in english


def test_click_errors_speak_french():
    proc = cli("pack", "--copies", "0", "pix", env=FR)
    assert proc.returncode == 2
    assert typo("Erreur : Valeur invalide pour « --copies » : 0 n'est pas dans l'intervalle 1<=x<=500.") \
        in proc.stderr


@pytest.mark.parametrize("args, said", [
    (["build", "--nope"], "Option inconnue : « --nope ». Vouliez-vous dire « --force » ?"),
    (["nosuchcmd"], "Commande inconnue : « nosuchcmd »."),
    (["pack"], "Argument manquant « FICHES... »."),
    (["build", "--format", "xml"],
     "Valeur invalide pour « --format » : « xml » n'est pas l'une des valeurs « text », « json », « github »."),
    (["build", "--sources", "nulle-part"], "aucun dossier « nulle-part » ici :"),
])
def test_click_errors_quote_names_in_french(args, said):
    """Fresh eyes: click's usage errors (and the tool's, written with repr) quoted names and values '…' in French
    too; they say « … », through the locale or --lang fr; English keeps click's quotes."""
    for proc in (cli(*args, env=FR), cli(*args, "--lang", "fr", env=EN)):
        assert proc.returncode == 2
        assert typo("Erreur : " + said) in proc.stderr and "'" not in proc.stderr.split("Erreur")[1]
    english = cli(*args, env=EN)
    assert english.returncode == 2 and re.search(r"Error: .*'", english.stderr)


def test_a_value_quoted_in_french_keeps_its_apostrophe_and_shows_its_control_characters():
    proc = cli("build", "l'eau.yaml", "--nope\x1b[31m", env=FR)
    assert proc.returncode == 2
    assert typo("Erreur : Option inconnue : « --nope") + "\\x1b[31m\u00a0»." in proc.stderr
    proc = cli("build", "l'eau.yaml", "--format", "json", env=FR)
    assert "« l'eau.yaml »" in proc.stderr.replace("\u00a0", " ")
    assert "« l'eau.yaml »" in json.loads(proc.stdout)["problems"][0]["message"].replace("\u00a0", " ")


def test_the_french_list_of_commands_keeps_its_no_break_spaces():
    """Fresh eyes: click rewrote the one-line summaries of the commands with plain spaces, and a colon could
    start a line; the no-break spaces before « : » ; ! ? stay, as in the rest of the help."""
    proc = cli("--help", env=FR)
    assert proc.returncode == 0
    commands = proc.stdout.split(typo("Commandes :"))[1]
    assert typo("Construit un pack prêt à imprimer : la couverture") in commands
    assert not re.search(r" [:;!?](\s|$)", commands)


WARNED = """\
title: Une fiche
activities:
  - title: Activité
    content:
      - question: Une question sans réponse ?
"""


def test_outputs_and_manifest_are_the_same_in_both_languages(tmp_path):
    """The same bytes whatever the language; a warning kept in the manifest is shown in the language
    of the run that shows it."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "fiche.yaml").write_text(WARNED, encoding="utf-8")
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    fr = cli("build", "src", "--out", "fr", cwd=tmp_path, env={**FR, **env})
    en = cli("build", "src", "--out", "en", cwd=tmp_path, env={**EN, **env})
    c = cli("build", "src", "--out", "c", cwd=tmp_path, env={**os.environ, "LANG": "C", **env})  # a bare CI image
    assert fr.returncode == en.returncode == c.returncode == 0, fr.stderr + en.stderr + c.stderr
    assert "warning: this question has no answer" in c.stderr
    built = sorted(p.name for p in (tmp_path / "fr").iterdir())
    assert len(built) >= 3  # two PDFs, the manifest
    for other in ("en", "c"):
        assert built == sorted(p.name for p in (tmp_path / other).iterdir())
        for name in built:
            assert (tmp_path / "fr" / name).read_bytes() == (tmp_path / other / name).read_bytes(), (other, name)
    assert typo("attention: cette question n'a pas de réponse : le corrigé laisse ses lignes vides") in fr.stderr
    assert re.search(typo(r"^1 source : 0 à jour, 1 mise en page ; 2 PDF écrits \(\d+,\d s\)$"), fr.stdout, re.M)
    assert typo("écrit : fr/fiche-eleve.pdf") in fr.stdout
    again = cli("build", "src", "--out", "en", cwd=tmp_path, env={**FR, **env})  # up to date: from the manifest
    assert typo("1 source : 1 à jour, 0 mise en page ; 0 PDF écrit") in again.stdout
    assert typo("attention: cette question n'a pas de réponse : le corrigé laisse ses lignes vides") in again.stderr


def test_a_message_is_kept_as_its_key_and_values():
    message = _("unknown key {key}").format(key=i18n.Msg("'{text}'", args={"text": "titre"}))
    data = message.to_data()
    assert data == {"id": "unknown key {key}", "args": {"key": {"id": "'{text}'", "args": {"text": "titre"}}}}
    again = Msg.from_data(json.loads(json.dumps(data)))
    assert again.text("en") == "unknown key 'titre'" and again.text("fr") == typo("clé inconnue : « titre »")


@pytest.mark.parametrize("data", [
    "text", {"id": 3}, {"id": "unknown key {key}"}, {"id": "x", "args": {"a": [1]}}, {"id": "x", "other": 1},
    {"id": "{a.__class__}", "args": {"a": "b"}}, {"id": "x", "args": {"a": True}},
    {"id": "unknown key {key}", "args": {"key": {"id": "{text.__init__.__globals__}", "args": {"text": "t"}}}},
    *({"id": "the answer needs more room than the {n} line the student has: the corrigé prints it smaller",
       "plural": "the answer needs more room than the {n} lines the student has: the corrigé prints it smaller",
       "args": {"n": count}} for count in ("%(x)s {0}", "1", 1.0, -1, 10**10, 10**4000, None)),
    {"id": "{n} removed", "plural": "{n} removed", "args": {"n": "2"}},
])
def test_a_damaged_message_in_the_manifest_is_refused(data):
    assert Msg.from_data(data) is None


def test_speaking_puts_everything_back():
    before = os.environ.get("LANGUAGE")
    result = CliRunner().invoke(main, ["--lang", "fr", "check", str(BROKEN)])
    assert "clé inconnue" in result.output and result.exit_code == 1
    assert os.environ.get("LANGUAGE") == before and i18n._current is None
    assert "unknown key" in CliRunner().invoke(main, ["check", str(BROKEN)]).output


def test_every_french_wording_of_errors_md_is_a_message_of_the_catalogue():
    """docs/errors.md gives each message in English (the heading) and in French, as the catalogue has it."""
    forms = []  # each French message with « … » for the values it names, and as a pattern any value matches
    for message in _catalogue():
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            text = re.sub(r"\{\w+(?:![rs])?\}( \{\w+(?:![rs])?\})*", "{}", text or "")
            text = text.replace("«\u00a0{}\u00a0»", "{}")
            if text.replace("{}", "").strip():  # not the bare quotes
                forms.append((text.replace("{}", "…"), re.compile(re.escape(text).replace(r"\{\}", ".*"))))
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8").splitlines()
    headings = [i for i, line in enumerate(doc) if re.match(r"^### `", line)]
    assert len(headings) > 100
    wrong = []
    for i in headings:
        french = re.fullmatch(r"\*En français :\* `(.*)`", doc[i + 1])
        if french is None:
            wrong.append(f"{doc[i]}: no « *En français :* » line under it")
            continue
        said = french.group(1).replace("«\u00a0…\u00a0»", "…")
        if not said.replace("…", "").strip():
            wrong.append(f"{doc[i]}: « {french.group(1)} » says nothing")
            continue
        pattern = re.compile(re.escape(said).replace("…", ".*"))
        if not any(pattern.fullmatch(form) or values.fullmatch(said) for form, values in forms):
            wrong.append(f"{doc[i]}: « {french.group(1)} » is not a message of the catalogue")
    assert wrong == []


def test_the_systems_reason_is_said_in_french_with_its_name(tmp_path):
    """A loop of links among the sources: the reason was the system's English inside a French message (review 3a)."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "loop.yaml").symlink_to("loop.yaml")
    for command in (["check", "sources/loop.yaml"], ["build"]):
        fr = cli(*command, cwd=tmp_path, env=FR)
        en = cli(*command, cwd=tmp_path, env=EN)
        assert fr.returncode == en.returncode == 1 and "Traceback" not in fr.stderr + en.stderr
        assert typo("erreur: impossible de lire le fichier : trop de niveaux de liens symboliques (ELOOP) (vérifiez") \
            in fr.stderr and "Too many" not in fr.stderr, fr.stderr
        assert "error: cannot read the file: Too many levels of symbolic links (check" in en.stderr, en.stderr


def test_each_usual_error_of_the_system_has_a_french_wording():
    import errno

    from worksheet_gen import errors, files

    names = {"ENOENT", "EACCES", "EPERM", "ELOOP", "EISDIR", "ENOTDIR", "ENOSPC", "EROFS", "ENAMETOOLONG", "EIO",
             "EFBIG"}
    assert {errno.errorcode[number] for number in errors.OS_ERRORS} >= names
    for number, message in errors.OS_ERRORS.items():
        reason = errors.os_reason(OSError(number, os.strerror(number), "f"))
        assert reason is message and reason.text("en") == message.msgid
        assert reason.text("fr").endswith(f" ({errno.errorcode[number]})") and reason.text("fr")[0].islower()
    assert errors.os_reason(files.TooLarge("f", 10)).msgid == "the file is too large"  # the tool's own words stay
    assert errors.os_reason(OSError(errno.EDOM, "Numerical argument out of domain")) == \
        "Numerical argument out of domain"  # an unusual one: the system's words


# French texts that keep a plain space or a straight apostrophe: what a teacher types as it is typed.
TYPED = {
    'put the whole text in quotes, e.g. "*important* : …"',  # a YAML value, typed with an ordinary space
}

FRENCH_TYPOGRAPHY = (  # what is wrong, and what it should be
    (r"[ \u202f]:(?=\s|$|[»)\].,…])", "before : a no-break space U+00A0"),
    (r"[ \u00a0][;!?](?=\s|$|[»)\].,…])", "before ; ! ? a narrow no-break space U+202F"),
    (r"«[ \u202f]|[ \u202f]»", "inside « » a no-break space U+00A0"),
    (r"(?<=[^\W\d_])'(?=[^\W\d_])", "between letters ’, not '"),
    (r" $", "at the end (click writes a colon after « Options ») a no-break space U+00A0"),
)


def test_every_french_message_has_french_typography():
    """Fresh eyes: many messages had a plain space before « : », which --help and a narrow terminal wrap onto a
    line of its own. Every msgstr has a no-break space (U+00A0) before a colon and inside « », a narrow one
    (U+202F) before ; ! ?, and ’ between letters; a sign followed by a letter (?utm_source in an address, a
    key: of YAML) is not French punctuation, and a YAML quote (' ') stays straight."""
    wrong = []
    for message in _catalogue():
        msgid = _ids(message.id)[0]
        if not msgid or msgid in TYPED:
            continue
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            for pattern, why in FRENCH_TYPOGRAPHY:
                for found in re.finditer(pattern, text):
                    wrong.append(f"{msgid!r}: {why}: …{text[max(0, found.start() - 20):found.end() + 20]}…")
    assert wrong == []


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])  # ascii: click writes UTF-8 (a misconfigured locale)
def test_french_messages_on_a_stream_without_narrow_spaces(tmp_path, encoding):
    """A redirected output on Windows is written in its code page, which has no narrow no-break space: the French
    messages, the help and click's usage errors still reach it, each character it lacks replaced by the nearest it
    has, never a traceback; a JSON report stays one document, with the same text."""
    src = tmp_path / "sources"
    src.mkdir()
    (src / "cassee.yaml").write_text("title: Fiche\ncontent: [\n", encoding="utf-8")
    (src / "pix.yaml").write_bytes((ROOT / "sources" / "pix.yaml").read_bytes())

    def run(stream: str, *args: str):
        shutil.rmtree(tmp_path / "out", ignore_errors=True)
        return subprocess.run([sys.executable, "-m", "worksheet_gen", "build", "--out", "out", *args], cwd=tmp_path,
                              capture_output=True, env={**FR, "PYTHONIOENCODING": stream}, timeout=300)

    nearest = {"\u202f": "\u00a0", "\u2019": "'", "\u00ab": '"', "\u00bb": '"'}
    said = run("utf-8")
    expected = said.stdout.decode("utf-8") + said.stderr.decode("utf-8")
    assert "\u202f" in expected and "\u00a0" in expected  # what the stream lacks
    for _ in range(2):  # the nearest of the nearest: a narrow no-break space is a space in ascii
        expected = "".join(nearest.get(c, c) if c not in expected.encode(encoding, "ignore").decode(encoding)
                           else c for c in expected)
    expected = expected.encode(encoding, "replace").decode(encoding)
    proc = run(encoding)
    err = proc.stdout.decode(encoding) + proc.stderr.decode(encoding)
    assert proc.returncode == 1 and "Traceback" not in err
    assert re.sub(r"\(\d,\d s\)", "", err) == re.sub(r"\(\d,\d s\)", "", expected)
    for args in (("--help",), ("--bogus",)):
        proc = subprocess.run([sys.executable, "-m", "worksheet_gen", "build", *args], capture_output=True,
                              env={**FR, "PYTHONIOENCODING": encoding}, timeout=300)
        said = proc.stdout.decode(encoding) + proc.stderr.decode(encoding)
        assert proc.returncode == (0 if args == ("--help",) else 2) and "Traceback" not in said, said
        assert "\u00a0:" in said and "\\u" not in said, said
    proc = run(encoding, "--format", "json")
    report = json.loads(proc.stdout.decode(encoding))
    assert proc.returncode == 1 and report["errors"] == 1
    assert report["problems"] == json.loads(run("utf-8", "--format", "json").stdout.decode("utf-8"))["problems"]


def test_french_messages_point_to_the_french_docs():
    """A French message that sends the reader to a page of docs/ names its French twin (docs/fr/…) where there is
    one: a teacher who reads French is not sent to the English page."""
    twins = {p.name for p in (ROOT / "docs" / "fr").glob("*.md")}
    english = []
    for message in _catalogue():
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            english += [f"{name} in « {text} »" for name in re.findall(r"(?<![\w/])docs/([\w-]+\.md)", text or "")
                        if name in twins]
    assert english == []
