"""The large made-up data set for benchmarks: contact points that meet every way, and sign-ups
whose wishes fit the place they wait at."""

import io

from django.core.management import call_command

from contactpoints.models import ContactPoint
from groups.matching import formats_offered
from groups.models import ANY, SignUp
from tests.base import Personas


# Personas gives it a few municipalities, so it need not load the whole geography.
class GenerateLargeDatasetTests(Personas):
    def test_some_contact_points_offer_video_and_every_wish_is_one_the_place_offers(self) -> None:
        call_command("generate_large_dataset", contact_points=60, years=1, waiting=300, stdout=io.StringIO())

        points = ContactPoint.objects.filter(slug__startswith="generert")
        video = points.filter(offers_video=True).count()
        self.assertTrue(4 <= video <= 24, f"{video} of 60 offer video, about a fifth were meant to")
        offered = {point.pk: {*formats_offered(point), ANY} for point in points}
        formats = set()
        for contact_point_id, way in SignUp.objects.values_list("contact_point_id", "format"):
            self.assertIn(way, offered[contact_point_id])
            formats.add(way)
        self.assertIn("video", formats)

    def test_most_tick_norwegian_some_several_languages_and_a_few_others(self) -> None:
        call_command("generate_large_dataset", contact_points=20, years=1, waiting=400, stdout=io.StringIO())

        sets = [tuple(codes) for codes in SignUp.objects.values_list("languages", flat=True)]
        self.assertTrue(all(codes and list(codes) == sorted(set(codes)) for codes in sets), "sorted, never empty")
        norwegian_alone = sets.count(("no",))
        self.assertGreater(norwegian_alone, len(sets) / 3)
        self.assertTrue(any(len(codes) > 1 for codes in sets))
        self.assertTrue(any("ar" in codes for codes in sets))
        self.assertTrue(any("pl" in codes for codes in sets))
