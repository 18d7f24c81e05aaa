"""Staff print an A4 poster and A6 cards for their contact point, with a QR code
that leads to its sign-up page, in the language they choose."""

import re

from django.conf import settings
from django.test import Client
from django.urls import reverse

from contactpoints.models import ContactPoint
from materials import selectors
from selvhjelp.qr import qr_svg
from tests.base import Personas
from tests.signin import sign_in

SVG = re.compile(r"<svg [^>]*>.*?</svg>", re.DOTALL)


class PosterTests(Personas):
    def setUp(self):
        self.staff = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(self.staff, self.staff_a)

    def poster(self, **params):
        return self.staff.get(reverse("materials:poster", args=[self.point_a.slug]), params)

    def test_staff_can_print_a_poster_that_leads_to_their_sign_up_page(self):
        response = self.poster()

        self.assertEqual(response.status_code, 200)
        address = "127.0.0.1:8000/m/sentral-a"
        self.assertContains(response, f'<p class="printed-address">{address}</p>', html=True)
        # The QR code is the one for the short address, drawn on the page itself.
        url = f"{settings.SITE_URL}/m/sentral-a/"
        expected = qr_svg(url, label=f"QR code for {address}")
        self.assertIn(expected, response.content.decode())
        self.assertIn('role="img"', expected)
        # The short address leads to the sign-up form.
        landing = Client().get(f"/m/{self.point_a.slug}/")
        self.assertRedirects(landing, reverse("signup", args=[self.point_a.slug]))
        self.assertEqual(Client().get(f"/m/{self.point_a.slug}").status_code, 301)  # typed without the slash

    def test_it_says_what_self_help_is_and_that_it_is_free_and_by_choice(self):
        response = self.poster(language="en")
        for text in (
            "Join a self-help group",
            "You share what you want to share. Nobody tells you what to do.",
            "It is free. You never pay anything.",
            "It is your own choice. Nobody can sign you up or send you to a group.",
            "Sentral A",
            "post@sentral-a.example",
        ):
            self.assertContains(response, text)

    def test_the_poster_speaks_the_language_staff_choose(self):
        nynorsk = self.poster(language="nn")
        self.assertContains(nynorsk, '<article class="poster" lang="nn"')
        self.assertContains(nynorsk, "Bli med i ei sjølvhjelpsgruppe")
        self.assertContains(nynorsk, '<html lang="en"')  # the page around it keeps the staff's language
        bokmal = self.poster(language="nb")
        self.assertContains(bokmal, "Bli med i en selvhjelpsgruppe")
        self.assertNotContains(bokmal, "Join a self-help group")
        sami = self.poster(language="se")
        self.assertContains(sami, 'lang="se"')
        self.assertNotContains(sami, "Join a self-help group", msg_prefix="Sami falls back to bokmål, not English")
        self.assertContains(sami, "Text that has no Northern Sami translation yet is printed in bokmål.")
        self.assertNotContains(nynorsk, "no Northern Sami translation")

    def test_an_unknown_language_falls_back_to_the_page_language(self):
        self.assertContains(self.poster(language="xx"), '<article class="poster" lang="en"')

    def test_it_loads_nothing_from_elsewhere_and_needs_no_script(self):
        for name in ("materials:poster", "materials:card"):
            body = self.staff.get(reverse(name, args=[self.point_a.slug])).content.decode()
            self.assertNotIn("<script", body)
            self.assertNotIn("<img", body)
            self.assertEqual(re.findall(r'(?:src|href)="(?:https?:)?//', body), [])
            self.assertIn("/static/css/poster.css", body)

    def test_cards_print_four_to_a_sheet_and_read_as_one(self):
        response = self.staff.get(reverse("materials:card", args=[self.point_a.slug]))
        body = response.content.decode()
        self.assertEqual(body.count('class="print-card"'), 4)
        self.assertEqual(body.count('aria-hidden="true"'), 3)
        self.assertEqual(len(SVG.findall(body)), 4)
        self.assertContains(response, "Taking part is free and always your own choice.")

    def test_the_poster_and_the_cards_say_how_groups_meet_at_the_contact_point(self):
        self.assertContains(self.poster(language="en"), '<li lang="en">Groups here meet in person.</li>', html=False)
        ContactPoint.objects.filter(pk=self.point_a.pk).update(offers_telephone=True, offers_video=True)

        poster = self.poster(language="en")
        cards = self.staff.get(reverse("materials:card", args=[self.point_a.slug]), {"language": "en"})

        self.assertContains(poster, "Groups here meet in person, by telephone or by video.", count=1)
        # A card says it as the directory's cards do, beside the code.
        self.assertContains(cards, '<p lang="en">Meets in person · by telephone · by video</p>', count=4, html=False)

    def test_it_checks_ownership(self):
        for name in ("materials:poster", "materials:card"):
            url = reverse(name, args=[self.point_a.slug])
            for user in (self.staff_b, self.district_east_user):
                client = Client()
                sign_in(client, user)
                self.assertEqual(client.get(url).status_code, 404, (name, user))
            self.assertRedirects(Client().get(url), f"{reverse('login')}?next={url}")

    def test_the_short_address_of_a_contact_point_that_is_not_listed_leads_nowhere(self):
        self.point_a.is_active = False
        self.point_a.save()
        self.assertEqual(Client().get(f"/m/{self.point_a.slug}/").status_code, 404)

    def test_the_short_address_is_the_site_address_without_scheme(self):
        self.assertEqual(selectors.short_address_text(self.point_b), "127.0.0.1:8000/m/sentral-b")

    def test_the_dashboard_links_to_the_poster_the_cards_and_the_materials(self):
        response = self.staff.get(reverse("staff:dashboard", args=[self.point_a.slug]))
        for name in ("materials:poster", "materials:card", "materials:orders"):
            self.assertContains(response, f'href="{reverse(name, args=[self.point_a.slug])}"')
