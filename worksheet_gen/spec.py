"""The source format v1 as data: every object with its keys, every kind of block and of question.

The validator (validate.py), the JSON Schema for editors (schema.py), the layout (layout/story.py) and
the tests all read these tables; what each value accepts is in values.py. ``doc`` is the English text the
command line's hints quote; ``fr`` the French (Markdown) description editors show, with ``example``.
A new kind of question is one entry of KINDS (docs/contributing.md, « Adding a kind of question »).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field

from .profiles import NAMES as PROFILE_NAMES
from .quickdc import dataclass
from .values import FALSE_WORDS, TRUE_WORDS


@dataclass(frozen=True)
class Field:
    """One key of a source object: what its value is, what it means, an example."""

    kind: str  # text, int, bool, url, path, length, enum, textlist, answer, list, object
    doc: str
    fr: str = ""
    example: str = ""  # the key and its value as written in a source, e.g. "lines: 3"
    required: bool = False
    choices: Mapping = field(default_factory=dict)  # enum: value -> French description
    low: int | None = None
    high: int | None = None
    of: str = ""  # for list/object: the object name
    max_len: int | None = None  # characters of the text (of each item of a list)
    max_total: int | None = None  # a list printed on one line: its items joined by ", "
    min_items: int = 1  # a list: the fewest items it holds
    commas: bool = False  # a textlist written as one text: its commas separate items (« levels: 1re, Tle »)


@dataclass(frozen=True)
class Kind:
    """One kind of question: its keys, the shape of its answer, its answer space, its words.

    ``answer`` is the shape of the answer: ``text`` (a model answer written on the lines),
    ``list`` (one item per bullet), ``one`` / ``many`` (the right option(s) among ``options``),
    ``fixed`` (one of the kind's own options, named by ``words``). ``space`` names the flowable
    builder of layout/spaces.py: ``lines`` or ``boxes`` by default, from the shape.
    """

    name: str
    doc: str
    fr: str
    example: str
    answer: str
    answer_fr: str
    keys: tuple[str, ...]  # keys of QUESTION besides question, type, ruling, lines, explain, note, answer
    fixed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> the options printed
    words: Mapping[str, int] = field(default_factory=dict)  # fixed: an answer word (lower case) -> its option
    note: str = ""  # the label printed under the question when the source gives no note (layout LABELS)
    space: str = ""
    french: tuple[str, ...] = ()  # what a teacher may write for this kind: 'did you mean …?'

    @property
    def ticked(self) -> bool:
        """Whether the answer is ticked among options rather than written."""
        return self.answer in ("one", "many", "fixed")

    @property
    def written(self) -> bool:
        """Whether the answer is written on the student's lines (a text, or one item per bullet)."""
        return self.answer in ("text", "list")

    @property
    def layout(self) -> str:
        return self.space or ("boxes" if self.ticked else "lines")

    @property
    def form(self) -> str:
        """The fields of the fillable form: text, blanks (one per item), one (radio buttons), many (check boxes)."""
        return {"text": "text", "list": "blanks", "many": "many"}.get(self.answer, "one")

    @property
    def min_lines(self) -> int:
        return 1 if self.written else 0

    def default_lines(self, answers: int) -> int:
        """Lines when the source gives none: 3 for a text, one per item for a list, none beside boxes."""
        if self.answer == "list":
            return min(answers, MAX_LINES) or 3
        return 3 if self.written else 0

    def fixed_words(self) -> dict[str, int]:
        """Every word an answer of a fixed kind may be (lower case), with the option it names."""
        out = dict(self.words)
        for options in self.fixed.values():
            out.update((option.lower(), i) for i, option in enumerate(options))
        return out


MAX_LINES = 40
MAX_TITLE = 200  # a banner or table heading: two or three printed lines
MAX_HEADER = 60  # the page header and footer: two lines in a small font
MAX_OPTION = 300  # an option with its checkbox: a few lines, never taller than a page
MAX_NOTE = 200  # an instruction after a question
MAX_WIDTH_CAPTION = 120  # mm: a picture beside its caption leaves the caption 48 mm of the 174 mm line
IMAGE_WIDTH = (5, 170)
_YES_NO = {**{w: 0 for w in TRUE_WORDS}, **{w: 1 for w in FALSE_WORDS}}
_FREE = ("; `free` (ou `libre`, `réponse personnelle`) quand il n'y a pas de réponse unique : aucune case "
         "n'est cochée et le corrigé écrit « Réponse personnelle »")

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("open", "an open question, answered on ruled lines",
         "Question ouverte : l'élève écrit sa réponse sur des lignes (3 par défaut).",
         "- question: Citez deux métiers du numérique.\n  lines: 3\n  answer: Développeur, technicien réseau.",
         "text", "La réponse modèle, écrite en rouge sur les lignes du corrigé (une liste : un paragraphe par "
         "élément).", (), french=("ouvert", "ouverte")),
    Kind("yesno", "OUI / NON boxes", "Oui / non : deux cases, OUI et NON (YES et NO en anglais).",
         "- question: Faut-il un bac +5 ?\n  type: yesno\n  answer: non",
         "fixed", "`oui` ou `non` (aussi `yes`/`no`, `vrai`/`faux`)" + _FREE + ".", ("inline",),
         fixed={"fr": ("OUI", "NON"), "en": ("YES", "NO")}, words=_YES_NO, french=("ouinon",)),
    Kind("truefalse", "Vrai / Faux boxes", "Vrai / faux : deux cases, Vrai et Faux (True et False en anglais).",
         "- question: Le télétravail est possible.\n  type: truefalse\n  answer: vrai",
         "fixed", "`vrai` ou `faux` (aussi `true`/`false`, `oui`/`non`)" + _FREE + ".", ("inline",),
         fixed={"fr": ("Vrai", "Faux"), "en": ("True", "False")}, words=_YES_NO, french=("vraifaux",)),
    Kind("choice", "one right option among options", "Choix unique : l'élève coche une des `options`.",
         "- question: Quel diplôme ?\n  options: [CAP, BTS, Master]\n  answer: BTS",
         "one", "L'option juste, recopiée exactement" + _FREE + ".", ("options", "inline"), french=("qcm", "choix")),
    Kind("multi", "several right options among options",
         "Choix multiple : plusieurs `options` peuvent être justes ; « Plusieurs réponses possibles. » est imprimé "
         "sous la question (voir `note`).",
         "- question: Quels langages ?\n  type: multi\n  options: [Python, HTML, Excel]\n  answer: [Python, HTML]",
         "many", "Les options justes, en liste, chacune recopiée exactement" + _FREE + ".", ("options", "inline"),
         note="several", french=("qcm", "multiple", "plusieurs")),
    Kind("blanks", "a list to fill in, one bullet per expected item",
         "Liste à compléter : une puce par élément attendu, sur la ligne où il commence.",
         "- question: Listez trois qualités.\n  type: blanks\n  answer: [Rigueur, Curiosité, Travail en équipe]",
         "list", "Les éléments attendus, un par puce ; sans `lines`, une ligne par élément (au plus 40).", (),
         french=("trous", "liste", "puces")),
)}

