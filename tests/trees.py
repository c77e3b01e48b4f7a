"""Walking a parsed YAML tree (dicts, lists, scalars) to mutate it: the fuzz and agreement tests share it."""

from __future__ import annotations


def places(node, path=()):
    """The path (keys and indexes) of every node of the tree, the root's () first."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from places(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from places(value, path + (i,))


def holder(tree, path):
    """The dict or list holding the node at path."""
    for step in path[:-1]:
        tree = tree[step]
    return tree
