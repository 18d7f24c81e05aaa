"""Which groups the app suggests to staff: at most three, never one that cannot
start, never fewer seated than the best single plan, never anyone in a group
whose language they did not tick, and never ages further apart than one age
band (about 15 years) among the people who gave an age."""

import datetime

from django.test import SimpleTestCase
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from contactpoints.models import ContactPoint, Language
from groups.matching import (
    PREFERENCE_FIELDS,
    Plan,
    concrete_plans,
    plan_counts,
    suggest,
    suggestions,
    waiting_digest,
    with_waiting_digest,
)
from groups.models import ANY, AgeGroup, Format, Invitation, SignUp, TimeOfDay
from tests.base import Personas, waiting_person
from tests.staff.base import StaffTestCase

FORMATS = [Format.IN_PERSON.value, Format.TELEPHONE.value]
LANGUAGES = ["no", "en", "ar", "pl"]
NOW = datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)
ONE_DAY = datetime.timedelta(days=1)


def one_per_wish(buckets: list[dict]) -> list[dict]:
    """Buckets as the database groups them: one per combination of wishes."""
    return list({tuple(str(bucket[name]) for name in PREFERENCE_FIELDS): bucket for bucket in buckets}.values())


# One bucket: sign-ups alike in every wish, how many, and since when the first of them waits.
buckets_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "format": st.sampled_from(Format.values),
            "time_of_day": st.sampled_from(TimeOfDay.values),
            # Stored sorted and never empty; some tick a language the contact point does not offer.
            "languages": st.sets(st.sampled_from([*LANGUAGES, "so"]), min_size=1, max_size=3).map(sorted),
            "age_group": st.sampled_from(AgeGroup.values),
            "n": st.integers(min_value=1, max_value=12),
            "since": st.integers(min_value=0, max_value=400).map(lambda days: NOW - datetime.timedelta(days=days)),
        }
    ),
    max_size=25,
).map(one_per_wish)
formats_strategy = st.sampled_from([FORMATS, FORMATS[:1], FORMATS[1:]])
languages_strategy = st.sets(st.sampled_from(LANGUAGES), min_size=1).map(
    lambda chosen: [c for c in LANGUAGES if c in chosen]
)
thresholds = st.integers(min_value=4, max_value=10)


def fitting(plan: Plan, buckets: list[dict]) -> list[dict]:
    return [bucket for bucket in buckets if plan.fits(bucket)]


def seated(plan: Plan, buckets: list[dict]) -> int:
    return sum(bucket["n"] for bucket in fitting(plan, buckets))


