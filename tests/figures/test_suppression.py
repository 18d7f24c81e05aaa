"""No hidden count can be worked out from what is shown.

Hypothesis builds trees of counts (contact points in municipalities in
counties in the country). For every hidden count
a linear program finds the smallest and largest value it could have, given
everything shown: each shown count, that "<5" means 0–4, that "–" means at
least 5, and that every total is the sum of its parts. A hidden count is safe
when at least two values remain possible. Sum constraints over a tree form a
totally unimodular system, so the bounds found are whole numbers.

The same holds for a tree whose top level is also split by how groups met
(``suppress_split``): the linear program then knows every part's mark too (a
withheld part, "–", may be anything), that each county's parts add up to its
count and each way's to the country's, and that a way nobody in a county
offers was 0 there. What it finds must be no more than it finds with every
part withheld: the split tells nothing that the tree and the directory did not.
"""

import os

import numpy as np
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from figures.suppression import (
    MonthCounts,
    Reason,
    Shown,
    Split,
    below,
    suppress,
    suppress_split,
    suppress_year_to_date,
)

BIG = 10_000


@st.composite
def trees(draw):
    counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
    leaves, parents = {}, {}
    counties = []
    for c in range(draw(st.integers(1, 3))):
        county = f"county{c}"
        municipalities = []
        for m in range(draw(st.integers(1, 3))):
            municipality = f"{county}/m{m}"
            points = [f"{municipality}/cp{p}" for p in range(draw(st.integers(1, 3)))]
            for point in points:
                leaves[point] = draw(counts)
            parents[municipality] = points
            municipalities.append(municipality)
        parents[county] = municipalities
        counties.append(county)
    parents["country"] = counties
    return leaves, parents


def possible_range(node, shown: dict[str, Shown], parents) -> tuple[float, float]:
    hidden = sorted(n for n, s in shown.items() if s.hidden)
    index = {n: i for i, n in enumerate(hidden)}
    rows, rhs = [], []
    for parent, children in parents.items():
        row = np.zeros(len(hidden))
        constant = 0
        for member, sign in [(parent, 1), *[(child, -1) for child in children]]:
            if member in index:
                row[index[member]] += sign
            else:
                constant -= sign * shown[member].value
        if row.any():
            rows.append(row)
            rhs.append(constant)
    bounds = [(0, 4) if shown[n].reason is Reason.SMALL else (5, BIG) for n in hidden]
    target = np.zeros(len(hidden))
    target[index[node]] = 1
    low = linprog(target, A_eq=np.array(rows) if rows else None, b_eq=rhs or None, bounds=bounds)
    high = linprog(-target, A_eq=np.array(rows) if rows else None, b_eq=rhs or None, bounds=bounds)
    assert low.status == 0 and high.status == 0, "the true values must be a solution"
    return low.fun, -high.fun


