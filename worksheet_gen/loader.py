"""Read YAML sources safely, keeping the line and column of every key and value.

Only plain YAML is read: mappings, sequences and scalars. Every scalar comes back as the
text written in the source (``12:30`` stays ``"12:30"``, ``No`` stays ``"No"``); the
validator converts numbers and booleans where the format expects them. A plain ``~``,
``null`` or an empty value comes back as ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from . import quickyaml  # first: yaml imported quickly
import yaml

from . import files
from .errors import CANNOT_READ, CHECK_READABLE, Pos, Problem, os_reason, quote
from .i18n import _

MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000
MAX_CHARS = MAX_BYTES  # characters once aliases are expanded: never more than the file itself without aliases
MAX_REPORTED = 20  # control characters reported one by one, then summed up

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value", "merge")}
_PLAIN_TAGS = {_CORE + "map", _CORE + "seq"}
_NON_PRINTABLE = quickyaml.NON_PRINTABLE  # the characters PyYAML refuses to read
_QUOTE_HINT = _("put the whole text in quotes")
COLON = _("a text contains ': ' (a colon followed by a space)")
SEE_EXAMPLE = _("compare with the example in docs/format.md")
SPLIT = _("split it into several fiches")
SAVE_UTF8 = _("save it again with the encoding 'UTF-8' in your editor")
DASH = _("a '-' starts a list item only when a space follows it")
SPACE_AFTER_DASH = _("put a space after '-': '- {key}: …'")
NO_DASH = _("a '- ' is probably missing before this text: the items of the list around it start with '- '")
# A '?' in a flow collection (see _compose): after an opening bracket with no bracket between them.
# Stopping at any bracket keeps the search linear; « [[[[… » made the old [^\]}]* quadratic.
_FLOW_QUESTION = re.compile(r"[\[{][^\[\]{}]*\?")
_CONTROL_NAMES = {"\x00": _("null"), "\x07": _("bell"), "\x08": _("backspace"),
                  "\x0b": _("vertical tab, a Word line break"), "\x0c": _("form feed, a Word page break"),
                  "\x1b": _("escape"), "\x7f": _("delete")}


class MDict(dict):
    """A mapping that remembers where it, its keys and its values stand in the source, and which values
    were written in quotes or as a block (``quoted``: a plain 3 is a number to an editor, '3' a text).

    The top mapping of a file also holds ``source``, the lines of the file.
    """

    pos: Pos
    key_pos: dict
    val_pos: dict
    quoted: set
    source: list
    more: list  # in a list, the items that followed this one without their '- ' (read as items after it)


class MList(list):
    """A sequence that remembers where it and each of its items stand in the source."""

    pos: Pos
    item_pos: list
    quoted: set  # the indexes of the items written in quotes or as a block
    source: list
    flow: bool = False


class _Budget(Exception):
    def __init__(self, mark, aliased: bool):
        self.mark, self.aliased = mark, aliased


def _pos(path: str, mark) -> Pos:
    return Pos(path, mark.line + 1, mark.column + 1)


def _tag(tag: str) -> str:
    """A tag as the user wrote it: '!!python/object' rather than 'tag:yaml.org,2002:python/object'."""
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def _yaml_problem(path: str, text: str, exc: yaml.YAMLError) -> Problem:
    """Turn a PyYAML error into a message a teacher can act on."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    pos = _pos(path, mark) if mark is not None else Pos(path, 1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None) or ""
    line = text.splitlines()[mark.line] if mark is not None and mark.line < len(text.splitlines()) else ""
    before = line[: mark.column] if mark is not None else ""

    def at(m) -> Pos:
        return _pos(path, m) if m is not None else pos

    if "'\\t'" in problem or "tab" in problem:
        if not before.strip():
            return Problem(pos, _("a tab is used to indent this line"), _("indent with spaces, never tabs"))
        return Problem(pos, _("a tab character cannot be used here"),
                       _("replace it with spaces, or put the whole text in quotes"))
    if mark is not None and _apostrophe(line, mark.column):  # « 'il faut qu'on ralentisse' »
        return Problem(Pos(path, pos.line, mark.column), _("this apostrophe ends the text written between ' '"),
                       _('put the text between double quotes "…", or write the apostrophe twice: \'\''))
    opened = _quote_closed_late(text, mark) if mark is not None and "while scanning" not in context else None
    if opened is not None:  # « answer: "3 » left open: its quote closes lines later, where the error shows
        return Problem(_pos(path, opened),
                       _("this quote is not closed on its line: it closes only at line {line}").format(
                           line=mark.line + 1), _("close it with the same quote mark at the end of the text"))
    dash = _dash_without_space(path, text, mark, before) if mark is not None else None
    if dash is not None:  # « -question: … »
        return dash
    if "quoted scalar" in context and "end of stream" in problem:
        return Problem(at(context_mark), _("this quote is never closed"),
                       _("close it with the same quote mark at the end of the text"))
    if "unknown escape character" in problem:
        char = problem.rsplit(" ", 1)[-1].strip("'")
        return Problem(pos, _("'\\{char}' is not allowed in a text between double quotes").format(char=char),
                       _("use single quotes ('…') or write \\\\ for a backslash"))
    if "cannot start any token" in problem:
        char = problem.split("'")[1]
        return Problem(pos, _("a text cannot start with '{char}'").format(char=char), _QUOTE_HINT)
    if "scanning an alias" in context or "scanning an anchor" in context or "undefined alias" in problem:
        char = "&" if "anchor" in context else "*"
        return Problem(at(context_mark) if context_mark else pos, _("a text cannot start with '{char}'").format(char=char),
                       _('put the whole text in quotes, e.g. "*important* : …"'))
    if "mapping values are not allowed" in problem:
        above = _above(text, mark.line) if mark is not None else None
        colon = _key_colon(path, text, above) if above is not None else None
        if colon is not None:  # « - question Le trac… » or « answer:20 » above: it took this line as its text
            return colon
        undashed = _text_run(text, mark.line) if re.fullmatch(r"\s*-\s+[^:]*", before) else None
        dash = _no_dash(path, text, undashed, among=True) if undashed is not None else None
        if dash is not None:  # a text without '- ' above « - callout: … »: YAML read both lines as one text
            return dash
        if re.fullmatch(r"\s*[^\s:#'\"-][^:#]*", before):
            return Problem(Pos(path, pos.line, len(before) - len(before.lstrip()) + 1),
                           _("this key is indented more than the key above it"),
                           _("keys of the same item must start in the same column"))
        return Problem(pos, COLON, _QUOTE_HINT)
    if "found '<scalar>'" in problem and before.rstrip().endswith(('"', "'")):
        return Problem(pos, _("the text goes on after its closing quote"), _("put the whole text inside the quotes"))
    if ("expected <block end>" in problem or "did not find expected key" in problem
            or "did not find expected '-'" in problem):
        return Problem(pos, _("the indentation of this line does not match the lines above"),
                       _("keys of the same item start in the same column, list items with '- ' too"))
    if "could not find expected ':'" in problem:
        colon = _key_colon(path, text, context_mark.line) if context_mark is not None else None
        if colon is not None:
            return colon
        dash = _no_dash(path, text, context_mark.line) if context_mark is not None else None
        if dash is not None:  # « - Premier. » then « Second. », its '- ' forgotten
            return dash
        return Problem(at(context_mark), _("this line has no ':' after its key"),
                       _("write 'key: value', or indent a text that goes on from the line above"))
    if "flow sequence" in context or "flow mapping" in context or "flow node" in context:
        bracket = "{" if "mapping" in context else "["
        opened = _flow_opened(text, mark) if "flow node" in context and mark is not None else None
        if opened is not None:  # « options: [ » and nothing after it on its line: said at the bracket, not below
            bracket, context_mark = ("{" if isinstance(opened, yaml.FlowMappingStartToken) else "["), opened.start_mark
        return Problem(at(context_mark), _("the '{bracket}' opened here is never closed").format(bracket=bracket),
                       _("close it on the same line, or write the items one per line with '- '"))
    if "block scalar" in context:
        return Problem(pos, _("after '|' or '>' the text must start on the next line"),
                       _("move the text to the next line"))
    if "single document" in context:
        return Problem(pos, _("the file holds more than one document ('---')"), _("keep one fiche per file"))
    if "duplicate anchor" in context:
        return Problem(pos, _("the anchor '&{name}' is defined twice").format(name=context.split(chr(39))[1]),
                       _("rename one of them"))
    detail = problem + (f" ({context})" if context else "")
    return Problem(pos, _("invalid YAML: {detail}").format(detail=detail), SEE_EXAMPLE)


