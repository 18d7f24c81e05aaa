"""The national office keeps the list of languages groups can be held in."""

from django.urls import reverse

from contactpoints.models import Language
from groups.models import SignUp
from tests.base import waiting_person
from tests.figures.test_views import OfficeTestCase


class LanguageListTests(OfficeTestCase):
    def url(self) -> str:
        return reverse("figures:languages", args=[self.national.slug])

    def test_the_national_office_sees_the_fourteen_languages_each_marked_with_its_own_language(self):
        response = self.client_for(self.national_user).get(self.url())
        self.assertEqual(len(response.context["languages"]), 14)
        self.assertContains(response, '<span lang="ar" dir="auto">العربية</span>', html=False)
        self.assertContains(response, "Julevsámegiella")
        self.assertContains(response, reverse("figures:languages", args=[self.national.slug]))

    def test_a_district_office_has_no_such_page_and_no_link_to_it(self):
        client = self.client_for(self.district_east_user)
        self.assertEqual(client.get(reverse("figures:languages", args=[self.district_east.slug])).status_code, 404)
        self.assertEqual(client.get(self.url()).status_code, 404)
        self.assertNotContains(client.get(reverse("figures:office", args=[self.district_east.slug])), "/sprak/")

    def test_the_national_office_adds_a_language_that_contact_points_can_then_tick(self):
        data = {
            "action": "add",
            "code": "KU ",
            "autonym": "Kurdî",
            "name_nb": "kurdisk",
            "name_nn": "kurdisk",
            "name_en": "Kurdish",
            "order": "150",
        }
        response = self.client_for(self.national_user).post(self.url(), data)
        self.assertRedirects(response, self.url())
        self.assertEqual(Language.objects.get(code="ku").autonym, "Kurdî")
        staff = self.client_for(self.staff_a)
        self.assertContains(staff.get(reverse("staff:edit", args=[self.point_a.slug])), 'value="ku"')

    def test_a_bad_or_taken_code_is_refused_with_a_message_and_nothing_is_added(self):
        client = self.client_for(self.national_user)
        names = {"action": "add", "autonym": "X", "name_nb": "x", "name_nn": "x", "name_en": "X", "order": "1"}
        for code, message in (
            ("ar", "That code is on the list already."),
            ("a", "Write the code with 2 to 8 small letters"),
            ("any", "Write the code with 2 to 8 small letters"),
            ("<b>", "Write the code with 2 to 8 small letters"),
        ):
            with self.subTest(code=code):
                self.assertContains(client.post(self.url(), {**names, "code": code}), message)
        self.assertEqual(Language.objects.count(), 14)

    def test_names_change_but_the_code_never_does(self):
        url = reverse("figures:language", args=[self.national.slug, "fa"])
        data = {
            "code": "xx",
            "autonym": "فارسی",
            "name_nb": "persisk (farsi)",
            "name_nn": "persisk",
            "name_en": "Persian",
        }
        response = self.client_for(self.national_user).post(url, {**data, "order": "140"})
        self.assertRedirects(response, self.url())
        language = Language.objects.get(code="fa")
        self.assertEqual(language.name_nb, "persisk (farsi)")
        self.assertFalse(Language.objects.filter(code="xx").exists())

    def test_a_hidden_language_cannot_be_ticked_and_those_who_ticked_it_keep_it(self):
        person = waiting_person(self.point_a, "se@example.org", languages=["no", "se"])
        client = self.client_for(self.national_user)
        self.assertRedirects(client.post(self.url(), {"action": "hide", "code": "se"}), self.url())
        self.assertFalse(Language.objects.get(code="se").is_active)
        form = self.client.get(reverse("signup", args=[self.point_a.slug])).content.decode()
        self.assertNotIn('name="languages" value="se"', form)
        self.assertEqual(SignUp.objects.get(pk=person.pk).languages, ["no", "se"])
        self.assertRedirects(client.post(self.url(), {"action": "show", "code": "se"}), self.url())
        self.assertTrue(Language.objects.get(code="se").is_active)

    def test_there_is_no_way_to_delete_a_language(self):
        client = self.client_for(self.national_user)
        self.assertEqual(client.post(self.url(), {"action": "delete", "code": "ar"}).status_code, 400)
        self.assertEqual(client.post(self.url(), {"action": "hide", "code": "zz"}).status_code, 404)
        self.assertEqual(Language.objects.count(), 14)
