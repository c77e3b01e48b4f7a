"""The answer space under a question's prompt, one builder per value of spec.Kind.layout.

A builder gets the story (styles, profile, the view), the question, its explanation items and the
reporter of its answer's place, and returns flowables of the same size in both views: only the
corrigé (``story.answers``) fills them in. A kind of question drawn in a new way adds its builder here.
"""

from __future__ import annotations

from collections.abc import Callable

from ..form import plan
from ..model import Question
from .flowables import AnswerSpace

SPACES: dict[str, Callable] = {}


def space(name: str):
    """Register the builder of the answer space named name."""
    def register(build: Callable) -> Callable:
        SPACES[name] = build
        return build
    return register


@space("boxes")
def boxes(story, q: Question, explained: list, report) -> list:
    """A box per option, ticked in the corrigé; the explanation beside them, or on lines to justify."""
    ticked = [i for i, o in enumerate(q.options) if o in q.answer]
    beside = explained[0][0] if explained and not q.lines else None  # measured in both views, drawn in one
    out = [story.choices(q, ticked=ticked, explain=beside, report=report, field=story.spot(q))]
    if q.lines:
        lines, _ = story.room(q.lines, explained)
        out.append(AnswerSpace(lines, q.ruling, explained if story.answers else [], profile=story.p, report=report,
                               field=story.spot(q, plan.JUSTIFY), more=story.more(q)))
    return out


@space("lines")
def lines(story, q: Question, explained: list, report) -> list:
    """Ruled lines the model answer is written on; a list gets a bullet where each expected item starts."""
    listed = q.kind.answer == "list"
    if listed:
        items = [(story.m(a), story.st.answer) for a in q.answer]
    else:
        items = [item for a in q.answer for item in story.answer_items(a)]
    items += explained
    count, marks = story.room(q.lines, items, bullets=listed, explained=bool(explained))
    return [AnswerSpace(count, q.ruling, items if story.answers else [], profile=story.p, bullets=listed,
                        report=report, marks=marks, field=story.spot(q), more=story.more(q))]
