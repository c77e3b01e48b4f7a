"""The loader reads every source alike with libyaml (fast) and with PyYAML's own parser."""

from __future__ import annotations

import pytest
import yaml

from conftest import DATA, SOURCES
from worksheet_gen import loader

FILES = sorted(SOURCES.glob("*.yaml")) + sorted(DATA.rglob("*.yaml"))


def _shape(value):
    """A value with every position the loader recorded, comparable with ==."""
    if isinstance(value, loader.MDict):
        return ("map", value.pos, [(k, value.key_pos[k], value.val_pos[k], _shape(v)) for k, v in value.items()])
    if isinstance(value, loader.MList):
        return ("seq", value.pos, [(p, _shape(v)) for p, v in zip(value.item_pos, value)])
    return value


def test_libyaml_is_used_here():
    assert yaml.__with_libyaml__  # else the comparison below compares PyYAML with itself


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_values_positions_and_problems_with_or_without_libyaml(path, monkeypatch):
    name = path.name
    fast = loader.load(path, name)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    slow = loader.load(path, name)
    assert _shape(fast[0]) == _shape(slow[0])
    assert fast[1] == slow[1]


@pytest.mark.parametrize("text", [
    "title: T\noptions: [Oui ?, Non ?]\n",
    "answer: [Pourquoi?]\n",
    "a: {b: c ?}\n",
    "a: [x,\n  y ?]\n",
])
def test_where_libyaml_and_pyyaml_disagree_pyyaml_decides(text, monkeypatch):
    fast = loader.parse("x.yaml", text)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    slow = loader.parse("x.yaml", text)
    assert (_shape(fast[0]), fast[1]) == (_shape(slow[0]), slow[1])


def test_many_values_without_aliases_are_not_blamed_on_aliases():
    from worksheet_gen.loader import parse

    _, problems = parse("many.yaml", "title: x\nlevels:\n" + "- x\n" * 120_000)
    assert [p.message for p in problems] == ["the file holds too many values (over 100000)"]
