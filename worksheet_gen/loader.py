"""Read YAML sources safely, keeping the line and column of every key and value."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Pos, Problem

MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000


class MDict(dict):
    """A mapping that remembers where it, its keys and its values stand in the source."""

    pos: Pos
    key_pos: dict
    val_pos: dict


class MList(list):
    """A sequence that remembers where it and each of its items stand in the source."""

    pos: Pos
    item_pos: list


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _Budget(Exception):
    pass


def _pos(path: str, mark) -> Pos:
    return Pos(path, mark.line + 1, mark.column + 1)


def _yaml_problem(path: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    pos = _pos(path, mark) if mark is not None else Pos(path, 1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    hint = ""
    if "\\t" in problem or "tab" in problem.lower():
        message = "invalid YAML: a tab character is used for indentation"
        hint = "indent with spaces, never tabs"
    elif "found unexpected end of stream" in problem or "found unknown escape" in problem:
        hint = "check that every quote you open is closed on the same line"
    elif "could not determine a constructor" in problem:
        message = f"refused YAML tag: {problem.split('tag ')[-1]}"
        hint = "only plain YAML is read: remove tags starting with '!'"
    elif "mapping values are not allowed" in problem:
        hint = "a text containing ': ' must be put in quotes"
    return Problem(pos, message, hint)


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Decode source bytes as UTF-8 (a BOM is allowed), or report why not."""
    if len(data) > MAX_BYTES:
        return None, [Problem(Pos(path, 1, 1), f"file is too large ({len(data)} bytes, at most {MAX_BYTES})",
                              "split it into several fiches")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(Pos(path, line, col), f"the file is not UTF-8 (byte 0x{data[exc.start]:02x})",
                              "save it as 'UTF-8' in your editor")]
    return text, []


def parse(path: str, text: str) -> tuple[object, list[Problem]]:
    """Parse YAML text into MDict/MList/scalars, or return the problems found."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(path, exc)]
    finally:
        loader.dispose()
    if node is None:
        return None, [Problem(Pos(path, 1, 1), "the file is empty", "start from the example in docs/format.md")]
    problems: list[Problem] = []
    budget = [MAX_NODES]
    try:
        value = _convert(path, node, loader, problems, budget)
    except _Budget:
        return None, [Problem(_pos(path, node.start_mark), f"the document is too large once aliases are expanded (over {MAX_NODES} values)",
                              "remove anchors (&) and aliases (*)")]
    return value, problems


def _convert(path, node, loader, problems, budget):
    budget[0] -= 1
    if budget[0] < 0:
        raise _Budget
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        problems.append(Problem(_pos(path, node.start_mark), f"refused YAML tag: {node.tag}",
                                "only plain YAML is read: remove tags starting with '!'"))
        return None
    if isinstance(node, yaml.MappingNode):
        out = MDict()
        out.pos, out.key_pos, out.val_pos = _pos(path, node.start_mark), {}, {}
        for key_node, val_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(Problem(_pos(path, key_node.start_mark), "merge keys (<<) are not supported"))
                continue
            key = _convert(path, key_node, loader, problems, budget)
            if isinstance(key, (dict, list)):
                problems.append(Problem(_pos(path, key_node.start_mark), "a key must be a plain word"))
                continue
            key = str(key)
            kpos = _pos(path, key_node.start_mark)
            if key in out:
                first = out.key_pos[key]
                problems.append(Problem(kpos, f"duplicate key '{key}' (first given at line {first.line})",
                                        "keep only one of them"))
                continue
            out[key] = _convert(path, val_node, loader, problems, budget)
            out.key_pos[key] = kpos
            out.val_pos[key] = _pos(path, val_node.start_mark)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = MList()
        out.pos, out.item_pos = _pos(path, node.start_mark), []
        for item in node.value:
            out.append(_convert(path, item, loader, problems, budget))
            out.item_pos.append(_pos(path, item.start_mark))
        return out
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        problems.append(_yaml_problem(path, exc))
        return None


def load(path: Path, display: str | None = None) -> tuple[object, list[Problem]]:
    """Read and parse one source file."""
    name = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(Pos(name), f"cannot read the file: {exc.strerror}")]
    text, problems = decode(name, data)
    if text is None:
        return None, problems
    return parse(name, text)
