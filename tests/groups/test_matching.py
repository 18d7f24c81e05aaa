"""Which groups the app suggests to staff: at most three, never one that cannot
start, never fewer seated than the best single plan, and never ages further
apart than one age band (about 15 years) among the people who gave an age."""

import datetime

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.matching import PREFERENCE_FIELDS, Plan, concrete_plans, suggest, suggestions
from groups.models import ANY, AgeGroup, Format, GroupLanguage, Invitation, SignUp, TimeOfDay
from tests.base import Personas, waiting_person
from tests.staff.base import StaffTestCase

FORMATS = [Format.IN_PERSON.value, Format.TELEPHONE.value]
NOW = datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)


def one_per_wish(buckets: list[dict]) -> list[dict]:
    """Buckets as the database groups them: one per combination of wishes."""
    return list({tuple(bucket[name] for name in PREFERENCE_FIELDS): bucket for bucket in buckets}.values())


# One bucket: sign-ups alike in every wish, how many, and since when the first of them waits.
buckets_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "format": st.sampled_from(Format.values),
            "time_of_day": st.sampled_from(TimeOfDay.values),
            "language": st.sampled_from(GroupLanguage.values),
            "age_group": st.sampled_from(AgeGroup.values),
            "n": st.integers(min_value=1, max_value=12),
            "since": st.integers(min_value=0, max_value=400).map(lambda days: NOW - datetime.timedelta(days=days)),
        }
    ),
    max_size=25,
).map(one_per_wish)
formats_strategy = st.sampled_from([FORMATS, FORMATS[:1], FORMATS[1:]])
thresholds = st.integers(min_value=4, max_value=10)


def fitting(plan: Plan, buckets: list[dict]) -> list[dict]:
    return [bucket for bucket in buckets if plan.fits(bucket)]


def seated(plan: Plan, buckets: list[dict]) -> int:
    return sum(bucket["n"] for bucket in fitting(plan, buckets))


class SuggestionRules(SimpleTestCase):
    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, threshold=thresholds)
    def test_no_suggestion_seats_fewer_than_it_takes_to_start_a_group(self, buckets, formats, threshold):
        for suggestion in suggest(buckets, formats=formats, threshold=threshold, seats=10):
            self.assertGreaterEqual(seated(suggestion.plan, buckets), threshold)
            self.assertEqual(seated(suggestion.plan, buckets), suggestion.fit)

    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, threshold=thresholds)
    def test_the_first_suggestion_seats_at_least_as_many_as_any_single_concrete_plan(self, buckets, formats, threshold):
        best = max((seated(plan, buckets) for plan in concrete_plans(formats)), default=0)
        found = suggest(buckets, formats=formats, threshold=threshold, seats=8)
        if best < threshold:
            self.assertEqual(found, [])
        else:
            self.assertEqual(found[0].seats, min(best, 8))
            self.assertLessEqual(len(found), 3)

    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, threshold=thresholds)
    def test_everyone_a_suggestion_seats_who_gave_an_age_is_in_one_age_band(self, buckets, formats, threshold):
        for suggestion in suggest(buckets, formats=formats, threshold=threshold, seats=10):
            ages = {bucket["age_group"] for bucket in fitting(suggestion.plan, buckets)} - {ANY}
            self.assertLessEqual(len(ages), 1, suggestion.plan.label)

    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, threshold=thresholds)
    def test_language_or_age_is_left_open_only_where_nobody_seated_asked_for_one(self, buckets, formats, threshold):
        for suggestion in suggest(buckets, formats=formats, threshold=threshold, seats=10):
            people = fitting(suggestion.plan, buckets)
            for name in ("language", "age_group"):
                nobody_asked = all(bucket[name] == ANY for bucket in people)
                self.assertEqual(getattr(suggestion.plan, name) == ANY, nobody_asked, name)

    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, threshold=thresholds)
    def test_each_suggestion_seats_someone_the_better_ones_do_not(self, buckets, formats, threshold):
        found = suggest(buckets, formats=formats, threshold=threshold, seats=10)
        for later, suggestion in enumerate(found):
            mine = {id(bucket) for bucket in fitting(suggestion.plan, buckets)}
            for better in found[:later]:
                self.assertFalse(mine <= {id(bucket) for bucket in fitting(better.plan, buckets)})

    @settings(max_examples=200, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, threshold=thresholds, seats=st.integers(4, 10))
    def test_suggestions_are_ranked_by_how_many_they_seat(self, buckets, formats, threshold, seats):
        seats = max(seats, threshold)
        found = suggest(buckets, formats=formats, threshold=threshold, seats=seats)
        self.assertEqual([s.seats for s in found], sorted((s.seats for s in found), reverse=True))
        for suggestion in found:
            self.assertEqual(suggestion.seats, min(suggestion.fit, seats))

    def test_among_equal_groups_the_one_whose_people_waited_longest_comes_first(self):
        evening = {"format": ANY, "time_of_day": "evening", "language": "no", "age_group": "30-44"}
        daytime = {"format": ANY, "time_of_day": "daytime", "language": "no", "age_group": "30-44"}
        buckets = [
            {**daytime, "n": 6, "since": NOW - datetime.timedelta(days=10)},
            {**evening, "n": 6, "since": NOW - datetime.timedelta(days=90)},
        ]
        found = suggest(buckets, formats=FORMATS[:1], threshold=6, seats=8)
        self.assertEqual([s.plan.time_of_day for s in found], ["evening", "daytime"])


