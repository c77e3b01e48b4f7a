"""Suggestions for a misspelt or French key or value: 'did you mean …?'."""

from __future__ import annotations

import re

from .i18n import Msg, _
from .spec import KINDS

# French words teachers write for keys and values, with the English word(s) they mean.
FRENCH = {
    "titre": ("title",), "niveau": ("levels",), "niveaux": ("levels",), "classe": ("levels", "class"),
    "auteur": ("author",), "sujet": ("subject",), "matière": ("subject",), "langue": ("lang",),
    "activités": ("activities",), "activites": ("activities",), "contenu": ("content",),
    "conclusion": ("closing",), "fin": ("closing",), "consigne": ("intro",), "précédent": ("previous",),
    "texte": ("text",), "encadré": ("callout",), "vidéo": ("video",), "lien": ("link",), "légende": ("caption",),
    "largeur": ("width",), "tableau": ("table",), "lignes": ("lines",), "réglure": ("ruling",),
    "choix": ("options", "choice"), "réponse": ("answer",), "reponse": ("answer",), "réponses": ("answer",),
    "explication": ("explain",), "rubriques": ("sections",), "français": ("fr",), "francais": ("fr",),
    "anglais": ("en",), "pointillés": ("dotted",),
    "grille": ("grid",), "cadre": ("box",), "puces": ("bullets",), "suivant": ("next",), "suivante": ("next",),
    "note": ("note",), "consignes": ("note",), "formulaire": ("form",),
    # pack files
    "fiche": ("fiches",), "rectoverso": ("single_sided",), "recto": ("single_sided",), "rectoseul": ("single_sided",),
    "unface": ("single_sided",), "couverture": ("cover",), "liste": ("roster",), "eleves": ("roster",),
    "élèves": ("roster",), "listedeclasse": ("roster",), "exemplaires": ("copies",), "copie": ("copies",),
    "profil": ("profile",), "regrouper": ("group_by",), "grouper": ("group_by",), "datesurlacouverture": (
        "date_on_cover_only",),
}  # and the French names of each kind of question (spec.KINDS)


def best(word: str, allowed) -> str | None:
    """The allowed word meant by a word not allowed here (its English for a French word, else the closest)."""
    allowed = list(allowed)
    key = re.sub(r"[\s/_-]", "", word.strip().lower())
    meant = FRENCH.get(key, ()) + tuple(kind.name for kind in KINDS.values() if key in kind.french)
    for candidate in meant:
        if candidate in allowed:
            return candidate
    import difflib  # here: only a mistake needs it

    guess = difflib.get_close_matches(word, allowed, n=1)
    return guess[0] if guess else None


def suggest(word: str, allowed) -> Msg | str:
    """'did you mean …?' for a word not allowed here, or an empty string."""
    guess = best(word, allowed)
    return _("did you mean '{word}'?").format(word=guess) if guess else ""
