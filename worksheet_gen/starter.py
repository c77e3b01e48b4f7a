"""A new fiche to start from (`worksheet-gen new`), and the copy of the JSON Schema beside the sources
that editors read through the first line of every fiche: found offline, kept when committed, and
refreshed when the installed worksheet-gen describes the format otherwise."""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from pathlib import Path

from . import files
from .errors import WorksheetError, escaped
from .i18n import Msg, _
from .output import write_atomic

SCHEMA_NAME = "fiche.schema.json"
PACKAGED = Path(__file__).parent / "schema" / SCHEMA_NAME
MODELINE = f"# yaml-language-server: $schema={SCHEMA_NAME}"
# The $id the first versions of the schema had (a placeholder host); schema.SCHEMA_ID is today's. A file
# holding one of them is the only file `schema --out` writes over.
FIRST_ID = "https://worksheet-gen.example/schema/fiche.schema.json"
MAX_SCHEMA = 4 * 2**20  # a schema this tool wrote is under 100 KiB
MAX_NAME = 64
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}

STARTER = MODELINE + """
# Une fiche de worksheet-gen. Modifiez-la, puis lancez : worksheet-gen build
# Elle donne build/{slug}-eleve.pdf (la fiche élève) et build/{slug}-corrige.pdf (le corrigé).
# Un éditeur qui connaît les schémas YAML (VS Code avec l'extension YAML, par exemple) complète
# les clés et signale les erreurs dès la frappe, grâce à la première ligne. Le format : docs/format.md
title: {title}
levels: [2de]                      # imprimé dans l'en-tête : « Niveau : 2de » ([1re, Tle] : « Niveaux : 1re, Tle »)
kind: Ressource en autonomie       # imprimé en haut à droite
intro: |
  Lisez, puis répondez aux questions. Une ligne vide sépare deux paragraphes ;
  **gras**, *italique* et les adresses comme https://www.onisep.fr sont compris.

activities:
  - title: Première activité       # imprimé dans un bandeau
    content:
      - "Un paragraphe de texte. Entre guillemets quand il contient « : » suivi d'une espace."
      - callout: À vous de jouer !
      - question: Citez deux métiers qui vous intéressent.
        lines: 3                   # les lignes pour répondre
        answer: Par exemple, développeur et infirmière.   # écrit seulement dans le corrigé
      - question: Quel diplôme se prépare en deux ans après le bac ?
        options: [CAP, BTS, Master]   # une case par option
        answer: BTS
      - question: Avez-vous déjà fait un stage ?
        type: yesno                # deux cases, OUI et NON
        answer: free               # pas de réponse unique : aucune case cochée au corrigé
"""


def installed_schema() -> bytes:
    """The JSON Schema of the installed worksheet-gen, as written in its package."""
    return PACKAGED.read_bytes()


def write_schema(path: Path) -> bool:
    """Write the installed schema to path (atomically) unless it holds it already; whether it was written.
    A link there is replaced, never followed."""
    data = installed_schema()
    try:
        if files.read(path, MAX_SCHEMA, follow=False) == data:
            return False
    except (OSError, ValueError):
        pass
    write_atomic(path, data)
    return True


def refused_out(path: Path) -> tuple[Msg, Msg] | None:
    """Why `schema --out` may not write path, if it may not, with a hint: only a new file, or a schema a
    worksheet-gen wrote, is written over. Nothing is opened but a regular file (a pipe would block)."""
    from .schema import SCHEMA_ID

    new = _("give the name of a new file, such as {name}").format(name=SCHEMA_NAME)
    try:
        mode = os.lstat(path).st_mode
    except (OSError, ValueError):  # none there (writing makes it), or writing will say why
        return None
    if stat.S_ISDIR(mode):
        return _("is a folder: the schema is written to a file"), _("give a file name, such as {path}").format(
            path=escaped(str(path / SCHEMA_NAME)))
    if stat.S_ISLNK(mode):
        return _("is a link: the schema is not written through it, nor over it"), new
    if not stat.S_ISREG(mode):
        return _("is not a regular file (a pipe, a device or a socket): the schema is not written there"), new
    try:
        ours = json.loads(files.read(path, MAX_SCHEMA, follow=False)).get("$id") in (SCHEMA_ID, FIRST_ID)
    except (OSError, ValueError, AttributeError, TypeError, RecursionError):  # not JSON, not an object…
        ours = False
    if not ours:
        return _("already exists and is not a schema worksheet-gen wrote: it is not written over"), new
    return None


