"""The body frame's fast deep copy (render.BodyFrame) is reportlab's deep copy of a Frame."""

from __future__ import annotations

from copy import deepcopy

from worksheet_gen.render import BodyFrame  # first: it imports reportlab as the command does
from reportlab.platypus import Frame  # noqa: E402,I001


def test_a_deep_copy_of_the_body_frame_is_reportlabs_and_shares_nothing_that_changes():
    args = (42.5, 30, 510.2, 760.1)
    ours, theirs = BodyFrame(*args, id="body"), Frame(*args, id="body")
    for frame in (ours, theirs):
        frame._y -= 100.25  # as after a few flowables
        frame._frameBGs = [("bg", [1, 2])]  # as the page template sets it
    copied, expected = deepcopy(ours), deepcopy(theirs)
    assert type(copied) is BodyFrame and vars(copied) == vars(expected)
    assert copied._frameBGs is not ours._frameBGs and copied._frameBGs[0][1] is not ours._frameBGs[0][1]
    copied._y = 0
    copied.x1 = 10  # a geometry attribute: reportlab recomputes the others
    assert (ours._y, ours._x1, copied._x2) == (theirs._y, 42.5, 10 + 510.2)
