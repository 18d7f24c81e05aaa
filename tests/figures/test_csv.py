"""An office downloads its figures as CSV in the language it reads the page in:
the file's name and its headers; the numbers and the "<5" and "–" marks stay as they are."""

import csv
import io

from django.test import Client
from django.urls import reverse

from contactpoints.models import ContactPoint
from tests.figures.test_views import OfficeTestCase, started
from tests.signin import sign_in


class CsvInTheOfficesLanguage(OfficeTestCase):
    def download(self, language: str, table: str):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        sign_in(client, self.district_east_user)
        response = client.get(reverse("figures:csv", args=[self.district_east.slug, table]))
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        return response, rows

    def test_a_csv_downloaded_in_bokmal_has_a_norwegian_name_and_headers(self):
        response, rows = self.download("nb", "contact-points")
        month = f"{self.month:%Y-%m}"

        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="selvhjelp-ost-kontaktpunkter-{month}.csv"'
        )
        self.assertEqual(rows[0][:4], ["Måned", "Kontaktpunkt", "Venter nå", "Meldt på"])
        self.assertEqual(rows[0][-1], "Ventetid i dager (median)")
        sentral_a = next(row for row in rows if row[1] == "Sentral A")
        self.assertEqual(sentral_a[:5], [month, "Sentral A", "<5", "12", "<5"])
        self.assertEqual(sentral_a[-1], "–")

    def test_a_csv_downloaded_in_english_has_an_english_name_and_headers(self):
        response, rows = self.download("en", "counties")
        month = f"{self.month:%Y-%m}"

        self.assertEqual(response["Content-Disposition"], f'attachment; filename="selvhjelp-ost-counties-{month}.csv"')
        self.assertEqual(rows[0][:4], ["Month", "County", "Waiting now", "Signed up"])
        self.assertEqual(rows[0][-1], "Median days waited")
        oslo = next(row for row in rows if row[1] == "Oslo")
        self.assertEqual(oslo[:5], [month, "Oslo", "<5", "12", "<5"])

    def test_a_name_with_norwegian_letters_reaches_the_browser_whole(self):
        response, rows = self.download("nb", "trend")

        self.assertEqual(
            response["Content-Disposition"],
            f"attachment; filename*=utf-8''selvhjelp-ost-m%C3%A5ned-for-m%C3%A5ned-{self.month:%Y-%m}.csv",
        )
        self.assertEqual(rows[0], ["Måned", "Grupper startet", "Ventetid i dager (median)"])
        english, rows = self.download("en", "trend")
        self.assertIn("selvhjelp-ost-month-by-month-", english["Content-Disposition"])
        self.assertEqual(rows[0], ["Month", "Groups started", "Median days waited"])

    def test_how_groups_met_downloads_as_the_page_shows_it(self):
        # Six groups met in person and one by video; nobody in Øst offers telephone groups, so the
        # number in person is hidden, or "7 started" would give the one by video away.
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_video=True)
        started(self.point_a, "in_person", 6, month=self.month)
        started(self.point_a, "video", 1, month=self.month)
        response, rows = self.download("en", "ways")
        month = f"{self.month:%Y-%m}"

        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="selvhjelp-ost-how-groups-meet-{month}.csv"'
        )
        self.assertEqual(rows[0], ["Month", "How the group meets", "Groups started", "Contact points that offer it"])
        self.assertEqual(
            rows[1:],
            [
                [month, "In person", "–", "1"],
                [month, "By telephone", "<5", "0"],
                [month, "By video", "<5", "1"],
                [month, "Øst", "7", "1"],
            ],
        )
