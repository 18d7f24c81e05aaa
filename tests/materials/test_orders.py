"""Contact points order the national office's free materials; the district office
covering them (and the national office) sends them; staff see that they are sent."""

import io
import uuid

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse

from contactpoints.models import Office
from materials.models import Material, Order
from tests.base import Personas
from tests.signin import sign_in


def order_data(*, key=None, **quantities):
    data = {
        "organisation": "Sentral A",
        "contact_person": "Kari Koordinator",
        "email": "post@sentral-a.example",
        "postal_address": "Gata 1",
        "postcode": "0555",
        "place": "Oslo",
        "notes": "Ring på døra.",
        "request_key": str(key or uuid.uuid4()),
    }
    data.update(quantities)
    return data


class OrderTestCase(Personas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        User = get_user_model()
        cls.intro = Material.objects.create(
            title="Selvhjelp – en innføring", description="Kort innføring.", languages=["nb", "nn", "se", "en"]
        )
        cls.starting = Material.objects.create(
            title="Hvordan sette i gang en selvorganisert selvhjelpsgruppe", languages=["nb", "se"]
        )
        cls.retired = Material.objects.create(title="Gammel brosjyre", languages=["nb"], is_active=False)
        cls.national = Office.objects.create(slug="nasjonalt", name="Selvhjelp Norge", is_national=True)
        cls.national_user = User.objects.create_user("nat@office.example", "a-long-password-5")
        cls.national.members.add(cls.national_user)
        cls.north_user = User.objects.create_user("north@office.example", "a-long-password-4")
        cls.district_north.members.add(cls.north_user)

    def as_user(self, user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(client, user)
        return client

    def staff_orders(self, data):
        return self.as_user(self.staff_a).post(reverse("materials:order", args=[self.point_a.slug]), data)

    def mark_sent(self, user, office, order):
        return self.as_user(user).post(
            reverse("materials:office_orders", args=[office.slug]), {"action": "sent", "order": order.pk}
        )


class OrderingTests(OrderTestCase):
    def test_staff_order_materials_and_see_them_sent(self):
        form = self.as_user(self.staff_a).get(reverse("materials:order", args=[self.point_a.slug]))
        self.assertContains(form, "Selvhjelp – en innføring")
        self.assertContains(form, f'name="quantity_{self.intro.pk}_se"')
        self.assertNotContains(form, "Gammel brosjyre")
        self.assertContains(form, 'value="staff-a@work.example"')  # filled in from what we know
        self.assertContains(form, 'type="hidden" name="request_key"')  # sent twice, it makes one order

        response = self.staff_orders(
            order_data(**{f"quantity_{self.intro.pk}_nb": "50", f"quantity_{self.starting.pk}_se": "10"})
        )
        self.assertRedirects(response, reverse("materials:orders", args=[self.point_a.slug]))
        order = Order.objects.get()
        self.assertEqual(order.contact_point, self.point_a)
        self.assertEqual(order.created_by, self.staff_a)
        self.assertEqual(
            sorted((line.material.title, line.language, line.quantity) for line in order.lines.all()),
            [
                ("Hvordan sette i gang en selvorganisert selvhjelpsgruppe", "se", 10),
                ("Selvhjelp – en innføring", "nb", 50),
            ],
        )
        mine = self.as_user(self.staff_a).get(reverse("materials:orders", args=[self.point_a.slug]))
        self.assertContains(mine, "Not sent yet")

        # The district office covering Oslo sees it, with where to send it, and marks it sent.
        east = self.as_user(self.district_east_user).get(reverse("materials:office_orders", args=["ost"]))
        for text in ("Sentral A", "Kari Koordinator", "Gata 1", "0555 Oslo", "Ring på døra.", "Northern Sami: 10"):
            self.assertContains(east, text)
        self.assertRedirects(
            self.mark_sent(self.district_east_user, self.district_east, order), "/kontor/ost/bestillinger/"
        )

        order.refresh_from_db()
        self.assertTrue(order.is_sent)
        self.assertEqual(order.sent_by, self.district_east_user)
        mine = self.as_user(self.staff_a).get(reverse("materials:orders", args=[self.point_a.slug]))
        self.assertContains(mine, "Sent ")
        self.assertNotContains(mine, "Not sent yet")

    def test_the_same_form_sent_twice_makes_one_order(self):
        key = uuid.uuid4()
        data = order_data(key=key, **{f"quantity_{self.intro.pk}_nb": "5"})
        self.staff_orders(data)
        self.staff_orders(data)
        self.assertEqual(Order.objects.count(), 1)

    def test_a_form_sent_for_another_contact_point_is_refused_and_asks_for_a_reload(self):
        # Staff of two contact points: the form of one sent (as it was) for the other.
        self.point_b.staff.add(self.staff_a)
        data = order_data(key=uuid.uuid4(), **{f"quantity_{self.intro.pk}_nb": "5"})
        client = self.as_user(self.staff_a)
        self.assertRedirects(
            client.post(reverse("materials:order", args=[self.point_a.slug]), data),
            reverse("materials:orders", args=[self.point_a.slug]),
        )
        response = client.post(reverse("materials:order", args=[self.point_b.slug]), data)
        self.assertContains(response, "This form was already used. Reload the page and try again.")
        self.assertContains(response, 'id="error-summary"')
        self.assertEqual(list(Order.objects.values_list("contact_point", flat=True)), [self.point_a.pk])
        # Reloaded, the form has a key of its own, and the order goes through.
        page = client.get(reverse("materials:order", args=[self.point_b.slug]))
        data["request_key"] = page.context["form"]["request_key"].value()
        client.post(reverse("materials:order", args=[self.point_b.slug]), data)
        self.assertEqual(Order.objects.filter(contact_point=self.point_b).count(), 1)

    def test_an_order_needs_at_least_one_quantity_and_a_real_postcode(self):
        response = self.staff_orders(order_data(postcode="05"))
        self.assertContains(response, "Write how many you want of at least one material.")
        self.assertContains(response, "A postcode has four digits.")
        self.assertContains(response, 'id="error-summary"')
        self.assertFalse(Order.objects.exists())

    def test_materials_no_longer_offered_or_languages_not_printed_cannot_be_ordered(self):
        response = self.staff_orders(
            order_data(**{f"quantity_{self.retired.pk}_nb": "5", f"quantity_{self.starting.pk}_en": "5"})
        )
        self.assertContains(response, "Write how many you want of at least one material.")
        self.assertFalse(Order.objects.exists())

    def test_quantities_are_whole_numbers_within_reason(self):
        response = self.staff_orders(order_data(**{f"quantity_{self.intro.pk}_nb": "100000"}))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Order.objects.exists())

    def test_nothing_to_order_says_so(self):
        Material.objects.update(is_active=False)
        response = self.as_user(self.staff_a).get(reverse("materials:orders", args=[self.point_a.slug]))
        self.assertContains(response, "There is nothing to order right now.")
        self.assertNotContains(response, reverse("materials:order", args=[self.point_a.slug]))


class WhoHandlesOrdersTests(OrderTestCase):
    def setUp(self):
        self.staff_orders(order_data(**{f"quantity_{self.intro.pk}_nb": "5"}))
        self.order = Order.objects.get()

    def test_only_the_district_covering_the_contact_point_and_the_national_office_see_it(self):
        north = self.as_user(self.north_user).get(reverse("materials:office_orders", args=["nord"]))
        self.assertNotContains(north, "Sentral A")
        self.assertNotContains(north, "Kari Koordinator")
        national = self.as_user(self.national_user).get(reverse("materials:office_orders", args=["nasjonalt"]))
        self.assertContains(national, "Kari Koordinator")

    def test_another_district_cannot_mark_it_sent(self):
        self.assertEqual(self.mark_sent(self.north_user, self.district_north, self.order).status_code, 404)
        self.order.refresh_from_db()
        self.assertFalse(self.order.is_sent)

    def test_the_national_office_can_mark_it_sent(self):
        self.mark_sent(self.national_user, self.national, self.order)
        self.order.refresh_from_db()
        self.assertTrue(self.order.is_sent)

    def test_marking_it_sent_twice_changes_nothing(self):
        self.mark_sent(self.district_east_user, self.district_east, self.order)
        self.order.refresh_from_db()
        first = self.order.sent_at
        response = self.as_user(self.national_user).post(
            reverse("materials:office_orders", args=["nasjonalt"]),
            {"action": "sent", "order": self.order.pk},
            follow=True,
        )
        self.assertContains(response, "already marked as sent")
        self.order.refresh_from_db()
        self.assertEqual(self.order.sent_at, first)
        self.assertEqual(self.order.sent_by, self.district_east_user)

    def test_other_staff_never_see_it(self):
        staff_b = self.as_user(self.staff_b)
        self.assertEqual(staff_b.get(reverse("materials:orders", args=[self.point_a.slug])).status_code, 404)
        self.assertNotContains(staff_b.get(reverse("materials:orders", args=[self.point_b.slug])), "Kari Koordinator")
        for office in ("ost", "nord", "nasjonalt"):
            self.assertEqual(staff_b.get(reverse("materials:office_orders", args=[office])).status_code, 404)

    def test_staff_cannot_mark_their_own_order_sent(self):
        response = self.as_user(self.staff_a).post(
            reverse("materials:office_orders", args=["ost"]), {"action": "sent", "order": self.order.pk}
        )
        self.assertEqual(response.status_code, 404)

    def test_a_malformed_request_is_refused(self):
        client = self.as_user(self.district_east_user)
        url = reverse("materials:office_orders", args=["ost"])
        self.assertEqual(client.post(url, {"action": "sent", "order": "x"}).status_code, 400)
        self.assertEqual(client.post(url, {"action": "delete", "order": self.order.pk}).status_code, 400)
        self.assertEqual(client.post(url, {"action": "sent", "order": "999999"}).status_code, 404)

    def test_the_office_page_links_to_the_orders_and_counts_those_to_send(self):
        response = self.as_user(self.district_east_user).get(reverse("figures:office", args=["ost"]))
        self.assertContains(response, "Material orders: 1 to send")
        self.assertContains(response, 'href="/kontor/ost/bestillinger/"')
        self.assertNotContains(response, 'href="/kontor/ost/materiell/"')  # only the national office lists materials


class QueryCountTests(OrderTestCase):
    def test_the_order_lists_take_the_same_few_queries_however_many_orders(self):
        for n in range(6):
            self.staff_orders(
                order_data(**{f"quantity_{self.intro.pk}_nb": str(n + 1), f"quantity_{self.starting.pk}_se": "2"})
            )
        Order.objects.filter(pk__in=Order.objects.all()[:3].values("pk")).update(status=Order.Status.SENT)
        east, staff = self.as_user(self.district_east_user), self.as_user(self.staff_a)
        # session, user with second factor, office, open orders and their lines, sent orders and their lines
        with self.assertNumQueries(7):
            east.get(reverse("materials:office_orders", args=["ost"]))
        # session, user with second factor, contact point, orders + lines, is anything orderable, who posts them
        with self.assertNumQueries(7):
            staff.get(reverse("materials:orders", args=[self.point_a.slug]))


class CatalogueTests(OrderTestCase):
    def test_the_national_office_lists_and_changes_the_materials(self):
        client = self.as_user(self.national_user)
        url = reverse("materials:catalogue", args=["nasjonalt"])
        page = client.get(url)
        self.assertContains(page, "Selvhjelp – en innføring")
        # Several languages can be ticked: checkboxes, not radio buttons.
        self.assertContains(page, 'type="checkbox" name="languages" value="se"')
        self.assertContains(page, "Bokmål, Nynorsk, Northern Sami, English")

        response = client.post(
            url, {"title": "Ny brosjyre", "description": "Om grupper.", "languages": ["en", "nb"], "is_active": "on"}
        )
        self.assertRedirects(response, url)
        added = Material.objects.get(title="Ny brosjyre")
        self.assertEqual(added.languages, ["nb", "en"])

        edit = reverse("materials:material", args=["nasjonalt", added.pk])
        client.post(edit, {"title": "Ny brosjyre", "description": "", "languages": ["nb"]})
        added.refresh_from_db()
        self.assertFalse(added.is_active)
        self.assertNotContains(
            self.as_user(self.staff_a).get(reverse("materials:order", args=[self.point_a.slug])), "Ny brosjyre"
        )

    def test_a_material_needs_a_language(self):
        response = self.as_user(self.national_user).post(
            reverse("materials:catalogue", args=["nasjonalt"]), {"title": "Uten språk", "is_active": "on"}
        )
        self.assertContains(response, 'id="error-summary"')
        self.assertFalse(Material.objects.filter(title="Uten språk").exists())

    def test_district_offices_and_staff_cannot_change_the_list(self):
        url = reverse("materials:catalogue", args=["ost"])
        self.assertEqual(self.as_user(self.district_east_user).get(url).status_code, 404)
        edit = reverse("materials:material", args=["nasjonalt", self.intro.pk])
        for user in (self.district_east_user, self.staff_a):
            self.assertEqual(self.as_user(user).post(edit, {"title": "X", "languages": ["nb"]}).status_code, 404)
        self.intro.refresh_from_db()
        self.assertEqual(self.intro.title, "Selvhjelp – en innføring")


class DemoMaterialsTests(TestCase):
    def test_the_demo_world_offers_the_national_offices_materials_once(self):
        for _ in range(2):
            call_command("seed_demo", password="pw-for-tests-123", stdout=io.StringIO(), stderr=io.StringIO())
        titles = set(Material.objects.values_list("title", flat=True))
        self.assertIn("Selvhjelp – en innføring", titles)
        self.assertIn("Hvordan sette i gang en selvorganisert selvhjelpsgruppe", titles)
        self.assertEqual(Material.objects.count(), 4)
        self.assertEqual(Material.objects.get(title="Selvhjelp – en innføring").languages, ["nb", "nn", "se", "en"])
