"""The ways a contact point's groups meet are said the same way everywhere: on a card, in a
place's facts, on a poster, and over the lists for the whole country."""

from dataclasses import dataclass

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from contactpoints import ways


@dataclass
class Place:
    offers_in_person: bool = False
    offers_telephone: bool = False
    offers_video: bool = False


IN_PERSON = Place(offers_in_person=True)
TELEPHONE = Place(offers_telephone=True)
VIDEO = Place(offers_video=True)
EVERY_WAY = Place(True, True, True)


class WaysTests(SimpleTestCase):
    def setUp(self) -> None:
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def test_a_card_names_every_way_a_place_meets(self) -> None:
        self.assertEqual(ways.meets(IN_PERSON), "Meets in person")
        self.assertEqual(ways.meets(Place(offers_in_person=True, offers_video=True)), "Meets in person · by video")
        self.assertEqual(ways.meets(EVERY_WAY), "Meets in person · by telephone · by video")

    def test_the_ways_are_listed_as_a_sentence_says_them(self) -> None:
        self.assertEqual(ways.listed(ways.ways(VIDEO)), "by video")
        self.assertEqual(
            ways.listed(ways.ways(Place(offers_telephone=True, offers_video=True))), "by telephone or by video"
        )
        self.assertEqual(ways.listed(ways.ways(EVERY_WAY)), "in person, by telephone or by video")

    def test_lists_for_the_whole_country_are_said_by_the_ways_they_meet(self) -> None:
        self.assertEqual(ways.remotely([TELEPHONE]), "by telephone")
        self.assertEqual(ways.remotely([VIDEO]), "by video")
        self.assertEqual(ways.remotely([TELEPHONE, VIDEO]), "by telephone or video")
        self.assertEqual(ways.remotely([EVERY_WAY]), "by telephone or video")
        self.assertEqual(ways.remotely([IN_PERSON]), "")

    def test_a_person_who_asked_for_one_way_hears_of_that_way(self) -> None:
        self.assertEqual(ways.remotely([TELEPHONE, VIDEO], "video"), "by video")
        self.assertEqual(ways.remotely([TELEPHONE, VIDEO], "telephone"), "by telephone")
        self.assertEqual(ways.remotely([TELEPHONE, VIDEO], "any"), "by telephone or video")
        self.assertEqual(ways.remotely([TELEPHONE, VIDEO], "in_person"), "by telephone or video")

    def test_the_template_tags_say_the_same(self) -> None:
        page = Template(
            "{% load ways_of_meeting %}{% meets place %}|{% ways_of_meeting place %}|{% remotely lists as by %}{{ by }}"
        ).render(Context({"place": EVERY_WAY, "lists": [VIDEO]}))

        self.assertEqual(page, "Meets in person · by telephone · by video|In person, by telephone or by video|by video")

    def test_they_speak_the_language_of_the_page(self) -> None:
        # "or" is in every catalogue already; bokmål joins the ways with "eller".
        with translation.override("nb"):
            self.assertIn(" eller ", ways.listed(ways.ways(EVERY_WAY)))
