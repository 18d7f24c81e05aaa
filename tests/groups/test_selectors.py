"""Where a person may move their place: the nearby places and nationwide lists offered to
someone whose contact point closed, and the nationwide lists offered to someone who has
waited long, each meeting the way the person asked for (in person, by telephone, by video)."""

import datetime
import uuid

from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone, translation

from contactpoints.models import ContactPoint
from groups import selectors
from groups.models import Group, NoticeHold, SignUp
from outbox.models import Email
from tests.base import Personas, waiting_person


class MoveTestCase(Personas):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()

        def place(slug: str, *, nationwide: bool = False, in_person: bool, telephone: bool, video: bool) -> None:
            ContactPoint.objects.create(
                slug=slug,
                name=slug,
                kind=ContactPoint.Kind.OTHER,
                municipality=cls.oslo,
                nationwide=nationwide,
                offers_in_person=in_person,
                offers_telephone=telephone,
                offers_video=video,
            )

        # Near Sentral A (Oslo), each meeting one way.
        place("rom", in_person=True, telephone=False, video=False)
        place("telefon", in_person=False, telephone=True, video=False)
        place("video", in_person=False, telephone=False, video=True)
        # For the whole country.
        place("landet-telefon", nationwide=True, in_person=False, telephone=True, video=False)
        place("landet-video", nationwide=True, in_person=False, telephone=False, video=True)
        place("landet-begge", nationwide=True, in_person=False, telephone=True, video=True)

    def person(self, way: str, *, point: ContactPoint | None = None) -> SignUp:
        return waiting_person(point or self.point_a, f"{way}@example.org", format=way)


class ClosedContactPointOffersTests(MoveTestCase):
    def setUp(self) -> None:
        self.people = {way: self.person(way) for way in ("in_person", "telephone", "video", "any")}
        ContactPoint.objects.filter(pk=self.point_a.pk).update(closed_at=timezone.now())

    def offers(self, way: str) -> tuple[set[str], set[str]]:
        offers = selectors.move_offers(SignUp.objects.select_related("contact_point").get(pk=self.people[way].pk))
        return {p.slug for p in offers.nearby}, {p.slug for p in offers.nationwide}

    def test_someone_who_wants_video_is_offered_video_places_and_video_lists(self) -> None:
        self.assertEqual(self.offers("video"), ({"video"}, {"landet-video", "landet-begge"}))

    def test_someone_who_wants_telephone_is_offered_telephone_places_and_telephone_lists(self) -> None:
        self.assertEqual(self.offers("telephone"), ({"telefon"}, {"landet-telefon", "landet-begge"}))

    def test_someone_for_whom_any_way_will_do_is_offered_every_place_and_list(self) -> None:
        self.assertEqual(
            self.offers("any"), ({"rom", "telefon", "video"}, {"landet-telefon", "landet-video", "landet-begge"})
        )

    def test_someone_who_wants_to_meet_in_person_is_offered_rooms_near_and_every_list(self) -> None:
        self.assertEqual(self.offers("in_person"), ({"rom"}, {"landet-telefon", "landet-video", "landet-begge"}))

    def test_the_offers_say_how_each_place_and_list_meets(self) -> None:
        signup = SignUp.objects.select_related("contact_point").get(pk=self.people["video"].pk)
        with translation.override("en"):
            page = render_to_string(
                "groups/_move_offers.html",
                {"offers": selectors.move_offers(signup), "signup": signup, "contact_point": signup.contact_point},
            )

        self.assertIn("Groups by video, for the whole country", page)
        self.assertIn("Oslo, Oslo · Meets by video", page)
        self.assertIn("Nationwide · Meets by telephone · by video", page)

    def test_a_nationwide_place_meeting_only_in_person_is_no_list_for_the_whole_country(self) -> None:
        ContactPoint.objects.filter(slug="landet-begge").update(
            offers_in_person=True, offers_telephone=False, offers_video=False
        )
        self.assertEqual(self.offers("any")[1], {"landet-telefon", "landet-video"})


class LongWaitOptionsTests(MoveTestCase):
    def options(self, signup: SignUp) -> set[str]:
        SignUp.objects.filter(pk=signup.pk).update(move_offered_at=timezone.now())
        return {
            p.slug for p in selectors.move_options(SignUp.objects.select_related("contact_point").get(pk=signup.pk))
        }

    def test_someone_who_wants_video_is_offered_video_lists(self) -> None:
        self.assertEqual(self.options(self.person("video")), {"landet-video", "landet-begge"})

    def test_someone_who_wants_telephone_is_offered_telephone_lists(self) -> None:
        self.assertEqual(self.options(self.person("telephone")), {"landet-telefon", "landet-begge"})

    def test_someone_for_whom_any_way_will_do_is_offered_every_list(self) -> None:
        self.assertEqual(self.options(self.person("any")), {"landet-telefon", "landet-video", "landet-begge"})

    def test_someone_who_wants_to_meet_in_person_is_offered_none(self) -> None:
        self.assertEqual(self.options(self.person("in_person")), set())

    def test_nothing_is_offered_before_the_offer_was_made(self) -> None:
        self.assertEqual(selectors.move_options(self.person("video")), [])

    def test_a_list_the_person_is_already_on_is_not_offered(self) -> None:
        video = ContactPoint.objects.get(slug="landet-video")
        waiting_person(video, "video@example.org", format="video")
        self.assertEqual(self.options(self.person("video")), {"landet-begge"})