RULINGS = {"lines": "lignes simples, espacées de 7,5 mm (par défaut)", "dotted": "pointillés",
           "seyes": "réglure Seyès (8 mm, avec les lignes fines de 2 mm)", "grid": "quadrillage de 5 mm",
           "box": "un cadre vide, pour un schéma ou un calcul"}
LANGS = {"fr": "français (par défaut) : « Nom », « CORRIGÉ », typographie française",
         "en": "anglais : « Surname », « ANSWER KEY », typographie anglaise"}
PROFILES = {"standard": "la fiche ordinaire (Lato 10,5 pt)",
            "dys": "adaptée DYS : Andika 14 pt, interligne 1,5, plus de place pour répondre",
            "large": "gros caractères : Lato 18 pt"}
assert tuple(PROFILES) == PROFILE_NAMES

_CONTENT = ("Les blocs, dans l'ordre : un texte, ou une clé qui dit ce qu'est le bloc (`text`, `callout`, `video`, "
            "`link`, `image`, `question`, `table`).")
_CONTENT_EXAMPLE = "content:\n  - Lisez le texte.\n  - question: Citez un métier.\n    answer: Développeur"

QUESTION: dict[str, Field] = {
    "question": Field("text", "The question, as printed.", "La question, imprimée telle quelle et numérotée.",
                      "question: Citez deux métiers du numérique.", required=True),
    "type": Field("enum", "Kind of answer (default: open, or choice when options are given).",
                  "La sorte de question ; par défaut `choice` quand `options` est donné, sinon `open`.",
                  "type: yesno", choices=KINDS),
    "lines": Field("int", "Answer lines (open), blanks (blanks) or lines to justify (closed questions).",
                   "Le nombre de lignes : pour la réponse (question ouverte, 3 par défaut), pour une liste (une par "
                   "élément par défaut), ou pour justifier un choix (aucune par défaut). De 0 à 40.",
                   "lines: 3", low=0, high=MAX_LINES),
    "ruling": Field("enum", "Ruling of the answer space.", "La réglure des lignes de réponse.", "ruling: seyes",
                    choices=RULINGS),
    "options": Field("textlist", "The options of a choice or multi question.",
                     "Les options à cocher, au moins deux, toutes différentes (300 caractères au plus chacune).",
                     "options: [CAP, BTS, Master]", max_len=MAX_OPTION, min_items=2),
    "inline": Field("bool", "true: options on one line; false: stacked (default: on one line when they are short "
                    "and fit).", "`true` : les cases sur une ligne ; `false` : l'une sous l'autre. Sans `inline`, "
                    "sur une ligne quand elles sont courtes et y tiennent.", "inline: false"),
    "answer": Field("answer", "The model answer, the correct option(s), or one text per blank; 'free' for a closed "
                    "question with no single right answer (« Réponse personnelle »).",
                    "La réponse, imprimée seulement dans le corrigé.", "answer: Développeur"),
    "explain": Field("text", "An explanation printed only in the corrigé.",
                     "Une explication imprimée seulement dans le corrigé, après la réponse (à côté des cases d'une "
                     "question à cocher).", "explain: Il en existe bien d'autres."),
    "note": Field("text", "A short instruction printed after the question on both sheets (a multi question gets "
                  "« Plusieurs réponses possibles. » unless note says otherwise; 'note: false' removes it).",
                  "Une courte consigne imprimée sous la question, sur la fiche et le corrigé ; `note: false` n'en met "
                  "aucune (une question `multi` reçoit sinon « Plusieurs réponses possibles. »).",
                  "note: Cochez-en deux.", max_len=MAX_NOTE),
}
COMMON_QUESTION_KEYS = ("question", "type", "lines", "ruling", "answer", "explain", "note")
assert all(key in QUESTION for kind in KINDS.values() for key in kind.keys)