class SuggestionsForAContactPoint(Personas):
    def test_six_people_who_do_not_mind_get_one_suggestion_with_open_language_and_mixed_ages(self):
        for n in range(6):
            waiting_person(self.point_a, f"p{n}@example.org", days_ago=n + 1)  # every wish "either"
        found = suggestions(self.point_a)
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0].fit, 6)
        self.assertEqual((found[0].plan.language, found[0].plan.age_group), (ANY, ANY))
        self.assertNotIn("Sami", found[0].plan.label)
        self.assertIn("Mixed ages", found[0].plan.label)

    def test_people_of_far_apart_ages_are_not_put_together(self):
        for n in range(3):
            waiting_person(self.point_a, f"young{n}@example.org", age_group="18-29", days_ago=30)
            waiting_person(self.point_a, f"old{n}@example.org", age_group="60-74", days_ago=30)
        waiting_person(self.point_a, "open@example.org", days_ago=2)
        self.assertEqual(suggestions(self.point_a), [], "two bands of 3, plus one who did not say, start nothing")
        waiting_person(self.point_a, "open2@example.org", days_ago=1)
        found = suggestions(self.point_a)
        self.assertEqual([s.fit for s in found], [5, 5])
        self.assertEqual({s.plan.age_group for s in found}, {"18-29", "60-74"})


class OpenGroups(StaffTestCase):
    def test_a_group_with_its_language_open_invites_only_people_who_said_any_language_is_fine(self):
        norwegian = self.fill(self.point_a, 3, language="no")
        anything = [waiting_person(self.point_a, f"any{n}@example.org", days_ago=1) for n in range(5)]
        group = self.start(plan=Plan(format="in_person", time_of_day="evening", language=ANY, age_group=ANY))
        invited = set(Invitation.objects.filter(group=group).values_list("signup_id", flat=True))
        self.assertEqual(invited, {person.pk for person in anything})
        self.assertTrue(all(SignUp.objects.get(pk=person.pk).is_waiting for person in norwegian))

    def test_a_mixed_ages_group_invites_only_people_who_did_not_give_their_age(self):
        self.fill(self.point_a, 3, age_group="30-44")
        unsaid = [waiting_person(self.point_a, f"any{n}@example.org", days_ago=1) for n in range(5)]
        group = self.start(plan=Plan(format="in_person", time_of_day="evening", language="no", age_group=ANY))
        invited = set(Invitation.objects.filter(group=group).values_list("signup_id", flat=True))
        self.assertEqual(invited, {person.pk for person in unsaid})
