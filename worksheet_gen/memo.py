"""What a process keeps of the fiche it renders: memos that its student sheet and its corrigé share (and every
rebuild of `watch`), emptied together when the process moves on to another fiche.

A build of many fiches renders each one once: what a fiche's texts keep is of no use to the next, and full memos
cost the garbage collector, which goes through them at each of its passes (a sixth of the time of a tree build's
rendering processes when they held the texts of thirty fiches, and a third of their memory)."""

from __future__ import annotations

_MEMOS: list[dict] = []
_serving: list = [None]  # what the memos hold the texts of


def memo() -> dict:
    """A new memo, emptied by serve() when the fiche changes."""
    table: dict = {}
    _MEMOS.append(table)
    return table


def serve(fiche: object) -> None:
    """Before a fiche is rendered: empty every memo when they were filled for another one."""
    if _serving[0] != fiche:
        for table in _MEMOS:
            table.clear()
        _serving[0] = fiche
