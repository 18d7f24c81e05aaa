"""No hidden count can be worked out from what is shown.

Hypothesis builds trees of counts (contact points in municipalities in
counties in the country). For every hidden count
a linear program finds the smallest and largest value it could have, given
everything shown: each shown count, that "<5" means 0–4, that "–" means at
least 5, and that every total is the sum of its parts. A hidden count is safe
when at least two values remain possible. Sum constraints over a tree form a
totally unimodular system, so the bounds found are whole numbers.
"""

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from figures.suppression import Reason, Shown, suppress

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
