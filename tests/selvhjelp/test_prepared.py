"""A query the ORM builds once per process gives what the ORM would give, for every value it is called with;
an insert it builds once stores what the ORM would store."""

from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count
from django.db.models.signals import post_save
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from contactpoints.models import ContactPoint, Office
from groups.models import IncomingSignUp
from selvhjelp.prepared import Prepared, PreparedInsert
from tests.base import Personas


def points_of(slug, user):
    return (
        ContactPoint.objects.select_related("municipality__county")
        .annotate(staff_count=Count("staff"))
        .filter(slug=slug, staff=user)
    )


def as_read(point: ContactPoint) -> tuple:
    fields = {field.attname: getattr(point, field.attname) for field in point._meta.concrete_fields}
    municipality = point.municipality
    return fields, municipality.name, municipality.county.name, point.staff_count


class PreparedTests(Personas):
    def test_it_gives_the_objects_the_orm_gives_related_objects_and_annotations_too(self):
        prepared = Prepared(points_of)
        for slug, user in [("sentral-a", self.staff_a.pk), ("sentral-b", self.staff_b.pk)]:
            with self.subTest(slug):
                (found,) = prepared.all(slug, user)
                (expected,) = points_of(slug, user)
                self.assertEqual(as_read(found), as_read(expected))
                with self.assertNumQueries(0):
                    self.assertEqual(found.municipality.county.name, expected.municipality.county.name)

    def test_each_call_is_answered_for_its_own_values(self):
        prepared = Prepared(points_of)
        self.assertEqual(prepared.first("sentral-a", self.staff_a.pk), self.point_a)
        self.assertIsNone(prepared.first("sentral-a", self.staff_b.pk), "not this user's")
        self.assertIsNone(prepared.first("sentral-b", self.staff_a.pk))
        self.assertEqual(prepared.first("sentral-b", self.staff_b.pk), self.point_b)
        self.assertIsNone(prepared.first("'; DELETE FROM contactpoints_office; --", self.staff_a.pk))
        self.assertTrue(Office.objects.exists())

    def test_the_sql_is_built_on_the_first_call_alone(self):
        prepared = Prepared(points_of)
        with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as built:
            prepared.first("sentral-a", self.staff_a.pk)
            first = built.call_count
            self.assertEqual(first, 2, "built twice: once with each set of stand-ins")
            for _ in range(3):
                prepared.first("sentral-b", self.staff_b.pk)
        self.assertEqual(built.call_count, first, "built again")
        with self.assertNumQueries(1):
            prepared.first("sentral-a", self.staff_a.pk)

    def test_a_query_that_makes_something_else_of_a_value_is_refused(self):
        for build in (
            lambda slug, user: ContactPoint.objects.filter(slug__icontains=slug, staff=user),
            lambda slug, user: ContactPoint.objects.filter(slug=slug),
            lambda slug, user: ContactPoint.objects.filter(slug=slug, staff=user).values("slug"),
        ):
            with self.subTest(build=build), self.assertRaises(ImproperlyConfigured):
                Prepared(build).all("sentral-a", self.staff_a.pk)

    def test_a_value_of_another_type_is_refused(self):
        prepared = Prepared(points_of)
        prepared.all("sentral-a", self.staff_a.pk)
        with self.assertRaises(TypeError):
            prepared.all("sentral-a", str(self.staff_a.pk))
        with self.assertRaises(TypeError):
            Prepared(points_of).all("sentral-a", None)

    def test_a_number_beyond_every_id_finds_nothing(self):
        prepared = Prepared(lambda pk: Office.objects.filter(pk=pk))
        self.assertEqual(prepared.first(self.district_east.pk), self.district_east)
        for number in (2**31, 2**63, 10**30):
            with self.subTest(number):
                self.assertIsNone(prepared.first(number))


class PreparedInsertTests(Personas):
    def values(self, address: str) -> dict:
        return {
            "contact_point": self.point_a,
            "email": address,
            "nickname": "Kari",
            "format": "in_person",
            "time_of_day": "evening",
            "languages": ["no", "se"],
            "age_group": "30-44",
            "locale": "nb",
        }

    def as_read(self, row: IncomingSignUp) -> dict:
        fields = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
        return {name: value for name, value in fields.items() if name not in ("id", "email", "received_at")}

    def test_it_stores_the_row_the_orms_create_stores_encrypted_alike_in_one_query(self):
        prepared = PreparedInsert(IncomingSignUp)
        before = timezone.now()
        with self.assertNumQueries(1):
            prepared.insert(**self.values("kari@example.org"))
        expected = IncomingSignUp.objects.create(**self.values("ola@example.org"))
        row = IncomingSignUp.objects.exclude(pk=expected.pk).get()
        self.assertEqual(self.as_read(row), self.as_read(IncomingSignUp.objects.get(pk=expected.pk)))
        self.assertEqual((row.email, row.also_at, row.request_id), ("kari@example.org", [], ""))
        self.assertGreaterEqual(row.received_at, before)
        with connection.cursor() as cursor:
            cursor.execute("SELECT email, nickname FROM groups_incomingsignup WHERE id = %s", [row.pk])
            stored = " ".join(cursor.fetchone())
        self.assertNotIn("kari", stored)
        self.assertNotIn("Kari", stored)

    def test_a_model_something_listens_to_is_saved_by_the_orm_so_that_it_is_told(self):
        heard = []

        def listener(sender, instance, created, **kwargs):
            heard.append((instance.email, created))

        post_save.connect(listener, sender=IncomingSignUp)
        self.addCleanup(post_save.disconnect, listener, sender=IncomingSignUp)
        PreparedInsert(IncomingSignUp).insert(**self.values("kari@example.org"))
        self.assertEqual(heard, [("kari@example.org", True)])