def _apostrophe(line: str, column: int) -> bool:
    """Whether the error at column follows a quote between two letters: the apostrophe of « qu'on » that
    ended a text written between ' '."""
    return 2 <= column < len(line) and line[column - 1] == "'" and line[column - 2].isalpha() \
        and line[column].isalpha()


def _above(text: str, number: int) -> int | None:
    """The index of the nearest line above line index number that holds more than a comment; else None."""
    lines = text.splitlines()
    return next((n for n in range(min(number, len(lines)) - 1, -1, -1)
                 if lines[n].strip() and not lines[n].lstrip().startswith("#")), None)


# A key of the format and what follows it on its line, the ': ' between them missing or without its space
# (the key's letters taken all at once: no backtracking through a long word).
_KEY_LINE = re.compile(r"(\s*(?:-\s+)?)([a-z]{1,20})(?![a-z])(:?)(?:(?<=:)(?=[^\s:])|(?<![:])\s+(?=[^\s:#]))(.*)")


def _key_colon(path: str, text: str, number: int) -> Problem | None:
    """The problem of line index number when it starts with a key of the format written without ': ' after it
    (« - question Le trac… », « answer:20 minutes »); else None."""
    from .spec import OBJECTS  # the keys of the format: a sentence starting with another word is a text

    lines = text.splitlines()
    m = _KEY_LINE.fullmatch(lines[number]) if 0 <= number < len(lines) else None
    if m is None or not any(m.group(2) in keys for keys in OBJECTS.values()):
        return None
    lead, key, colon, rest = m.groups()
    if not colon and re.search(r":(\s|$)", rest):  # « question Le trac : vrai ? », a text with a key in it
        return None
    rest = rest.strip()
    shown = f"{key}: {rest if len(rest) <= 40 else rest[:39] + '…'}"
    if colon:
        return Problem(Pos(path, number + 1, len(lead) + len(key) + 1),
                       _("the ':' after the key {key} must be followed by a space").format(key=quote(key)),
                       _("write {text}").format(text=quote(shown)))
    return Problem(Pos(path, number + 1, len(lead) + 1), _("the key {key} has no ':' after it").format(key=quote(key)),
                   _("write {text}").format(text=quote(shown)))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _text_run(text: str, number: int) -> int | None:
    """The first line of the plain text that ends above line index number, a list item (« - callout: … »), at
    its indentation: lines YAML read as one text running into that item; else None."""
    lines = text.splitlines()
    column, first = _indent(lines[number]), None
    for n in range(number - 1, -1, -1):
        line = lines[n]
        if not line.strip() or line.lstrip().startswith("#") or _indent(line) > column:
            continue  # a blank line, a comment, a line that goes on from the one above
        if _indent(line) < column or line.lstrip().startswith("-") or re.search(r":(\s|$)", line):
            break  # the key that holds the list, an item, a key of the same item
        first = n
    return first


