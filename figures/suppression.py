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

Counts of one level may also be split another way: the groups started in each
district by how they met, and in the country as the sum of the districts'.
``suppress_split`` decides the tree exactly as ``suppress`` does (the same
"Groups started" on every page, chart and file), then the parts:

3. Every part from 0 to 4 is hidden and shown as "<5"; a sum of parts that
   would give a hidden part away is hidden as "–", as in the tree.
4. A part is hidden as well ("–") when the parts, the totals, the tree and
   what anyone knows anyway (``public``: a way that no contact point there
   offers) would together let someone work out a hidden count, or narrow a
   hidden total of the tree more than the tree alone does.
5. Where even hiding is not enough (five groups, all met one way, where the
   other ways are offered), the parts concerned are withheld: shown as "–"
   and saying nothing of their size, not even whether it is below 5.
6. A part of 5 or more that anyone can work out anyway, once nothing smaller
   can be, is shown: it tells nothing new.

What someone can work out is found exactly, not by a rule of thumb: the
districts, the ways and the country form a small network of flows, and a
count can take another value exactly when the network still has a feasible
flow with that count changed.

Anyone may also read the year to date for each county and the country, once
more after every closed month. Twelve months add up to a year and the
counties to the country, so those sums and the offices' monthly tables are
one set of published figures: ``suppress_year_to_date`` decides each new
edition of the year against every month's tables and every earlier edition
(rules 7 to 9), with the same exact test, on a network of the year.
"""

import math
from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar, cast

from selvhjelp.counts import SMALLEST_COUNT_SHOWN

THRESHOLD = SMALLEST_COUNT_SHOWN
SMALL = THRESHOLD - 1


class Reason(Enum):
    SHOWN = "shown"
    SMALL = "small"  # a count from 0 to 4
    COMPLEMENT = "complement"  # hidden so that a small count cannot be worked out
    WITHHELD = "withheld"  # a part of a split that says nothing, not even whether it is below 5


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
        if self.reason in (Reason.COMPLEMENT, Reason.WITHHELD):
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


# A bound no count reaches: the top of "at least 5" and of a withheld part.
UNBOUNDED = 10**9


@dataclass(frozen=True)
class Split(Generic[Node]):
    """The children of the top of a tree (e.g. the districts of the country), each with its count
    split by kind (e.g. how the groups started there met); the top splits as their sum."""

    total: Node
    kinds: tuple[str, ...]
    counts: Mapping[Node, Mapping[str, int]]
    # (kind, node) that anyone can tell anyway, whatever is shown: a way no contact point there offers.
    public: frozenset[tuple[str, Node]] = frozenset()


def suppress_split(
    leaves: Mapping[Node, int], parents: Mapping[Node, Iterable[Node]], split: Split[Node]
) -> tuple[dict[Node, Shown], dict[tuple[str, Node], Shown]]:
    """Suppress a tree of counts, as ``suppress`` does, and a split of its top level.

    ``split.counts`` holds each child of ``split.total``, the top of the tree;
    each child's parts add up to its count in the tree. Returns the tree,
    exactly as ``suppress`` returns it, and a ``Shown`` for each
    ``(kind, node)``, the total's included.
    """
    parents = {parent: list(children) for parent, children in parents.items()}
    if any(split.total in children for children in parents.values()):
        raise ValueError("only the top of a tree is split")
    tree = suppress(leaves, parents)
    marks, values = _split_marks(cast(Any, tree), cast(Any, leaves), cast(Any, parents), cast(Any, split))
    parts = [(kind, node) for kind in split.kinds for node in (*parents[split.total], split.total)]
    return tree, {part: Shown(values[part] if marks[part] is Reason.SHOWN else None, marks[part]) for part in parts}


def _split_marks(
    tree: Mapping[Hashable, Shown],
    leaves: Mapping[Hashable, int],
    parents: dict[Hashable, list[Hashable]],
    split: Split[Hashable],
) -> tuple[dict[Hashable, Reason], dict[Hashable, int]]:
    """How each part of a split is shown, and what it is."""
    children = parents[split.total]
    values: dict[Hashable, int] = {
        (kind, child): split.counts.get(child, {}).get(kind, 0) for kind in split.kinds for child in children
    }
    columns: dict[Hashable, list[Hashable]] = {
        (kind, split.total): [(kind, child) for child in children] for kind in split.kinds
    }
    # Rules 1 and 3: a part from 0 to 4 is hidden, and so is a sum of parts that would give one away.
    reason: dict[Hashable, Reason] = {part: shown.reason for part, shown in suppress(values, columns).items()}
    for kind in split.kinds:
        values[(kind, split.total)] = sum(values[(kind, child)] for child in children)
    totals: dict[Hashable, int] = {child: sum(values[(kind, child)] for kind in split.kinds) for child in children}
    totals[split.total] = sum(totals.values())
    parts = [part for part in values if part not in split.public]
    if any(totals[child] != _count(child, leaves, parents) for child in children):
        # Parts that do not add up to the tree's counts could tell anything: none is shown.
        return {**reason, **dict.fromkeys(parts, Reason.WITHHELD)}, values
    network = _Network(tree, parents, split, {**values, **totals})

    # Rules 4 and 5. What the tree and the public tell by themselves (with every part withheld) is the
    # tree's to keep, not the split's. Each step hides or withholds one more part, so this ends, at the
    # latest with every part withheld.
    already = set(network.given_away({**reason, **dict.fromkeys(parts, Reason.WITHHELD)}))
    while found := [count for count in network.given_away(reason) if count not in already]:
        secrets = [count for count in found if count not in values or values[count] < THRESHOLD]
        if not secrets:
            # What is left is parts of 5 or more that can be worked out, while nothing smaller can: as
            # they are known anyway, showing them changes nothing anyone can work out.
            reason.update(dict.fromkeys(found, Reason.SHOWN))
            break
        if not any(network.loosen(count, reason) for count in secrets):
            rest = [part for part in parts if reason[part] is not Reason.WITHHELD]
            if not rest:
                break
            reason.update(dict.fromkeys(rest, Reason.WITHHELD))
    # So too for parts of 5 or more that the tree and the public tell by themselves.
    reason.update({part: Reason.SHOWN for part in parts if part in already and values[part] >= THRESHOLD})
    return reason, values


Range = tuple[int, int]


class _Network:
    """A split as flows: from the top to each child (its count in the tree), from each child to each
    kind (its parts), from each kind back to the top (the total's parts). Counts that fit every mark
    and every sum are a feasible circulation, and the other way round; the ranges of the children's
    counts are what the tree below them allows."""

    def __init__(
        self,
        tree: Mapping[Hashable, Shown],
        parents: Mapping[Hashable, list[Hashable]],
        split: Split[Hashable],
        values: dict[Hashable, int],
    ) -> None:
        self.tree, self.public, self.values = tree, split.public, values
        children = parents[split.total]
        top, back = 0, 1
        child_at = {child: 2 + i for i, child in enumerate(children)}
        kind_at = {kind: 2 + len(children) + i for i, kind in enumerate(split.kinds)}
        self.size = 2 + len(children) + len(split.kinds)
        # Each arc: from, to, and the count it carries.
        self.arcs: list[tuple[int, int, Hashable]] = [(back, top, split.total)]
        self.arcs += [(top, child_at[child], child) for child in children]
        self.arcs += [(child_at[c], kind_at[k], (k, c)) for c in children for k in split.kinds]
        self.arcs += [(kind_at[k], back, (k, split.total)) for k in split.kinds]
        self.parts = [count for _start, _end, count in self.arcs[1 + len(children) :]]
        # The sums, to find the nearest part to hide: each child's, each kind's, the top's.
        self.sums: list[tuple[Hashable, list[Hashable]]] = [
            (child, [(kind, child) for kind in split.kinds]) for child in children
        ]
        self.sums += [((kind, split.total), [(kind, child) for child in children]) for kind in split.kinds]
        self.sums += [(split.total, [(kind, split.total) for kind in split.kinds])]
        hidden = [node for node in (split.total, *children) if tree[node].hidden]
        self.below = {node: _below(node, tree, parents) for node in hidden}
        self.extent: dict[Hashable, Range] | None = None  # of the tree's hidden counts, with every part withheld

    def ranges(self, reason: Mapping[Hashable, Reason]) -> dict[Hashable, Range]:
        """What the marks say of each count."""
        found: dict[Hashable, Range] = {}
        for _start, _end, count in self.arcs:
            if count in self.below:
                found[count] = self.below[count]
            elif count in self.public or reason.get(count, Reason.SHOWN) is Reason.SHOWN:
                found[count] = (self.values[count], self.values[count])
            else:
                found[count] = _MARKS[reason[count]]
        return found

    def feasible(self, ranges: Mapping[Hashable, Range]) -> bool:
        """Whether some counts fit every range and every sum: a circulation within the arcs' bounds."""
        source, sink = self.size, self.size + 1
        capacity = [[0] * (self.size + 2) for _ in range(self.size + 2)]
        excess = [0] * self.size
        for start, end, count in self.arcs:
            low, high = ranges[count]
            if low > high:
                return False
            capacity[start][end] += high - low
            excess[end] += low
            excess[start] -= low
        for node, amount in enumerate(excess):
            if amount > 0:
                capacity[source][node] = amount
            else:
                capacity[node][sink] = -amount
        return _max_flow(capacity, source, sink) == sum(amount for amount in excess if amount > 0)

    def can_be(self, ranges: dict[Hashable, Range], count: Hashable, low: int, high: int) -> bool:
        """Whether ``count`` can lie between ``low`` and ``high``, given everything else."""
        own_low, own_high = ranges[count]
        low, high = max(low, own_low), min(high, own_high)
        return low <= high and self.feasible({**ranges, count: (low, high)})

    def _furthest(self, ranges: dict[Hashable, Range], count: Hashable, step: int) -> int:
        """The least (``step`` -1) or greatest (1) a count can be: what it can be is a run of whole numbers."""
        reached, stride = self.values[count], 1
        end = ranges[count][0 if step < 0 else 1]
        while stride and reached != end:
            next_one = max(reached + step * stride, end) if step < 0 else min(reached + stride, end)
            if self.can_be(ranges, count, next_one, next_one):
                reached, stride = next_one, stride * 2
            else:
                stride //= 2
        return reached

    def given_away(self, reason: Mapping[Hashable, Reason]) -> list[Hashable]:
        """The hidden parts someone could work out, and the tree's hidden counts the split narrows
        (a narrower count of the tree tells of the counts below it what the tree did not allow for)."""
        ranges = self.ranges(reason)
        counts = [part for part in self.parts if part not in self.public and reason[part] is not Reason.SHOWN]
        return [count for count in [*counts, *self.below] if self._gives_away(ranges, count)]

    def _gives_away(self, ranges: dict[Hashable, Range], count: Hashable) -> bool:
        if count in self.below:
            if self.extent is None:
                withheld = self.ranges(dict.fromkeys(self.parts, Reason.WITHHELD))
                self.extent = {
                    node: (self._furthest(withheld, node, -1), self._furthest(withheld, node, 1)) for node in self.below
                }
            low, high = self.extent[count]
            return not (self.can_be(ranges, count, low, low) and self.can_be(ranges, count, high, high))
        value = self.values[count]
        return not (self.can_be(ranges, count, 0, value - 1) or self.can_be(ranges, count, value + 1, UNBOUNDED))

    def loosen(self, count: Hashable, reason: dict[Hashable, Reason]) -> bool:
        """Hide or withhold parts near ``count`` so that it is given away no longer; whether anything changed.

        The ways to try, nearest sum first: hide a shown part (of a kind's sum over the children, the
        total first, as in the tree; of a child's, the smallest part above 5, whose hiding leaves the others
        room to vary, then the larger ones), then withhold the hidden parts of a sum. The first that is
        enough is taken; if none is, the nearest hiding, or else the nearest withholding, and the next
        round goes on from there."""
        hiding: list[dict[Hashable, Reason]] = []
        withholding: list[dict[Hashable, Reason]] = []
        for total, members in self._around(count, reason):
            own = [part for part in (total, *members) if part in reason and part not in self.public]
            shown = sorted((self.values[part], str(part), part) for part in own if reason[part] is Reason.SHOWN)
            first = [total] if total in own and reason[total] is Reason.SHOWN else []
            roomy = [part for value, _name, part in shown if value > THRESHOLD]
            hiding += [{part: Reason.COMPLEMENT} for part in dict.fromkeys([*first, *roomy, *(p for *_v, p in shown)])]
            hidden = [part for part in own if reason[part] in (Reason.SMALL, Reason.COMPLEMENT)]
            if hidden:
                withholding.append(dict.fromkeys(hidden, Reason.WITHHELD))
        for change in [*hiding, *withholding]:
            if not self._gives_away(self.ranges({**reason, **change}), count):
                reason.update(change)
                return True
        for change in [*hiding[:1], *withholding[:1]]:
            reason.update(change)
            return True
        return False

    def _around(self, count: Hashable, reason: Mapping[Hashable, Reason]) -> list[tuple[Hashable, list[Hashable]]]:
        """The sums with ``count`` in them, then those they lead on to through hidden counts, nearest first."""

        def hidden(node: Hashable) -> bool:
            if node in reason:
                return node not in self.public and reason[node] is not Reason.SHOWN
            return self.tree[node].hidden

        found: list[int] = []
        queue = deque(i for i, (total, parts) in enumerate(self.sums) if count == total or count in parts)
        while queue:
            index = queue.popleft()
            if index in found:
                continue
            found.append(index)
            total, parts = self.sums[index]
            for node in (total, *parts):
                if hidden(node):
                    queue.extend(i for i, (t, p) in enumerate(self.sums) if node == t or node in p)
        return [self.sums[index] for index in found]


_MARKS: dict[Reason, Range] = {
    Reason.SMALL: (0, SMALL),
    Reason.COMPLEMENT: (THRESHOLD, UNBOUNDED),
    Reason.WITHHELD: (0, UNBOUNDED),
}


def _count(node: Hashable, leaves: Mapping[Hashable, int], parents: Mapping[Hashable, list[Hashable]]) -> int:
    if node in leaves:
        return leaves[node]
    return sum(_count(child, leaves, parents) for child in parents.get(node, []))


def _below(node: Hashable, tree: Mapping[Hashable, Shown], parents: Mapping[Hashable, list[Hashable]]) -> Range:
    """What the tree below a count, and its own mark, say of it: the least and greatest it can be."""
    shown = tree[node]
    if not shown.hidden:
        return int(shown.value or 0), int(shown.value or 0)
    low, high = 0, UNBOUNDED
    if node in parents:
        parts = [_below(child, tree, parents) for child in parents[node]]
        low, high = sum(p[0] for p in parts), min(UNBOUNDED, sum(p[1] for p in parts))
    if shown.reason is Reason.SMALL:
        return low, min(high, SMALL)
    return max(low, THRESHOLD), high


def _max_flow(capacity: list[list[int]], source: int, sink: int) -> int:
    """The greatest flow from ``source`` to ``sink`` (Edmonds and Karp); ``capacity`` is used up."""
    size = len(capacity)
    total = 0
    while True:
        came_from = [-1] * size
        came_from[source] = source
        queue = deque([source])
        while queue and came_from[sink] < 0:
            node = queue.popleft()
            for following in range(size):
                if came_from[following] < 0 and capacity[node][following] > 0:
                    came_from[following] = node
                    queue.append(following)
        if came_from[sink] < 0:
            return total
        bottleneck, node = UNBOUNDED * size, sink
        while node != source:
            bottleneck = min(bottleneck, capacity[came_from[node]][node])
            node = came_from[node]
        node = sink
        while node != source:
            capacity[came_from[node]][node] -= bottleneck
            capacity[node][came_from[node]] += bottleneck
            node = came_from[node]
        total += bottleneck


# --- The union of what is published: the offices' months and the public year to date ---------


@dataclass(frozen=True)
class MonthCounts(Generic[Node]):
    """One closed month of one count (e.g. groups started), as the offices' tables publish it, from the
    counties up: the numbers, how each is shown, and what the tree below each county tells of it."""

    counts: Mapping[Node, int]  # every county, every district, and the country (``total``)
    shown: Mapping[Node, Shown]  # how each of those is shown in the month's tables
    below: Mapping[Node, tuple[int, int]]  # each county: the least and greatest the tree below it allows
    district_of: Mapping[Node, Node]  # each county's district
    total: Node  # the country
    # Groups started split by how they met, for each district and the country: (way, node) -> count and
    # how it is shown; ``public`` are the parts anyone knows to be 0 from the directory.
    parts: Mapping[tuple[str, Node], tuple[int, Shown]] = field(default_factory=dict)
    public: frozenset[tuple[str, Node]] = frozenset()


def suppress_year_to_date(
    months: Sequence[MonthCounts[Node]],
    earlier: Sequence[Mapping[Node, Shown]],
    hide: Iterable[Node] = (),
    whole_year: bool | None = None,
) -> dict[Node, Shown]:
    """How the sums of ``months`` (January up to a closed month) may be shown, for each county and the country.

    ``earlier`` holds what was published for the same year before, one mapping per earlier month
    (the year to the end of January, of February, ...): ``len(earlier) == len(months) - 1``. Those
    are fixed, and so are the months' own tables; only the new sums are decided, so that nothing
    hidden anywhere in the union can be worked out that could not be worked out without them:

    7. A new sum from 0 to 4 is hidden as "<5"; one named in ``hide`` as "–". Until the year is over
       (``whole_year``, by default whether there are twelve months), a county's sum is shown only
       where anyone can add it up from the months' tables, and is otherwise withheld: a county's sum
       shown as "<5" in January would keep every later one hidden for the rest of the year, as each
       would tell what the one before was. So a county's figure for a whole year is decided once,
       when the year is over; the country's, which the months' tables mostly tell anyway, each month.
    8. A new sum that anyone can work out from what was published before is shown if it is 5 or
       more: it tells nothing new.
    9. While any hidden count in the union (a month's county, district, country or way, an earlier
       sum, a new one) could be worked out, while it could not be without the new sums, one more new
       sum is hidden ("–"): the first that is enough, nearest first (the same county, then the
       smallest); where hiding is not enough, hidden new sums are withheld (shown as "–" and saying
       nothing, not even whether they are below 5).

    Counts that fit every mark and every sum are the feasible flows of a network (``_YearNetwork``),
    and the true counts are one of them: a hidden count can take another value exactly when the
    network has a cycle of spare capacity through it. So what anyone can work out is found exactly.
    """
    if len(earlier) != len(months) - 1:
        raise ValueError("one earlier year to date for each month before the last")
    network = _YearNetwork(months, earlier)
    new = network.new
    hide = set(hide)
    # Rule 8: what the months and the earlier sums tell by themselves, with every new sum withheld.
    reason: dict[Hashable, Reason] = dict.fromkeys(new, Reason.WITHHELD)
    anyway = set(network.pinned(reason))
    whole_year = len(months) == 12 if whole_year is None else whole_year
    for arc in new:
        if not whole_year and arc not in anyway and network.node_of[arc] != months[-1].total:
            reason[arc] = Reason.WITHHELD
        elif network.values[arc] < THRESHOLD:
            reason[arc] = Reason.SMALL
        else:
            reason[arc] = Reason.COMPLEMENT if network.node_of[arc] in hide else Reason.SHOWN
    # Rule 9.
    while found := network.pinned(reason, besides=anyway):
        if not network.loosen(found[0], reason, besides=anyway):
            break  # every new sum is withheld: what is left is pinned by what was published before
    return {
        cast(Node, network.node_of[arc]): Shown(
            network.values[arc] if reason[arc] is Reason.SHOWN else None, reason[arc]
        )
        for arc in new
    }


class _YearNetwork:
    """A year to date as flows. Nodes: the top; each county in each month; each district in each month (and,
    where groups started are split by how they met, each way in each month); each month; the country's
    year to date at each month. Arcs, each carrying one count:

    - the top → each county at the last month: the county's new sum;
    - a county at month i → the same county at month i-1: its sum to the end of month i-1;
    - a county at month i → its district at month i: the county's count that month;
    - a district → the month (or → each way → the month): the district's count (and its parts);
    - the month → the country's year to date at that month: the country's count that month;
    - the country's year to date at month i-1 → at month i, and at the last month → the top: its sums.

    Each node's inflow is its outflow exactly when every sum holds."""

    def __init__(self, months: Sequence[MonthCounts[Any]], earlier: Sequence[Mapping[Any, Shown]]) -> None:
        self.arcs: list[tuple[Hashable, int, int]] = []
        self.values: dict[Hashable, int] = {}
        self.fixed: dict[Hashable, Range] = {}  # the range of every count but the new sums
        self.node_of: dict[Hashable, Hashable] = {}  # each new sum: the county or the country it is of
        nodes: dict[Hashable, int] = {}

        def node(name: Hashable) -> int:
            return nodes.setdefault(name, len(nodes))

        def arc(key: Hashable, start: Hashable, end: Hashable, value: int, known: Range | None) -> None:
            self.arcs.append((key, node(start), node(end)))
            self.values[key] = value
            if known is not None:
                self.fixed[key] = known

        last = len(months) - 1
        total = months[-1].total
        counties = list(dict.fromkeys(county for month in months for county in month.district_of))
        so_far = dict.fromkeys(counties, 0)
        country_so_far = 0
        for i, month in enumerate(months):
            for county in counties:
                count = month.counts.get(county, 0)
                so_far[county] += count
                if county in month.district_of:
                    hidden = month.shown[county].hidden
                    known = month.below[county] if hidden else (count, count)
                    arc(
                        ("month", i, county),
                        ("county", i, county),
                        ("district", i, month.district_of[county]),
                        count,
                        known,
                    )
            country_so_far += month.counts[total]
            split = _parts_that_add_up(month)
            for district in dict.fromkeys(month.district_of.values()):
                end = ("split", i, district) if split else ("month", i)
                arc(
                    ("month", i, district),
                    ("district", i, district),
                    end,
                    month.counts[district],
                    _range(month.shown[district]),
                )
                for way in split:
                    part = (way, district)
                    known = (0, 0) if part in month.public else _range(month.parts[part][1])
                    arc(("part", i, part), end, ("way", i, way), month.parts[part][0], known)
            for way in split:
                part = (way, total)
                known = (0, 0) if part in month.public else _range(month.parts[part][1])
                arc(("part", i, part), ("way", i, way), ("month", i), month.parts[part][0], known)
            arc(("month", i, total), ("month", i), ("country", i), month.counts[total], _range(month.shown[total]))
            # The sums to the end of this month, for each county and the country.
            after = ("top",) if i == last else None
            for county in counties:
                start = after or ("county", i + 1, county)
                key = ("sum", i, county)
                if i == last:
                    self.node_of[key] = county
                    arc(key, start, ("county", i, county), so_far[county], None)
                elif county in earlier[i]:
                    arc(key, start, ("county", i, county), so_far[county], _range(earlier[i][county]))
                else:
                    # Not published then: unknown, or 0 where no contact point had been there yet.
                    arc(
                        key,
                        start,
                        ("county", i, county),
                        so_far[county],
                        (0, 0)
                        if so_far[county] == 0 and not any(county in m.district_of for m in months[: i + 1])
                        else (0, UNBOUNDED),
                    )
            key = ("sum", i, total)
            if i == last:
                self.node_of[key] = total
                arc(key, ("country", i), ("top",), country_so_far, None)
            else:
                arc(
                    key,
                    ("country", i),
                    ("country", i + 1),
                    country_so_far,
                    _range(earlier[i][total]) if total in earlier[i] else (0, UNBOUNDED),
                )
        self.new = list(self.node_of)
        self.size = len(nodes)

    def bounds(self, reason: Mapping[Hashable, Reason]) -> dict[Hashable, Range]:
        found = dict(self.fixed)
        for key in self.new:
            found[key] = (self.values[key],) * 2 if reason[key] is Reason.SHOWN else _MARKS[reason[key]]
        return found

    def pinned(self, reason: Mapping[Hashable, Reason], besides: Iterable[Hashable] = ()) -> list[Hashable]:
        """The hidden counts, but ``besides``, that can take no other value, given every mark and every sum."""
        bounds = self.bounds(reason)
        residual = self._residual(bounds)
        skip = set(besides)
        return [
            key
            for index, (key, _start, _end) in enumerate(self.arcs)
            if key not in skip and bounds[key][0] < bounds[key][1] and not self._moves(residual, bounds, index)
        ]

    def _residual(self, bounds: Mapping[Hashable, Range]) -> list[list[tuple[int, int]]]:
        """Where the true counts can give: an edge along each arc below its greatest, against it above its least."""
        edges: list[list[tuple[int, int]]] = [[] for _ in range(self.size)]
        for index, (key, start, end) in enumerate(self.arcs):
            low, high = bounds[key]
            if self.values[key] < high:
                edges[start].append((end, index))
            if self.values[key] > low:
                edges[end].append((start, index))
        return edges

    def _moves(self, residual: list[list[tuple[int, int]]], bounds: Mapping[Hashable, Range], index: int) -> bool:
        """Whether the count on an arc can be one more or one less: a path of spare capacity back round."""
        key, start, end = self.arcs[index]
        low, high = bounds[key]
        value = self.values[key]
        return (value < high and _reaches(residual, end, start, index)) or (
            value > low and _reaches(residual, start, end, index)
        )

    def loosen(self, arc: Hashable, reason: dict[Hashable, Reason], besides: set[Hashable]) -> bool:
        """Hide or withhold new sums so that ``arc`` can no longer be worked out; whether anything changed."""
        kind, _month, *where = cast(tuple[Hashable, ...], arc)
        county = where[0] if kind in ("month", "sum") else None
        shown = sorted(
            (key for key in self.new if reason[key] is Reason.SHOWN and key not in besides),
            key=lambda key: (
                self.node_of[key] != county,
                self.node_of[key] == self.node_of[self.new[-1]],
                self.values[key],
                repr(key),
            ),
        )
        hidden = [key for key in self.new if reason[key] in (Reason.SMALL, Reason.COMPLEMENT)]
        changes = [{key: Reason.COMPLEMENT} for key in shown] + [{key: Reason.WITHHELD} for key in hidden]
        for change in changes:
            if arc not in self.pinned({**reason, **change}, besides=set(self.values) - {arc}):
                reason.update(change)
                return True
        if shown:
            reason[shown[0]] = Reason.COMPLEMENT
            return True
        if hidden:
            reason.update(dict.fromkeys(hidden, Reason.WITHHELD))
            return True
        return False


def _reaches(edges: list[list[tuple[int, int]]], start: int, goal: int, skip: int) -> bool:
    """Whether ``goal`` can be reached from ``start`` along ``edges`` without the arc ``skip``."""
    seen = {start}
    queue = deque([start])
    while queue:
        for following, index in edges[queue.popleft()]:
            if index == skip or following in seen:
                continue
            if following == goal:
                return True
            seen.add(following)
            queue.append(following)
    return start == goal


def _range(shown: Shown) -> Range:
    return (int(shown.value or 0),) * 2 if not shown.hidden else _MARKS[shown.reason]


def _parts_that_add_up(month: MonthCounts[Any]) -> list[str]:
    """The ways a month's groups started are split by, if its parts add up to the tree's counts; else none:
    parts that do not add up are withheld, and say nothing."""
    ways = list(dict.fromkeys(way for way, _node in month.parts))
    if not ways:
        return []
    districts = list(dict.fromkeys(month.district_of.values()))
    for node in [*districts, month.total]:
        if any((way, node) not in month.parts for way in ways):
            return []
        if sum(month.parts[(way, node)][0] for way in ways) != month.counts[node]:
            return []
    return ways


def below(node: Hashable, tree: Mapping[Hashable, Shown], parents: Mapping[Hashable, list[Hashable]]) -> Range:
    """What the tree below a count, and its own mark, say of it: the least and greatest it can be."""
    return _below(node, tree, parents)
