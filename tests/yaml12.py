"""Read YAML as an editor does: YAML 1.2 with its core schema, as the `yaml` package inside
yaml-language-server reads it (tests/test_editor.py checks that the two agree).

ruamel.yaml parses; plain scalars are resolved here with the regular expressions of the YAML 1.2.2
core schema (section 10.3.2) rather than with ruamel's own resolver, which also reads 1_000, 0b11 and
dates as numbers. Written apart from worksheet_gen/values.py on purpose: it is what the validator is
compared with.
"""

from __future__ import annotations

import math
import re

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

CORE = [
    (re.compile(r"~|null|Null|NULL|"), lambda t: None),
    (re.compile(r"true|True|TRUE"), lambda t: True),
    (re.compile(r"false|False|FALSE"), lambda t: False),
    (re.compile(r"[-+]?[0-9]+"), int),
    (re.compile(r"0o[0-7]+"), lambda t: int(t[2:], 8)),
    (re.compile(r"0x[0-9a-fA-F]+"), lambda t: int(t[2:], 16)),
    (re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"), float),
    (re.compile(r"[-+]?(\.inf|\.Inf|\.INF)"), lambda t: -math.inf if t.startswith("-") else math.inf),
    (re.compile(r"\.nan|\.NaN|\.NAN"), lambda t: math.nan),
]


class Duplicate(ValueError):
    """A mapping holds the same key twice: an editor reports it."""


def resolve(text: str, plain: bool):
    """A scalar's value: a plain scalar as the core schema reads it, any other as its text."""
    if plain:
        for pattern, convert in CORE:
            if pattern.fullmatch(text):
                return convert(text)
    return text


def _key(value) -> str:
    """A key as JSON names it."""
    return {True: "true", False: "false", None: "null"}.get(value, str(value)) if not isinstance(value, str) else value


def _value(node):
    if isinstance(node, ScalarNode):
        return resolve(node.value, not node.style)
    if isinstance(node, SequenceNode):
        return [_value(item) for item in node.value]
    assert isinstance(node, MappingNode)
    out = {}
    for key_node, value_node in node.value:
        key = _key(_value(key_node))
        if key in out:
            raise Duplicate(key)
        out[key] = _value(value_node)
    return out


def load(text: str):
    """The data of a YAML 1.2 document; raises on a syntax error or a duplicate key."""
    node = YAML(typ="safe", pure=True).compose(text)
    return None if node is None else _value(node)