class NationwideSuggestionTests(MoveTestCase):
    def test_a_short_local_list_suggests_every_list_for_the_whole_country(self) -> None:
        progress = selectors.Progress(waiting=None, needed=None, short=True, taken_at=timezone.now())

        suggested = {p.slug for p in selectors.nationwide_suggestions(self.point_a, progress)}

        self.assertEqual(suggested, {"landet-telefon", "landet-video", "landet-begge"})


class MoreListsTests(MoveTestCase):
    """The other lists the sign-up form offers: the county's contact points that take
    sign-ups, and the nationwide lists; never the form's own, nor one elsewhere."""

    def slugs(self, points: list[ContactPoint]) -> list[str]:
        return [point.slug for point in points]

    def test_the_form_at_a_local_contact_point_offers_the_county_and_the_nationwide_lists(self):
        ContactPoint.objects.filter(slug="rom").update(signups_paused_at=timezone.now())
        ContactPoint.objects.filter(slug="telefon").update(closed_at=timezone.now())
        more = selectors.more_lists(self.point_a)
        self.assertEqual(self.slugs(more.nearby), ["video"])
        self.assertEqual(self.slugs(more.nationwide), ["landet-begge", "landet-telefon", "landet-video"])

    def test_the_form_at_a_nationwide_list_offers_only_the_other_nationwide_lists(self):
        more = selectors.more_lists(ContactPoint.objects.get(slug="landet-video"))
        self.assertEqual(more.nearby, [])
        self.assertEqual(self.slugs(more.nationwide), ["landet-begge", "landet-telefon"])

    def test_a_list_fits_a_wish_only_if_it_meets_that_way(self):
        video = ContactPoint.objects.get(slug="landet-video")
        self.assertEqual(
            [selectors.meets_as_asked(video, way) for way in ("any", "video", "telephone", "in_person")],
            [True, True, False, False],
        )

    def test_each_place_of_a_person_is_told_in_words_and_their_own_comes_first(self):
        kari = waiting_person(self.point_a, "kari@example.org")
        video = ContactPoint.objects.get(slug="landet-video")
        waiting_person(video, "kari@example.org")
        waiting_person(self.point_a, "ola@example.org")
        places = selectors.places_of(kari)
        self.assertEqual([place.signup.contact_point.slug for place in places], ["sentral-a", "landet-video"])
        with translation.override("en"):
            self.assertEqual(selectors.places_of(kari)[0].in_words, "You are among the first 5 on the list.")


class WaitingOverviewTests(Personas):
    """What staff see about the people waiting is worked out once for the same counts, in each process."""

    def keep(self) -> None:
        keeping = override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
        keeping.enable()
        self.addCleanup(keeping.disable)

    def test_the_same_counts_give_the_overview_kept_and_any_change_a_new_one(self):
        self.keep()
        for n in range(5):
            waiting_person(self.point_a, f"p{n}@example.org")
        first = selectors.waiting_overview(self.point_a)
        self.assertIs(selectors.waiting_overview(self.point_a), first)
        self.assertEqual((first.total, first.suggestions[0].fit), (5, 5))
        waiting_person(self.point_a, "one-more@example.org")
        more = selectors.waiting_overview(self.point_a)
        self.assertEqual((more.total, more.suggestions[0].fit), (6, 6))
        self.point_a.threshold = 7
        self.assertEqual(selectors.waiting_overview(self.point_a).suggestions, [], "too few for seven")
        with translation.override("en"):
            english = selectors.waiting_overview(self.point_a)
        with translation.override("nb"):
            bokmal = selectors.waiting_overview(self.point_a)
        self.assertEqual((english.splits[0].label, bokmal.splits[0].label), ("How to meet", "Møteform"))

    def test_nothing_is_kept_where_the_public_pages_are_not(self):
        waiting_person(self.point_a, "kari@example.org")
        first = selectors.waiting_overview(self.point_a)
        again = selectors.waiting_overview(self.point_a)
        self.assertIsNot(again, first)
        self.assertEqual(again, first)


class DashboardCountsTests(Personas):
    def group(self, point: ContactPoint) -> Group:
        return Group.objects.create(
            contact_point=point,
            format="in_person",
            time_of_day="evening",
            language="no",
            age_group="30-44",
            first_meeting=timezone.now() + datetime.timedelta(days=7),
            seats=6,
            request_key=uuid.uuid4(),
        )

    def counts(self, point: ContactPoint) -> selectors.DashboardCounts:
        return selectors.dashboard_counts(selectors.with_dashboard_counts(ContactPoint.objects.all()).get(pk=point.pk))

    def test_the_counts_come_with_the_contact_point_and_are_its_own(self):
        self.assertEqual(self.counts(self.point_a), selectors.DashboardCounts(hold=None, undelivered=0, groups=0))
        hold = NoticeHold.objects.create(contact_point=self.point_a)
        NoticeHold.objects.create(contact_point=self.point_a, released_at=timezone.now())
        now = timezone.now()
        for n, failed_at in enumerate((now, now, None)):
            Email.objects.create(kind="message", dedupe_key=f"m{n}", contact_point=self.point_a, failed_at=failed_at)
        self.group(self.point_a)
        self.group(self.point_a)
        self.group(self.point_b)
        self.assertEqual(self.counts(self.point_a), selectors.DashboardCounts(hold=hold, undelivered=2, groups=2))
        self.assertEqual(self.counts(self.point_b), selectors.DashboardCounts(hold=None, undelivered=0, groups=1))

    def test_a_group_is_summed_up_only_at_its_own_contact_point(self):
        group = self.group(self.point_a)
        summary = selectors.group_summary_at(self.point_a, group.pk)
        self.assertEqual((summary.group, summary.accepted, summary.pending), (group, 0, 0))
        with self.assertRaises(Group.DoesNotExist):
            selectors.group_summary_at(self.point_b, group.pk)