def _no_dash(path: str, text: str, number: int, among: bool = False) -> Problem | None:
    """The problem of line index number when it is a text without '- ' among items of a list that start with
    one (the nearest line at its indentation, above or below it, is an item; ``among``: known to be); else None."""
    lines = text.splitlines()
    line = lines[number] if 0 <= number < len(lines) else ""
    if not line.strip() or line.lstrip().startswith(("-", "#", "'", '"')):
        return None
    column = _indent(line)

    def item(numbers) -> bool:
        for n in numbers:
            other = lines[n]
            if other.strip() and not other.lstrip().startswith("#") and _indent(other) <= column:
                return _indent(other) == column and re.match(r"-(\s|$)", other.lstrip()) is not None
        return False

    if not (among or item(range(number - 1, -1, -1)) or item(range(number + 1, len(lines)))):
        return None
    shown = "- " + line.strip()
    return Problem(Pos(path, number + 1, column + 1), NO_DASH,
                   _("write {text}").format(text=quote(shown if len(shown) <= 40 else shown[:39] + "…")))


_GLUED_DASH = re.compile(r"(\s*)-([^\s:-][^:\s]*)(:(?:\s|$))?")  # « -question: », « -Oui »


def _dash_without_space(path: str, text: str, mark, before: str) -> Problem | None:
    """The problem of a '-' glued to what follows it (« -question: »), where the error is or as a key on the
    nearest line above it; else None."""
    lines = text.splitlines()
    number = mark.line
    m = _GLUED_DASH.match(lines[number]) if number < len(lines) and not before.strip() else None
    if m is None:
        number = _above(text, mark.line)
        m = _GLUED_DASH.match(lines[number]) if number is not None else None
        m = m if m and m.group(3) else None
    if m is None:
        return None
    return Problem(Pos(path, number + 1, len(m.group(1)) + 1), DASH,
                   (SPACE_AFTER_DASH if m.group(3) else _("put a space after '-': '- {key} …'")).format(
                       key=m.group(2)))


