"""After the first meeting, addresses are shared only among members who say
they were there and want to, from their own link, for a few days."""

import datetime
import uuid

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups import links
from groups.models import AddressExchange, Group
from groups.services import address_exchange
from tests.base import Personas


class AddressExchangeTests(Personas):
    def setUp(self) -> None:
        self.group = Group.objects.create(
            contact_point=self.point_a,
            format="in_person",
            time_of_day="evening",
            language="no",
            age_group="30-44",
            first_meeting=timezone.now() - datetime.timedelta(hours=4),
            seats=5,
            request_key=uuid.uuid4(),
            status=Group.Status.HANDED_OFF,
        )
        until = timezone.now() + datetime.timedelta(days=settings.ADDRESS_EXCHANGE_DAYS)
        self.links = {}
        for name in ("kari", "ola", "per"):
            exchange = AddressExchange.objects.create(
                group=self.group, email=f"{name}@example.org", nickname=name.title(), expires_at=until
            )
            self.links[name] = links.exchange_url(links.mint_exchange(exchange_id=exchange.pk))

    def share(self, name: str) -> None:
        response = Client().post(self.links[name], {"action": "share"})
        self.assertRedirects(response, self.links[name])

    def test_opening_the_link_shares_nothing(self) -> None:
        for name in self.links:
            self.assertEqual(Client().get(self.links[name]).status_code, 200)
        self.assertFalse(AddressExchange.objects.filter(shared_at__isnull=False).exists())

    def test_only_those_who_shared_see_each_other(self) -> None:
        self.share("kari")
        self.share("ola")
        kari = Client().get(self.links["kari"])
        self.assertContains(kari, "ola@example.org")
        self.assertNotContains(kari, "per@example.org")  # was not there, or did not want to
        per = Client().get(self.links["per"])
        self.assertNotContains(per, "kari@example.org")
        self.assertNotContains(per, "ola@example.org")

    def test_a_member_can_stop_sharing(self) -> None:
        self.share("kari")
        self.share("ola")
        Client().post(self.links["ola"], {"action": "stop"})
        self.assertNotContains(Client().get(self.links["kari"]), "ola@example.org")

    def test_a_new_link_replaces_the_old_one(self) -> None:
        kari = next(row for row in AddressExchange.objects.all() if row.email == "kari@example.org")
        new = links.exchange_url(links.mint_exchange(exchange_id=kari.pk))
        self.assertEqual(Client().get(new).status_code, 200)
        self.assertEqual(Client().get(self.links["kari"]).status_code, 404)

    def test_when_the_time_is_over_every_address_goes_and_the_links_stop_working(self) -> None:
        self.share("kari")
        later = timezone.now() + datetime.timedelta(days=settings.ADDRESS_EXCHANGE_DAYS, minutes=1)
        self.assertEqual(address_exchange.delete_expired(now=later), 3)
        self.assertFalse(AddressExchange.objects.exists())
        response = Client().get(self.links["kari"])
        self.assertEqual(response.status_code, 404)

    def test_an_unknown_link_or_action_changes_nothing(self) -> None:
        self.assertEqual(Client().get(reverse("address_exchange", args=["x" * 40])).status_code, 404)
        self.assertEqual(Client().post(self.links["kari"], {"action": "nonsense"}).status_code, 400)
        self.assertFalse(AddressExchange.objects.filter(shared_at__isnull=False).exists())
