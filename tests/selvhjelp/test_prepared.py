"""A query the ORM builds once per process gives what the ORM would give, for every value it is called with."""

from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count
from django.db.models.sql.compiler import SQLCompiler

from contactpoints.models import ContactPoint, Office
from selvhjelp.prepared import Prepared
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