def _tokens(text: str, mark):
    """The tokens of text that start before ``mark`` or at it, until the scanner stops."""
    fast = getattr(yaml, "__with_libyaml__", False) and "\t" not in text and "\ufeff" not in text
    loader = (yaml.CSafeLoader if fast else yaml.SafeLoader)(text)  # libyaml scans ten times faster
    try:
        while True:
            token = loader.get_token()
            if token is None or token.start_mark.index > mark.index:
                return
            yield token
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def _quote_closed_late(text: str, mark):
    """Where a quoted text that ends on the line of ``mark``, before it, was opened on an earlier line; else None."""
    for token in _tokens(text, mark):
        if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") \
                and token.end_mark.line == mark.line and token.end_mark.index <= mark.index:
            return token.start_mark if token.start_mark.line < mark.line else None
    return None


def _flow_opened(text: str, mark):
    """The token of the innermost '[' or '{' still open at ``mark``; else None."""
    opened = []
    for token in _tokens(text, mark):
        if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            opened.append(token)
        elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and opened:
            opened.pop()
    return opened[-1] if opened else None


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with a zero byte after (or before) each character."""
    head = data[:8]
    return len(head) == 8 and (head[1::2] == b"\0" * 4 or head[0::2] == b"\0" * 4)


def _too_large(path: str, size: int) -> Problem:
    return Problem(Pos(path, 1, 1), _("the file is too large ({size} KiB, at most {limit} KiB)").format(size=size // 1024,
                                                                                limit=MAX_BYTES // 1024),
                   SPLIT)


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Decode source bytes as UTF-8 (a BOM is allowed), or report why not."""
    if len(data) > MAX_BYTES:
        return None, [_too_large(path, len(data))]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        return None, [Problem(Pos(path, 1, 1), _("the file is saved as UTF-16, not UTF-8"), SAVE_UTF8)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1: exc.start].decode("utf-8", "replace")) + 1
        byte = data[exc.start]
        guess = bytes([byte]).decode("cp1252", "replace")
        if guess.isprintable() and guess != "\ufffd":
            message = _("the file is not UTF-8: byte 0x{byte} ('{char}' in Windows-1252) cannot be read")
        else:
            message = _("the file is not UTF-8: byte 0x{byte} cannot be read")
        return None, [Problem(Pos(path, line, col), message.format(byte=f"{byte:02X}", char=guess), SAVE_UTF8)]
    return text, []