class SuggestionRules(SimpleTestCase):
    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, languages=languages_strategy, threshold=thresholds)
    def test_no_suggestion_seats_fewer_than_it_takes_to_start_a_group(self, buckets, formats, languages, threshold):
        for suggestion in suggest(buckets, formats=formats, languages=languages, threshold=threshold, seats=10):
            self.assertGreaterEqual(seated(suggestion.plan, buckets), threshold)
            self.assertEqual(seated(suggestion.plan, buckets), suggestion.fit)

    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, languages=languages_strategy, threshold=thresholds)
    def test_the_first_suggestion_seats_at_least_as_many_as_any_single_concrete_plan(
        self, buckets, formats, languages, threshold
    ):
        best = max((seated(plan, buckets) for plan in concrete_plans(formats, languages)), default=0)
        found = suggest(buckets, formats=formats, languages=languages, threshold=threshold, seats=8)
        if best < threshold:
            self.assertEqual(found, [])
        else:
            self.assertEqual(found[0].seats, min(best, 8))
            self.assertLessEqual(len(found), 3)

    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, languages=languages_strategy, threshold=thresholds)
    def test_everyone_a_suggestion_seats_who_gave_an_age_is_in_one_age_band(
        self, buckets, formats, languages, threshold
    ):
        for suggestion in suggest(buckets, formats=formats, languages=languages, threshold=threshold, seats=10):
            ages = {bucket["age_group"] for bucket in fitting(suggestion.plan, buckets)} - {ANY}
            self.assertLessEqual(len(ages), 1, suggestion.plan)

    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, languages=languages_strategy, threshold=thresholds)
    def test_ages_are_left_open_only_where_nobody_seated_gave_one(self, buckets, formats, languages, threshold):
        for suggestion in suggest(buckets, formats=formats, languages=languages, threshold=threshold, seats=10):
            people = fitting(suggestion.plan, buckets)
            nobody_gave_one = all(bucket["age_group"] == ANY for bucket in people)
            self.assertEqual(suggestion.plan.age_group == ANY, nobody_gave_one)

    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, languages=languages_strategy, threshold=thresholds)
    def test_nobody_is_seated_in_a_group_whose_language_they_did_not_tick(self, buckets, formats, languages, threshold):
        for suggestion in suggest(buckets, formats=formats, languages=languages, threshold=threshold, seats=10):
            self.assertIn(suggestion.plan.language, languages, "one of the contact point's languages, never open")
            for bucket in fitting(suggestion.plan, buckets):
                self.assertIn(suggestion.plan.language, bucket["languages"])

    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, languages=languages_strategy)
    def test_a_person_counts_under_every_offered_language_they_ticked_and_no_other(self, buckets, formats, languages):
        counted: dict[str, int] = {}
        for plan in concrete_plans(formats, languages):
            for bucket in fitting(plan, buckets):
                self.assertIn(plan.language, bucket["languages"])
            counted[plan.language] = max(counted.get(plan.language, 0), seated(plan, buckets))
        for language in languages:
            ticked = [b for b in buckets if language in b["languages"] and b["format"] in (ANY, *formats)]
            if not ticked:
                self.assertEqual(counted.get(language, 0), 0)

    @settings(max_examples=300, deadline=None)
    @given(buckets=buckets_strategy, formats=formats_strategy, languages=languages_strategy, threshold=thresholds)
    def test_each_suggestion_seats_someone_the_better_ones_do_not(self, buckets, formats, languages, threshold):
        found = suggest(buckets, formats=formats, languages=languages, threshold=threshold, seats=10)
        for later, suggestion in enumerate(found):
            mine = {id(bucket) for bucket in fitting(suggestion.plan, buckets)}
            for better in found[:later]:
                self.assertFalse(mine <= {id(bucket) for bucket in fitting(better.plan, buckets)})

    @settings(max_examples=200, deadline=None)
    @given(
        buckets=buckets_strategy,
        formats=formats_strategy,
        languages=languages_strategy,
        threshold=thresholds,
        seats=st.integers(4, 10),
    )
    def test_suggestions_are_ranked_by_how_many_they_seat(self, buckets, formats, languages, threshold, seats):
        seats = max(seats, threshold)
        found = suggest(buckets, formats=formats, languages=languages, threshold=threshold, seats=seats)
        self.assertEqual([s.seats for s in found], sorted((s.seats for s in found), reverse=True))
        for suggestion in found:
            self.assertEqual(suggestion.seats, min(suggestion.fit, seats))

    def test_among_equal_groups_the_one_whose_people_waited_longest_comes_first(self):
        evening = {"format": ANY, "time_of_day": "evening", "languages": ["no"], "age_group": "30-44"}
        daytime = {"format": ANY, "time_of_day": "daytime", "languages": ["en", "no"], "age_group": "30-44"}
        buckets = [
            {**daytime, "n": 6, "since": NOW - datetime.timedelta(days=10)},
            {**evening, "n": 6, "since": NOW - datetime.timedelta(days=90)},
        ]
        found = suggest(buckets, formats=FORMATS[:1], languages=["no", "en"], threshold=6, seats=8)
        self.assertEqual([(s.plan.time_of_day, s.plan.language) for s in found], [("evening", "no"), ("daytime", "no")])

    def test_people_who_ticked_two_languages_start_a_group_with_either(self):
        arabic = {"format": ANY, "time_of_day": ANY, "languages": ["ar"], "age_group": ANY, "since": NOW}
        both = {**arabic, "languages": ["ar", "no"]}
        norwegian = {**arabic, "languages": ["no"]}
        buckets = [{**arabic, "n": 2}, {**both, "n": 3}, {**norwegian, "n": 1}]
        found = suggest(buckets, formats=FORMATS[:1], languages=["no", "ar"], threshold=5, seats=8)
        self.assertEqual({s.plan.language for s in found}, {"ar"}, "five ticked Arabic, four Norwegian")
        self.assertEqual(found[0].fit, 5)