def refresh_schemas(paths: tuple[str, ...], sources_dir: str) -> list[Path]:
    """The copies of the schema beside the sources built (in the folders of PATHS, else in sources_dir)
    rewritten because they differed from the installed one (a link there is left alone, neither followed nor
    replaced). A build calls it: editors follow an upgrade."""
    out = []
    for raw in paths or (sources_dir,):
        try:
            folder = Path(raw) if Path(raw).is_dir() else Path(raw).parent
            path = folder / SCHEMA_NAME
            if path not in out and path.is_file() and not path.is_symlink() and write_schema(path):  # a link: left
                out.append(path)
        except OSError:  # a name too long, a folder that cannot be read: the build said so already
            continue
    return out


def name_problem(name: str) -> Msg | None:
    """Why NAME cannot name a new fiche (sources/NAME.yaml), if it cannot."""
    from . import fonts

    from .chars import described, invisible

    if not name:
        return _("give a name, e.g. 'metiers-numerique'")
    hidden = next((ch for ch in name if invisible(ch) and ch != "\t"), None)  # a tab is a space, said below
    if hidden is not None:  # before anything quotes the name: a terminal would act on it
        return _("'{name}' holds a control or invisible character, {char}: type the name again with letters, "
                 "digits and '-'").format(name=escaped(name), char=described(hidden))
    if "/" in name or "\\" in name or name in (".", ".."):
        return _("'{name}' is a path: give a name only, e.g. 'metiers-numerique' (use --sources for the "
                 "folder)").format(name=name)
    if re.search(r"\s", name):
        slug = re.sub(r"-{2,}", "-", "-".join(re.sub(r"[^\w-]+", "", word) for word in name.split())).strip("-_")
        if slug and name_problem(slug) is None:  # a name `new` takes: « Ma Fiche ! » → « Ma-Fiche »
            return _("'{name}' holds spaces: write '{slug}' instead").format(name=name, slug=slug)
        return _("'{name}' holds spaces: use letters, digits and '-' (accented letters too), starting with a letter "
                 "or a digit").format(name=name)
    if len(name) > MAX_NAME:
        return _("'{name}…' is too long: at most {limit} characters").format(name=name[:20], limit=MAX_NAME)
    if not re.fullmatch(r"[^\W_][\w-]*", name) or not all(fonts.can_draw(ch) for ch in name):
        return _("'{name}': use letters, digits and '-' (accented letters too), starting with a letter or a "
                 "digit").format(name=name)
    if name.lower() in _RESERVED:
        return _("'{name}' is a name Windows reserves for a device: choose another one").format(name=name)
    return None


def slug_of(name: str) -> str:
    """The name of the new fiche, as given (without .yaml), its accents composed."""
    name = unicodedata.normalize("NFC", name.strip())
    for suffix in (".yaml", ".yml"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def taken(slug: str, folder: Path) -> Path | None:
    """The fiche of folder that already has the name slug (whatever the case or the encoding of its accents, and
    .yaml or .yml), if one does."""
    from .owners import same_file

    if not folder.is_dir():
        return None
    return next((p for p in sorted(folder.iterdir()) if p.suffix.lower() in (".yaml", ".yml")
                 and same_file(p.stem) == same_file(slug)), None)


def new(slug: str, folder: Path) -> tuple[Path, bool]:
    """Write folder/slug.yaml, a starter fiche that builds as it is, and the schema beside it:
    (the fiche, whether the schema was written). Never overwrites a file."""
    if folder.exists() and not folder.is_dir():
        raise WorksheetError(_("{folder} is a file, not a folder of sources").format(folder=folder))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{slug}.yaml"
    there = taken(slug, folder)
    if there is not None:  # made since the command line checked it
        raise WorksheetError(_("{path} already exists: give another name, or edit that fiche").format(path=there))
    title = slug.replace("-", " ").replace("_", " ").strip()
    text = STARTER.format(slug=slug, title=title[:1].upper() + title[1:])
    with open(target, "x", encoding="utf-8", newline="\n") as out:
        out.write(text)
    return target, write_schema(folder / SCHEMA_NAME)
