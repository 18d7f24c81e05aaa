"""Small-count suppression: the one function every figure passes through.

Counts form trees: a contact point's count adds up to its municipality's,
municipalities to their county's, counties to a district's and to the
country's. ``suppress`` decides, for the whole tree at once, what may be shown:

1. Every count from 0 to 4 is hidden and shown as "<5" (zero too, so that
   zero and one cannot be told apart).
2. A total is hidden as well (shown as "–") when, together with what else is
   shown, it would let someone work out a hidden part: for example a total
   with one hidden part, or one whose hidden parts could only all be 0.
   This repeats up the tree until nothing changes.

Only totals are ever hidden for the second reason, so every hidden count that
remains in a shown sum shares it with others that can vary. Because every
figure on a page, in a chart or in a CSV file comes from one call over the
whole tree, the same count is shown the same way everywhere.
"""

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from selvhjelp.counts import SMALLEST_COUNT_SHOWN

THRESHOLD = SMALLEST_COUNT_SHOWN
SMALL = THRESHOLD - 1


class Reason(Enum):
    SHOWN = "shown"
    SMALL = "small"  # a count from 0 to 4
    COMPLEMENT = "complement"  # hidden so that a small count cannot be worked out


@dataclass(frozen=True)
class Shown:
    """A count as it may be shown."""

    value: int | None
    reason: Reason = Reason.SHOWN

    @property
    def hidden(self) -> bool:
        return self.reason is not Reason.SHOWN

    def __str__(self) -> str:
        if self.reason is Reason.SMALL:
            return "<5"
        if self.reason is Reason.COMPLEMENT:
            return "–"
        return str(self.value)


Node = TypeVar("Node", bound=Hashable)


def suppress(
    leaves: Mapping[Node, int],
    parents: Mapping[Node, Iterable[Node]],
    hide: Iterable[Node] = (),
) -> dict[Node, Shown]:
    """Suppress a tree of counts.

    ``leaves`` maps each leaf (e.g. a contact point) to its count; ``parents``
    maps each total to the nodes it adds up (leaves or other totals; a node may
    belong to several totals). ``hide`` names counts that must be hidden
    whatever their size, because another table hides what they would tell (as
    members at start where the number of groups is hidden); what would give
    them away is hidden too. Returns a ``Shown`` for every node.
    """
    relations = [(parent, list(children)) for parent, children in parents.items()]
    children_of = dict(relations)
    values: dict[Node, int] = dict(leaves)

    def value_of(node: Node) -> int:
        if node not in values:
            values[node] = sum(value_of(child) for child in children_of[node])
        return values[node]

    nodes = set(values) | set(children_of)
    reason = {node: Reason.SMALL if value_of(node) < THRESHOLD else Reason.SHOWN for node in nodes}
    for node in hide:
        if reason.get(node) is Reason.SHOWN:
            reason[node] = Reason.COMPLEMENT

    known: dict[Node, tuple[float, float]] = {}  # bounds() so far; emptied whenever a count is hidden

    def bounds(node: Node) -> tuple[float, float]:
        """What someone who sees the figures knows about a count: its least and greatest possible value."""
        if node not in known:
            known[node] = _bounds(node)
        return known[node]

    def _bounds(node: Node) -> tuple[float, float]:
        if reason[node] is Reason.SHOWN:
            return value_of(node), value_of(node)
        low, high = (0.0, math.inf)
        if node in children_of:
            parts = [bounds(child) for child in children_of[node]]
            low, high = sum(p[0] for p in parts), sum(p[1] for p in parts)
        if reason[node] is Reason.SMALL:
            return max(low, 0), min(high, SMALL)
        return max(low, THRESHOLD), high

    def gives_away(parent: Node, children: list[Node]) -> bool:
        """Whether a shown total, with the parts shown beside it, pins down a hidden part."""
        hidden = [child for child in children if reason[child] is not Reason.SHOWN]
        if not hidden:
            return False
        rest = value_of(parent) - sum(value_of(c) for c in children if reason[c] is Reason.SHOWN)
        known = [bounds(child) for child in hidden]
        for i, (low, high) in enumerate(known):
            others_low = sum(b[0] for j, b in enumerate(known) if j != i)
            others_high = sum(b[1] for j, b in enumerate(known) if j != i)
            if min(high, rest - others_low) - max(low, rest - others_high) < 1:
                return True
        return False

    changed = True
    while changed:
        changed = False
        for parent, children in relations:
            if reason[parent] is Reason.SHOWN and gives_away(parent, children):
                reason[parent] = Reason.COMPLEMENT
                known.clear()
                changed = True
    return {node: Shown(None if reason[node] is not Reason.SHOWN else value_of(node), reason[node]) for node in nodes}