class SuggestionsForAContactPoint(Personas):
    def test_six_people_who_do_not_mind_get_one_suggestion_in_a_language_they_all_ticked_and_mixed_ages(self):
        for n in range(6):
            waiting_person(self.point_a, f"p{n}@example.org", days_ago=n + 1, languages=["en", "no"])
        found = suggestions(self.point_a)
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0].fit, 6)
        self.assertEqual((found[0].plan.language, found[0].plan.age_group), ("no", ANY))

    def test_only_the_contact_points_languages_are_suggested_and_counted(self):
        self.point_a.languages.set(Language.objects.filter(code__in=["no", "ar"]))
        for n in range(5):
            waiting_person(self.point_a, f"pl{n}@example.org", days_ago=n + 1, languages=["pl"])
        self.assertEqual(suggestions(self.point_a), [], "nobody here starts groups in Polish")
        for n in range(5):
            waiting_person(self.point_a, f"ar{n}@example.org", days_ago=n + 1, languages=["ar", "pl"])
        with translation.override("en"):
            found = suggestions(self.point_a)
            self.assertEqual([(s.plan.language, s.fit) for s in found], [("ar", 5)])
            self.assertEqual(found[0].plan.label, "Meeting in person · Daytime · Arabic · Mixed ages")
        counts = plan_counts(self.point_a)
        self.assertEqual({plan.language for plan in counts}, {"no", "ar"})

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


class WaitingDigestTests(Personas):
    """PostgreSQL's digest of a contact point's waiting counts: read instead of the counts while they stay
    the same (``waiting_overview``), so it must change whenever they do."""

    def test_the_same_counts_give_the_same_digest_and_any_change_a_new_one(self):
        self.assertEqual(waiting_digest(self.point_a), "", "nobody waits")
        self.assertEqual(self.read_with_the_contact_point(), "")
        first = waiting_person(self.point_a, "first@example.org", days_ago=3, languages=["en", "no"])
        waiting_person(self.point_a, "second@example.org", days_ago=3, languages=["en", "no"])
        seen = {waiting_digest(self.point_a)}
        self.assertEqual(waiting_digest(self.point_a), next(iter(seen)), "nothing changed")
        changes = [
            lambda: waiting_person(self.point_a, "third@example.org", days_ago=1),
            lambda: SignUp.objects.filter(pk=first.pk).update(time_of_day=TimeOfDay.EVENING),
            lambda: SignUp.objects.filter(pk=first.pk).update(languages=["no"]),
            lambda: SignUp.objects.filter(pk=first.pk).update(age_group="30-44"),
            lambda: SignUp.objects.filter(pk=first.pk).update(format=Format.TELEPHONE),
            lambda: SignUp.objects.filter(pk=first.pk).update(waiting_since=first.waiting_since - ONE_DAY),
            lambda: SignUp.objects.filter(pk=first.pk).update(status=SignUp.Status.INVITED),
        ]
        for change in changes:
            change()
            digest = waiting_digest(self.point_a)
            self.assertNotIn(digest, seen)
            seen.add(digest)
            self.assertEqual(self.read_with_the_contact_point(), digest, "the same, in the contact point's own query")

    def read_with_the_contact_point(self) -> str:
        with self.assertNumQueries(1):
            return waiting_digest(with_waiting_digest(ContactPoint.objects.filter(pk=self.point_a.pk)).get())

    def test_it_is_of_one_contact_points_counts_alone(self):
        waiting_person(self.point_a, "here@example.org")
        before = waiting_digest(self.point_a)
        waiting_person(self.point_b, "there@example.org")
        self.assertEqual(waiting_digest(self.point_a), before)
        self.assertNotEqual(waiting_digest(self.point_b), "")


class OpenGroups(StaffTestCase):
    def test_a_group_left_open_before_languages_were_ticked_invites_those_who_ticked_all_three(self):
        norwegian = self.fill(self.point_a, 3, languages=["en", "no"])
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

    def test_a_group_in_one_language_invites_only_people_who_ticked_it(self):
        polish = [waiting_person(self.point_a, f"pl{n}@example.org", days_ago=9, languages=["pl"]) for n in range(3)]
        both = [waiting_person(self.point_a, f"b{n}@example.org", days_ago=1, languages=["ar", "no"]) for n in range(5)]
        group = self.start(plan=Plan(format="in_person", time_of_day="evening", language="ar", age_group=ANY))
        invited = set(Invitation.objects.filter(group=group).values_list("signup_id", flat=True))
        self.assertEqual(invited, {person.pk for person in both})
        self.assertTrue(all(SignUp.objects.get(pk=person.pk).is_waiting for person in polish))