@settings(
    max_examples=int(os.environ.get("SUPPRESSION_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(trees())
def test_no_hidden_count_can_be_worked_out_from_what_is_shown(tree):
    leaves, parents = tree
    shown = suppress(leaves, parents)
    for node, cell in shown.items():
        if not cell.hidden:
            continue
        low, high = possible_range(node, shown, parents)
        assert high - low >= 1 - 1e-6, f"{node} can only be {low}"


@settings(max_examples=200, deadline=None)
@given(trees())
def test_every_count_from_0_to_4_shows_as_less_than_5_and_nothing_else_does(tree):
    leaves, parents = tree
    shown = suppress(leaves, parents)
    for leaf, value in leaves.items():
        if value < 5:
            assert str(shown[leaf]) == "<5"
        else:
            assert str(shown[leaf]) in (str(value), "–")


@settings(max_examples=200, deadline=None)
@given(trees())
def test_what_is_shown_is_true(tree):
    leaves, parents = tree
    shown = suppress(leaves, parents)

    def total(node):
        return leaves[node] if node in leaves else sum(total(child) for child in parents[node])

    for node, cell in shown.items():
        if not cell.hidden:
            assert cell.value == total(node)


def test_a_zero_and_a_one_look_the_same():
    shown = suppress({"a": 0, "b": 1, "c": 30, "d": 40}, {"all": ["a", "b", "c", "d"]})
    assert str(shown["a"]) == str(shown["b"]) == "<5"


def test_a_total_with_one_hidden_part_is_hidden_too():
    shown = suppress({"a": 2, "b": 30, "c": 40}, {"all": ["a", "b", "c"]})
    assert [str(shown[n]) for n in ("a", "b", "c", "all")] == ["<5", "30", "40", "–"]


def test_a_total_with_several_hidden_parts_that_can_vary_stays_shown():
    shown = suppress({"a": 2, "b": 3, "c": 40}, {"all": ["a", "b", "c"]})
    assert [str(shown[n]) for n in ("a", "b", "c", "all")] == ["<5", "<5", "40", "45"]


def test_a_total_whose_hidden_parts_must_all_be_zero_is_hidden():
    shown = suppress({"a": 0, "b": 0, "c": 40}, {"all": ["a", "b", "c"]})
    assert str(shown["all"]) == "–"


# Groups started, split by how they met: in each county (standing for the
# districts, the level below the country) and in the country, as the sum of
# the counties'. A way that no contact point in a county offers is known to be
# 0 there by anyone who reads the directory.
WAYS = ("in_person", "telephone", "video")


@st.composite
def split_trees(draw):
    counts = st.one_of(st.integers(0, 2), st.integers(0, 6), st.integers(0, 25))
    leaves, parents, by_county, public = {}, {}, {}, set()
    for c in range(draw(st.integers(1, 4))):
        county = f"county{c}"
        offered = draw(st.sets(st.sampled_from(WAYS), min_size=1))
        by_county[county] = dict.fromkeys(WAYS, 0)
        parents[county] = []
        for m in range(draw(st.integers(1, 2))):
            municipality = f"{county}/m{m}"
            parents[municipality] = [f"{municipality}/cp{p}" for p in range(draw(st.integers(1, 2)))]
            for point in parents[municipality]:
                started = {way: draw(counts) if way in offered else 0 for way in WAYS}
                leaves[point] = sum(started.values())
                for way in WAYS:
                    by_county[county][way] += started[way]
            parents[county].append(municipality)
        public |= {(way, county) for way in WAYS if way not in offered}
    parents["country"] = list(by_county)
    public |= {(way, "country") for way in WAYS if all((way, county) in public for county in by_county)}
    return leaves, parents, Split("country", WAYS, by_county, frozenset(public))


def split_sums(parents, split):
    """Every sum someone who reads the figures knows: the tree's, each county's ways, each way's counties."""
    counties = parents[split.total]
    return [
        *parents.items(),
        *((county, [(way, county) for way in split.kinds]) for county in [*counties, split.total]),
        *(((way, split.total), [(way, county) for county in counties]) for way in split.kinds),
    ]


def split_range(node, shown: dict, sums, public) -> tuple[float, float]:
    """The least and greatest a hidden count can be, given every sum, every mark and what anyone knows."""
    hidden = sorted((n for n, s in shown.items() if s.hidden and n not in public), key=repr)
    index = {n: i for i, n in enumerate(hidden)}
    rows, rhs = [], []
    for total, parts in sums:
        row = np.zeros(len(hidden))
        constant = 0
        for member, sign in [(total, 1), *[(part, -1) for part in parts]]:
            if member in index:
                row[index[member]] += sign
            else:
                constant -= sign * (0 if member in public else shown[member].value)
        if row.any():
            rows.append(row)
            rhs.append(constant)
    marks = {Reason.SMALL: (0, 4), Reason.COMPLEMENT: (5, BIG), Reason.WITHHELD: (0, BIG)}
    bounds = [marks[shown[n].reason] for n in hidden]
    target = np.zeros(len(hidden))
    target[index[node]] = 1
    low = linprog(target, A_eq=np.array(rows) if rows else None, b_eq=rhs or None, bounds=bounds)
    high = linprog(-target, A_eq=np.array(rows) if rows else None, b_eq=rhs or None, bounds=bounds)
    assert low.status == 0 and high.status == 0, "the true values must be a solution"
    return low.fun, -high.fun


@settings(
    max_examples=int(os.environ.get("SUPPRESSION_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(split_trees())
def test_no_hidden_count_can_be_worked_out_from_a_split_the_tree_and_the_directory(example):
    leaves, parents, split = example
    tree, parts = suppress_split(leaves, parents, split)
    shown = {**tree, **parts}
    sums = split_sums(parents, split)
    # What the tree and the directory tell without any part (every part withheld) is not the split's doing.
    anyway = {**shown, **{part: Shown(None, Reason.WITHHELD) for part in parts if part not in split.public}}
    for node, cell in shown.items():
        if cell.hidden and node not in split.public:
            low, high = split_range(node, shown, sums, split.public)
            if high - low < 1 - 1e-6:
                low_anyway, high_anyway = split_range(node, anyway, sums, split.public)
                assert high_anyway - low_anyway < 1 - 1e-6, f"{node} can only be {low}"


@settings(max_examples=200, deadline=None)
@given(split_trees())
def test_a_split_leaves_the_tree_as_it_was(example):
    leaves, parents, split = example
    tree, _parts = suppress_split(leaves, parents, split)
    assert tree == suppress(leaves, parents)


@settings(max_examples=200, deadline=None)
@given(split_trees())
def test_a_part_from_0_to_4_never_shows_its_number_and_a_shown_part_is_true(example):
    leaves, parents, split = example
    _tree, parts = suppress_split(leaves, parents, split)
    for (kind, node), cell in parts.items():
        counts = [split.counts[node]] if node in split.counts else list(split.counts.values())
        value = sum(count[kind] for count in counts)
        if value < 5:
            assert str(cell) in ("<5", "–")
        elif not cell.hidden:
            assert cell.value == value


def split_example(east, north, public=()):
    """Two districts of one contact point each; each district's groups by how they met."""
    leaves = {"a": sum(east.values()), "b": sum(north.values())}
    parents = {"east": ["a"], "north": ["b"], "country": ["east", "north"]}
    split = Split("country", WAYS, {"east": east, "north": north}, frozenset(public))
    tree, parts = suppress_split(leaves, parents, split)
    return {node: [str(tree[node]), *(str(parts[(way, node)]) for way in WAYS)] for node in parents}


def test_a_lone_video_group_is_not_recoverable_from_the_total():
    shown = split_example({"in_person": 6, "telephone": 5, "video": 1}, {"in_person": 20, "telephone": 0, "video": 0})
    # 12 started in the east; with 6 and 5 both shown, the video group would be 12 - 11.
    assert shown["east"] == ["12", "6", "–", "<5"]


def test_a_way_nobody_offers_counts_as_known():
    # Nobody in the east offers telephone groups, so anyone knows none met that way.
    shown = split_example(
        {"in_person": 6, "telephone": 0, "video": 1},
        {"in_person": 20, "telephone": 0, "video": 0},
        public={("telephone", "east")},
    )
    assert shown["east"] == ["7", "–", "<5", "<5"]


def test_parts_pinned_only_by_what_everyone_knows_are_shown():
    # Only in person is offered in the east: its 8 groups all met in person, as anyone can tell.
    shown = split_example(
        {"in_person": 8, "telephone": 0, "video": 0},
        {"in_person": 20, "telephone": 3, "video": 4},
        public={("telephone", "east"), ("video", "east")},
    )
    assert shown["east"] == ["8", "8", "<5", "<5"]


def test_five_groups_that_all_met_one_way_withhold_the_split():
    # "5" or "–" (at least 5) in person would both leave 0 for telephone and video.
    shown = split_example({"in_person": 5, "telephone": 0, "video": 0}, {"in_person": 20, "telephone": 0, "video": 0})
    assert shown["east"] == ["5", "–", "–", "–"]


# --- The union: the offices' monthly tables and the public year to date ----------------------
#
# Offices read each closed month's tables (contact points, municipalities, counties, districts,
# the country); anyone reads the year to date for each county and the country, published again
# after every closed month (to the end of January, of February, ...), so every earlier edition of
# the year stays readable beside the new one. A month's tables never change once it has closed (a
# late event counts in the month it happens, ``groups.monthly``), so two editions of a year differ
# by exactly the months closed in between, which the offices' tables publish under suppression:
# differencing an edition before and after a late event is covered by the sums below. The linear
# program knows every month's tree, every edition's sums (each county's and the country's sum to the
# end of each month is that county's or country's months added up) and every mark.

YEAR_MONTHS = 4


@st.composite
def years(draw, split=False):
    """A few months of one year: contact points in municipalities in counties in districts, some opening mid-year.

    With ``split``, each contact point's count in a month is groups started, split by how they met."""
    counts = st.one_of(st.integers(0, 3), st.integers(0, 8), st.integers(0, 30))
    if split:
        counts = st.tuples(*[st.one_of(st.integers(0, 2), st.integers(0, 7))] * len(WAYS))
    months = draw(st.integers(1, YEAR_MONTHS))
    places = []  # (point, municipality, county, district, first month)
    for c in range(draw(st.integers(1, 3))):
        district = f"district{draw(st.integers(0, 1))}"
        for m in range(draw(st.integers(1, 2))):
            for p in range(draw(st.integers(1, 2))):
                places.append((f"c{c}/m{m}/p{p}", f"c{c}/m{m}", f"c{c}", district, draw(st.integers(0, months - 1))))
    values = [{point: draw(counts) for point, *_rest, first in places if first <= month} for month in range(months)]
    # Whether the last month ends the year: only then are the counties' sums decided.
    return places, values, draw(st.booleans())


def month_tree(places, leaves):
    """One month's tree, of the contact points there were that month."""
    parents = {}
    for point, municipality, county, district, _first in places:
        if point in leaves:
            parents.setdefault(municipality, []).append(point)
            if municipality not in parents.setdefault(county, []):
                parents[county].append(municipality)
            if county not in parents.setdefault(district, []):
                parents[district].append(county)
    parents["country"] = [node for node in parents if node.startswith("district")]
    return parents


def month_split(places, leaves, parents):
    """The groups started in each district, by how they met, where each leaf is a count for each way."""
    by_district = {district: dict.fromkeys(WAYS, 0) for district in parents["country"]}
    for point, _municipality, _county, district, _first in places:
        for way, count in zip(WAYS, leaves.get(point, ()), strict=False):
            by_district[district][way] += count
    return Split("country", WAYS, by_district)


def tree_count(node, leaves, parents):
    return leaves[node] if node in leaves else sum(tree_count(child, leaves, parents) for child in parents[node])


def publish_year(places, values, whole_year=True, alone=False):
    """Every month's tables and every edition of the year to date, as published one after the other.

    With ``alone``, each edition is suppressed by itself as a small tree (counties in the country):
    the naive design, which knows nothing of the months."""
    trees, editions, months = [], [], []
    for ways in values:
        split = None
        leaves = ways
        if ways and isinstance(next(iter(ways.values())), tuple):
            leaves = {point: sum(count) for point, count in ways.items()}
        parents = month_tree(places, leaves)
        tree, parts = suppress(leaves, parents), {}
        if leaves is not ways:
            split = month_split(places, ways, parents)
            tree, parts = suppress_split(leaves, parents, split)
        counties = [county for district in parents["country"] for county in parents[district]]
        nodes = [*counties, *parents["country"], "country"]
        months.append(
            MonthCounts(
                counts={node: tree_count(node, leaves, parents) for node in nodes},
                shown={node: tree[node] for node in nodes},
                below={county: below(county, tree, parents) for county in counties},
                district_of={county: district for district in parents["country"] for county in parents[district]},
                total="country",
                parts={
                    part: (split.counts[part[1]][part[0]] if part[1] != "country" else 0, cell)
                    for part, cell in parts.items()
                }
                if split
                else {},
            )
        )
        if split:
            for way in WAYS:
                months[-1].parts[(way, "country")] = (
                    sum(c[way] for c in split.counts.values()),
                    parts[(way, "country")],
                )
        trees.append((leaves, parents, tree, parts))
        if alone:
            sums = {county: sum(m.counts.get(county, 0) for m in months) for m in months for county in m.district_of}
            editions.append(suppress(sums, {"country": list(sums)}))
        else:
            editions.append(
                suppress_year_to_date(months, editions, whole_year=whole_year and len(months) == len(values))
            )
    return trees, editions


def union(trees, editions, withheld=False):
    """Every count anyone who reads everything published knows a sum of, and how each is shown."""
    shown, sums = {}, []
    for i, (_leaves, parents, tree, parts) in enumerate(trees):
        shown.update({(i, node): cell for node, cell in tree.items()})
        sums += [((i, parent), [(i, child) for child in children]) for parent, children in parents.items()]
        if parts:
            shown.update({(i, part): cell for part, cell in parts.items()})
            districts = parents["country"]
            sums += [((i, node), [(i, (way, node)) for way in WAYS]) for node in [*districts, "country"]]
            sums += [((i, (way, "country")), [(i, (way, d)) for d in districts]) for way in WAYS]
    for i, edition in enumerate(editions):
        for node, cell in edition.items():
            shown[("sum", i, node)] = Shown(None, Reason.WITHHELD) if withheld else cell
            if node != "country":
                county = [(m, node) for m in range(i + 1) if (m, node) in shown]
                sums.append((("sum", i, node), county))
        sums.append((("sum", i, "country"), [("sum", i, node) for node in edition if node != "country"]))
    return shown, sums


def union_range(node, shown, sums):
    """The least and greatest a hidden count can be, given every sum and every mark."""
    return split_range(node, shown, sums, public=frozenset())


def worked_out(trees, editions):
    """The hidden counts that everything published pins down, while the months' tables alone do not."""
    shown, sums = union(trees, editions)
    anyway, _sums = union(trees, editions, withheld=True)
    found = []
    for node, cell in shown.items():
        if cell.hidden:
            low, high = union_range(node, shown, sums)
            if high - low < 1 - 1e-6:
                low_anyway, high_anyway = union_range(node, anyway, sums)
                if high_anyway - low_anyway >= 1 - 1e-6:
                    found.append((node, low))
    return found


@settings(
    max_examples=int(os.environ.get("SUPPRESSION_EXAMPLES", "300")) // 3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(years())
def test_nothing_hidden_in_any_month_or_edition_can_be_worked_out_from_everything_published(year):
    trees, editions = publish_year(*year)
    assert worked_out(trees, editions) == []


@settings(
    max_examples=int(os.environ.get("SUPPRESSION_EXAMPLES", "300")) // 3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(years(split=True))
def test_nothing_hidden_can_be_worked_out_with_groups_split_by_how_they_met(year):
    trees, editions = publish_year(*year)
    assert worked_out(trees, editions) == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years())
def test_a_year_to_date_is_true_and_hides_every_sum_from_0_to_4(year):
    places, values, whole_year = year
    _trees, editions = publish_year(places, values, whole_year)
    for i, edition in enumerate(editions):
        for node, cell in edition.items():
            value = sum(
                count
                for month in values[: i + 1]
                for point, count in month.items()
                if node in ("country", point.split("/")[0])
            )
            if value < 5:
                assert cell.hidden
            if node != "country" and (i < len(values) - 1 or not whole_year) and cell.hidden:
                # Until the year is over, a county shows a sum only where the months add up to it.
                assert cell.reason is Reason.WITHHELD
            if not cell.hidden:
                assert cell.value == value


def test_suppressing_each_year_to_date_by_itself_would_give_a_month_away():
    """The naive design: each public table suppressed alone, as if the offices' months did not exist."""
    leaky = find(
        years(),
        lambda year: bool(worked_out(*publish_year(*year, alone=True))),
        settings=settings(max_examples=2000, database=None, derandomize=True, suppress_health_check=list(HealthCheck)),
    )
    trees, editions = publish_year(*leaky)
    assert worked_out(trees, editions) == []


def test_a_county_whose_one_quiet_month_is_hidden_shows_no_year_to_date():
    # In January the county had 2 people; in February 9. Anyone who read the year to the end of
    # February as 11 and February as 9 would know January's "<5" was 2.
    places = [("east/m/p", "east/m", "east", "district0", 0), ("west/m/p", "west/m", "west", "district0", 0)]
    values = [{"east/m/p": 2, "west/m/p": 30}, {"east/m/p": 9, "west/m/p": 30}]
    trees, editions = publish_year(places, values, whole_year=True)
    assert str(trees[1][2]["east"]) == "9"
    assert [edition["east"].reason for edition in editions] == [Reason.WITHHELD, Reason.COMPLEMENT]
    assert worked_out(trees, editions) == []
    _trees, naive = publish_year(places, values, alone=True)
    assert str(naive[1]["east"]) == "11"


def test_until_the_year_is_over_a_county_shows_only_what_its_months_add_up_to():
    places = [("east/m/p", "east/m", "east", "district0", 0), ("west/m/p", "west/m", "west", "district0", 0)]
    values = [{"east/m/p": 2, "west/m/p": 30}, {"east/m/p": 9, "west/m/p": 30}]
    _trees, editions = publish_year(places, values, whole_year=False)
    # West's months are shown, so its sums tell nothing new; east's January was "<5".
    assert [str(edition["west"]) for edition in editions] == ["30", "60"]
    assert [edition["east"].reason for edition in editions] == [Reason.WITHHELD, Reason.WITHHELD]