OBJECTS: dict[str, dict[str, Field]] = {
    "fiche": {
        "title": Field("text", "Title of the fiche, printed large on page 1 and in the footer.",
                       "Le titre de la fiche, imprimé en grand en haut de la première page et en pied de page.",
                       "title: Découvrir les métiers du numérique", required=True, max_len=150),
        "levels": Field("textlist", "Class levels, e.g. [1re, Tle] (or 1re, Tle: a comma separates two levels).",
                        "Les niveaux de classe, imprimés dans l'en-tête (« Niveau : 2de », « Niveaux : 1re, Tle ») ; "
                        "`levels: 1re, Tle`, sans crochets, donne aussi deux niveaux.",
                        "levels: [1re, Tle]", max_total=MAX_HEADER, commas=True),
        "kind": Field("text", "Kind of resource, printed top right, e.g. « Ressource en autonomie ».",
                      "La sorte de ressource, imprimée en haut à droite.", "kind: Ressource en autonomie",
                      max_len=MAX_HEADER),
        "previous": Field("text", "The previous activity in the sequence, if any (« Activité précédente : … »).",
                          "L'activité précédente de la séquence, imprimée sous le titre (« Activité précédente : … »).",
                          "previous: Cultivez vos compétences numériques avec Pix"),
        "next": Field("text", "The next activity in the sequence, if any (« Activité suivante : … »).",
                      "L'activité suivante de la séquence, imprimée sous le titre (« Activité suivante : … »).",
                      "next: Préparer ses vœux sur Parcoursup"),
        "lang": Field("enum", "Language of the sheet: labels, typography, hyphenation.",
                      "La langue de la fiche : étiquettes, typographie, césure.", "lang: fr", choices=LANGS),
        "author": Field("text", "Author or establishment, stored in the PDF metadata.",
                        "L'auteur ou l'établissement, enregistré dans les propriétés du PDF.", "author: CIO de Lyon"),
        "subject": Field("text", "Subject, stored in the PDF metadata.",
                         "Le sujet, enregistré dans les propriétés du PDF.", "subject: Orientation"),
        "profile": Field("enum", "Layout built by default: standard, dys (DYS-friendly) or large (large print); "
                         "'build --profile' overrides it.", "La version construite par défaut (`build --profile` "
                         "l'emporte) : fichiers `<nom>-eleve-dys.pdf`… pour `dys` et `large`.", "profile: dys",
                         choices=PROFILES),
        "form": Field("bool", "true: also build the fillable PDF, <slug>-formulaire.pdf, as 'build --form' does "
                      "(see docs/forms.md).", "`true` : construit aussi le PDF à remplir à l'écran, "
                      "`<nom>-formulaire.pdf`, comme `build --form`.", "form: true"),
        "intro": Field("text", "Introduction under the title; blank lines separate paragraphs.",
                       "L'introduction sous le titre ; une ligne vide sépare deux paragraphes. `**gras**`, "
                       "`*italique*` et `[un lien](https://…)` sont compris.",
                       "intro: |\n  Lisez puis **répondez**.\n\n  Voir https://pix.fr"),
        "activities": Field("list", "The activities, in order.", "Les activités, dans l'ordre (au moins une).",
                            "activities:\n  - title: Les métiers\n    content:\n      - Lisez le texte.",
                            required=True, of="activity"),
        "closing": Field("object", "The closing section, printed after the last activity.",
                         "La partie finale, imprimée après la dernière activité.",
                         "closing:\n  title: Enfin, n'oubliez pas !\n  content:\n    - Soyez fiers de votre travail.",
                         of="closing"),
    },
    "activity": {
        "title": Field("text", "Title of the activity, printed in a banner.",
                       "Le titre de l'activité, imprimé dans un bandeau.", "title: Les métiers du numérique",
                       required=True, max_len=MAX_TITLE),
        "intro": Field("text", "Text under the banner.", "Un texte sous le bandeau.",
                       "intro: Regardez la vidéo puis répondez."),
        "content": Field("list", "Blocks of the activity: text, callout, video, link, image, question, table.",
                         _CONTENT, _CONTENT_EXAMPLE, required=True, of="block"),
    },
    "closing": {
        "title": Field("text", "Heading of the closing section.", "Le titre de la partie finale.",
                       "title: Enfin, n'oubliez pas !", required=True, max_len=MAX_TITLE),
        "content": Field("list", "Blocks of the closing section.", _CONTENT, _CONTENT_EXAMPLE, required=True,
                         of="block", min_items=0),
    },
    "text": {"text": Field("text", "A paragraph of text.", "Un paragraphe de texte (`**gras**`, `*italique*`, liens).",
                           "text: \"Puis, répondez aux questions suivantes :\"", required=True)},
    "callout": {"callout": Field("text", "A highlighted instruction, e.g. « À vous de jouer ! ».",
                                 "Une consigne mise en valeur.", "callout: À vous de jouer !", required=True)},
    "video": {
        "video": Field("url", "Address of the video, printed as a QR code and as text.",
                       "L'adresse de la vidéo, imprimée en QR code et en toutes lettres (120 caractères au plus).",
                       "video: https://youtu.be/1B8fBmLIsh8", required=True),
        "caption": Field("text", "Text beside the QR code.", "Le texte à côté du QR code.",
                         "caption: Scannez le QR code."),
    },
    "link": {
        "link": Field("url", "Address of a web page, printed as a QR code and as text.",
                      "L'adresse d'une page web, imprimée en QR code et en toutes lettres (120 caractères au plus).",
                      "link: https://www.onisep.fr", required=True),
        "caption": Field("text", "Text beside the QR code.", "Le texte à côté du QR code.",
                         "caption: Le site de l'Onisep."),
    },
    "image": {
        "image": Field("path", "Picture file (PNG or JPEG), relative to the source file.",
                       "L'image (PNG ou JPEG), à côté de la fiche, dans le dossier des sources.",
                       "image: images/schema.png", required=True),
        "width": Field("length", "Printed width in millimetres (default 40; at most 120 beside a caption).",
                       "La largeur imprimée en millimètres, de 5 à 170 (40 par défaut ; 120 au plus avec une "
                       "légende).", "width: 60", low=IMAGE_WIDTH[0], high=IMAGE_WIDTH[1]),
        "caption": Field("text", "Text beside the picture.", "La légende, à côté de l'image.", "caption: Un schéma."),
    },
    "question": QUESTION,
    "table": {
        "table": Field("text", "Title of the table to fill in.", "Le titre du tableau à remplir.",
                       "table: Les étapes", required=True, max_len=MAX_TITLE),
        "sections": Field("list", "The rows of the table.", "Les lignes du tableau (au moins une).",
                          "sections:\n  - title: Avant\n    answer: [S'inscrire, Réviser]", required=True, of="section"),
    },
    "section": {
        "title": Field("text", "Heading of the row.", "Le titre de la ligne, dans la colonne de gauche.",
                       "title: Avant", required=True, max_len=MAX_TITLE),
        "lines": Field("int", "Ruled lines of the row (default: the bullets, else the number of answers, else 3).",
                       "Les lignes de la case, de 1 à 40 (par défaut : `bullets`, sinon une par réponse, sinon 3).",
                       "lines: 4", low=1, high=MAX_LINES),
        "bullets": Field("int", "Bullets the student sees, spread over the lines (default: one where each expected "
                         "item starts).", "Les puces que voit l'élève, réparties sur les lignes (par défaut : une "
                         "où commence chaque élément attendu).", "bullets: 4", low=1, high=MAX_LINES),
        "answer": Field("textlist", "What the corrigé writes on the bullets, one item each.",
                        "Ce que le corrigé écrit, un élément par puce.", "answer: [S'inscrire, Réviser]"),
        "explain": Field("text", "A remark the corrigé writes after the items, without a bullet.",
                         "Une remarque que le corrigé écrit après les éléments, sans puce.",
                         "explain: L'ordre importe peu."),
    },
}

BLOCKS = {
    "text": "Un paragraphe de texte.",
    "callout": "Une consigne mise en valeur, comme « À vous de jouer ! ».",
    "video": "Une vidéo : son adresse imprimée en QR code, avec une légende (`caption`).",
    "link": "Une page web : son adresse imprimée en QR code, avec une légende (`caption`).",
    "image": "Une image PNG ou JPEG, avec `width` et une légende (`caption`).",
    "question": "Une question numérotée, avec la place de répondre ; sa sorte est `type`.",
    "table": "Un tableau à remplir, une ligne par élément de `sections`.",
}
BLOCK_KINDS = tuple(BLOCKS)


def kind_of(type_value, has_options: bool) -> Kind:
    """The kind of a question: the one its type names, else choice when it has options, else open."""
    if isinstance(type_value, str) and type_value in KINDS:
        return KINDS[type_value]
    return KINDS["choice" if has_options else "open"]


def question_fields(kind: Kind) -> dict[str, Field]:
    """The keys a question of this kind accepts."""
    return {key: f for key, f in QUESTION.items() if key in COMMON_QUESTION_KEYS or key in kind.keys}