def _control_characters(path: str, text: str) -> tuple[str, list[Problem]]:
    """Report characters YAML refuses (control characters); return the text with spaces in their place."""
    found = list(_NON_PRINTABLE.finditer(text))
    problems = []
    for m in found[:MAX_REPORTED]:
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        ch = m.group()
        name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "").lower()
        problems.append(Problem(Pos(path, line, col),
                                (_("invisible control character U+{code} ({name})") if name else
                                 _("invisible control character U+{code}")).format(code=f"{ord(ch):04X}", name=name),
                                _("delete it: it often comes from copying text out of another program")))
    if len(found) > MAX_REPORTED:
        problems.append(Problem(problems[-1].pos, _("{count} more control characters in the file").format(
                                    count=len(found) - MAX_REPORTED), _("retype the text or paste it as plain text")))
    return _NON_PRINTABLE.sub(" ", text), problems


def parse(path: str, text: str) -> tuple[object, list[Problem]]:
    """Parse YAML text into MDict/MList/str/None, or return the problems found."""
    text, problems = _control_characters(path, text)
    try:
        node = _compose(text)
    except yaml.YAMLError as exc:
        return None, problems + [_yaml_problem(path, text, exc)]
    except RecursionError:
        return None, problems + [Problem(Pos(path, 1, 1), _('the file is nested too deeply'),
                                         _('compare with the example in docs/format.md'))]
    empty = Problem(Pos(path, 1, 1), _('the file is empty'), _('start from the example in docs/format.md'))
    if node is None:
        return None, problems + [empty]
    # Values and characters left to read; the text, for refused tags; the nodes met (an alias meets one again).
    budget = [MAX_NODES, MAX_CHARS, text, set(), False]
    try:
        value = _convert(path, node, problems, budget)
    except _Budget as exc:
        if not exc.aliased:  # plainly that many values: no anchor to blame
            return None, problems + [Problem(_pos(path, exc.mark), _("the file holds too many values (over {limit})")
                                             .format(limit=MAX_NODES), SPLIT)]
        return None, problems + [Problem(_pos(path, exc.mark), _(
            "the file is too large once its aliases (*) are expanded (over {limit} values or {size} KiB of text)")
            .format(limit=MAX_NODES, size=MAX_CHARS // 1024), _("remove anchors (&) and aliases (*)"))]
    except RecursionError:
        return None, problems + [Problem(Pos(path, 1, 1), _('the file is nested too deeply'),
                                         _('compare with the example in docs/format.md'))]
    if value is None:  # '---', '~' or 'null' alone: a document holding nothing
        return None, problems + [empty]
    if isinstance(value, (MDict, MList)):
        value.source = text.splitlines()
    return value, problems


def _compose(text: str):
    """The YAML node tree of text: libyaml when PyYAML has it (about ten times faster), else,
    and for any text it refuses, PyYAML's own parser, whose error messages _yaml_problem words.
    Where the two differ, PyYAML decides: tabs (libyaml accepts some PyYAML refuses), a BOM
    (libyaml counts it in its offsets) and a '?' inside [ ] or { } (libyaml reads
    « [Oui ?, Non ?] », PyYAML refuses it)."""
    if getattr(yaml, "__with_libyaml__", False) and "\t" not in text and "\ufeff" not in text \
            and not _FLOW_QUESTION.search(text):
        loader = yaml.CSafeLoader(text)
        try:
            return loader.get_single_node()
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _convert(path: str, node, problems: list, budget: list, listed: bool = False):
    """The value of a node as MDict/MList/str/None; ``listed``: the node is an item of a sequence."""
    budget[0] -= 1
    if isinstance(node, yaml.ScalarNode):
        budget[1] -= len(node.value)
    elif not budget[4]:
        budget[4] = id(node) in budget[3]
        budget[3].add(id(node))
    if budget[0] < 0 or budget[1] < 0:
        raise _Budget(node.start_mark, budget[4])
    if node.tag not in _PLAIN_TAGS and node.tag not in _SCALAR_TAGS:
        # Reported once, then read as the text written, so that nothing else is reported for it.
        problems.append(Problem(_pos(path, node.start_mark), _("refused YAML tag {tag}").format(tag=quote(_tag(node.tag))),
                                _("only plain YAML is read: remove the tag, or put the whole text in quotes")))
        if not isinstance(node, yaml.ScalarNode):
            return budget[2][node.start_mark.index:node.end_mark.index]
    if isinstance(node, yaml.MappingNode):
        out = cur = _mdict(path, node.start_mark)
        for key_node, val_node in node.value:
            kpos = _pos(path, key_node.start_mark)
            if key_node.tag == _CORE + "merge":
                problems.append(Problem(kpos, _("merge keys (<<) are not supported"), _("write the keys out in full")))
                continue
            key = _convert(path, key_node, problems, budget)
            if isinstance(key, (dict, list)):
                problems.append(Problem(kpos, _("a key must be a plain word"), _("write 'key: value'")))
                continue
            if key is None:
                problems.append(Problem(kpos, _("a key is missing before ':'"),
                                        _("write 'key: value', e.g. 'title: …'")))
                continue
            if listed and not node.flow_style and cur and _starts_item(key, next(iter(cur))):  # the '- ' of a new item forgotten
                problems.append(Problem(kpos, _("a '- ' is probably missing before {key} at line {line}: it "
                                                "starts a new item after the one at line {first}").format(
                    key=quote(key + ":"), line=kpos.line, first=cur.key_pos[next(iter(cur))].line),
                    _("write '- {key}: …'").format(key=key)))
                cur = _mdict(path, key_node.start_mark)  # the keys from here on are that item's, read as such
                out.more.append(cur)
            if key in cur:
                first = cur.key_pos[key]
                problems.append(Problem(kpos, _("duplicate key {key} (first given at line {line})").format(
                    key=quote(key), line=first.line), _("keep only one of them")))
                continue
            cur[key] = _convert(path, val_node, problems, budget)
            cur.key_pos[key] = kpos
            cur.val_pos[key] = _pos(path, val_node.start_mark)
            if _quoted(val_node):
                cur.quoted.add(key)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = MList()
        out.pos, out.item_pos, out.quoted = _pos(path, node.start_mark), [], set()
        out.flow = bool(node.flow_style)  # written [a, b]: a comma there separates items
        for item in node.value:
            if _quoted(item):
                out.quoted.add(len(out))
            value = _convert(path, item, problems, budget, listed=True)
            out.append(value)
            out.item_pos.append(_pos(path, item.start_mark))
            for more in getattr(value, "more", ()):  # items whose '- ' was forgotten, read as items
                out.append(more)
                out.item_pos.append(more.pos)
        return out
    if node.tag == _CORE + "null" and not node.style:  # libyaml marks plain scalars with '', PyYAML with None
        return None
    return node.value


def _mdict(path: str, mark) -> MDict:
    out = MDict()
    out.pos, out.key_pos, out.val_pos, out.quoted, out.more = _pos(path, mark), {}, {}, set(), []
    return out


def _starts_item(key: str, first: str) -> bool:
    """Whether key, met in an item of a list whose first key is first, starts an item of its own: the first key
    again (a second « question: »), or a kind of block after another (« question: » in a « table: »)."""
    from .spec import BLOCK_KINDS  # the keys a block of content starts with

    return key == first or (key in BLOCK_KINDS and first in BLOCK_KINDS)


def _quoted(node) -> bool:
    """Whether a scalar is written in quotes or as a block (| or >): a text to YAML 1.2, never a number."""
    return isinstance(node, yaml.ScalarNode) and bool(node.style)


def load(path: Path, display: str | None = None) -> tuple[object, list[Problem]]:
    """Read and parse one source file."""
    name = display or str(path)
    try:
        data = files.read(path, MAX_BYTES)
    except files.TooLarge as exc:
        return None, [_too_large(name, exc.size)]
    except OSError as exc:
        return None, [Problem(Pos(name), CANNOT_READ.format(reason=os_reason(exc)), CHECK_READABLE)]
    text, problems = decode(name, data)
    if text is None:
        return None, problems
    return parse(name, text)
