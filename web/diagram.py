"""The lifecycle diagram, laid out from the `transitions` declaration itself: states in
layers by their longest path from the initial state, an arrow for every transition
between two states, and the actions that stay in a state written under it. Nothing of it
is drawn by hand; the template `_svg.html` draws what this computes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from domain.lifecycle import Lifecycle

BOX_W, BOX_H, GAP_X, PAD, LINE = 112, 40, 44, 12, 12  # LINE: one action under a box
TOP = 30  # room above the first row, where arrows back to an earlier state run


@dataclass(frozen=True)
class Box:
    state: str
    x: float
    y: float
    current: bool
    stays: list[str]  # actions that leave the state as it is

    @property
    def middle(self) -> float:
        return self.x + BOX_W / 2


@dataclass(frozen=True)
class Arrow:
    path: str
    action: str | None  # the label; None where an arrow to the same place is labelled
    label_x: float
    label_y: float


@dataclass
class Diagram:
    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    box_width: int = BOX_W
    box_height: int = BOX_H


def layers(lifecycle: Lifecycle) -> dict[str, int]:
    """Each state's layer: the longest path to it from the initial state (back edges,
    such as a rejection, do not count)."""
    order = {state: index for index, state in enumerate(lifecycle.states)}
    forward = defaultdict(set)
    for source, dest, _ in lifecycle.edges():
        if order[dest] > order[source]:
            forward[source].add(dest)
    layer = {lifecycle.initial: 0}
    for state in lifecycle.states:  # declared in lifecycle order: sources come first
        for dest in forward[state]:
            layer[dest] = max(layer.get(dest, 0), layer.get(state, 0) + 1)
    return layer


def positions(lifecycle: Lifecycle, gap_y: float) -> dict[str, tuple[float, float]]:
    """Where each state's box goes: layers left to right, the states of a layer stacked."""
    stacked: dict[int, list[str]] = defaultdict(list)
    for state, layer in layers(lifecycle).items():
        stacked[layer].append(state)
    return {
        state: (PAD + layer * (BOX_W + GAP_X), TOP + row * (BOX_H + gap_y))
        for layer, states in stacked.items()
        for row, state in enumerate(sorted(states, key=lifecycle.states.index))
    }


def diagram(lifecycle: Lifecycle, current: str, drawn_apart: Lifecycle | None = None) -> Diagram:
    """`drawn_apart`: a sub-lifecycle (an amendment's) whose decisions its own diagram
    shows; of them, only the action that opens one stays on this one."""
    apart = set(drawn_apart.actions) if drawn_apart else set()
    stays: dict[str, list[str]] = defaultdict(list)
    for source, dest, action in lifecycle.edges():
        if source == dest and action not in stays[source] and action not in apart:
            stays[source].append(action)
    below = LINE * max((len(actions) for actions in stays.values()), default=0) + 6
    at = positions(lifecycle, gap_y=below + 56)
    arrows, labelled = [], set()
    for source, dest, action in lifecycle.edges():
        if source != dest:
            label = None if (dest, action) in labelled else action
            arrows.append(_arrow(at[source], at[dest], label))
            labelled.add((dest, action))
    boxes = [Box(state, x, y, state == current, stays[state]) for state, (x, y) in at.items()]
    width = max(x for x, _ in at.values()) + BOX_W + PAD
    height = max(y for _, y in at.values()) + BOX_H + PAD + below
    return Diagram(width, height, boxes, arrows)


def _arrow(source: tuple[float, float], dest: tuple[float, float], action: str | None) -> Arrow:
    """Forward along a row: straight; back along a row: over the boxes; to another row:
    down from the box's corner, across the gap between rows, down again."""
    (sx, sy), (dx, dy) = source, dest
    if sy == dy and dx > sx:
        path = f"M{sx + BOX_W},{sy + BOX_H / 2} L{dx},{dy + BOX_H / 2}"
        return Arrow(path, action, (sx + BOX_W + dx) / 2, sy + BOX_H / 2 - 6)
    if sy == dy:
        over = sy - 14
        path = f"M{sx + BOX_W / 2},{sy} V{over} H{dx + BOX_W / 2} V{dy}"
        return Arrow(path, action, (sx + dx + BOX_W) / 2, over - 4)
    bus = dy - 18
    path = f"M{sx + BOX_W - 12},{sy + BOX_H} V{bus} H{dx + BOX_W / 2} V{dy}"
    return Arrow(path, action, dx + BOX_W / 2 + 30, bus - 4)
