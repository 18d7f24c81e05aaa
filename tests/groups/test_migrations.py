"""Sign-ups made when a person picked one language keep their meaning once people tick several."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [
    ("contactpoints", "0006_ask_to_be_told_when_a_contact_point_opens"),
    ("groups", "0016_video_groups_follow_up_meetings_and_when_a_group_changed"),
]
AFTER = [
    ("contactpoints", "0007_the_languages_groups_can_be_held_in"),
    ("groups", "0017_people_tick_every_language_they_can_take_part_in"),
]


class OneLanguageBecomesASetTests(TransactionTestCase):
    def setUp(self) -> None:
        self.addCleanup(self.migrate_to_the_end)

    @staticmethod
    def migrate_to_the_end() -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_each_old_choice_becomes_the_same_languages_and_every_contact_point_keeps_the_first_three(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        county = old.get_model("contactpoints", "County").objects.create(number="99", name="Fylke")
        place = old.get_model("contactpoints", "Municipality").objects.create(number="9901", name="By", county=county)
        point = old.get_model("contactpoints", "ContactPoint").objects.create(
            slug="gammel", name="Gammel sentral", kind="other", municipality=place
        )
        old_signup = old.get_model("groups", "SignUp")
        for choice in ("no", "en", "se", "any"):
            old_signup.objects.create(
                contact_point=point, email=f"{choice}@example.org", email_hash=choice, language=choice
            )
        old.get_model("groups", "IncomingSignUp").objects.create(
            contact_point=point,
            email="i@example.org",
            format="any",
            time_of_day="any",
            language="any",
            age_group="any",
            locale="nb",
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        # The models as they were then: later migrations add columns these rows do not have yet.
        new = executor.loader.project_state(AFTER).apps
        SignUp = new.get_model("groups", "SignUp")
        IncomingSignUp = new.get_model("groups", "IncomingSignUp")
        ContactPoint = new.get_model("contactpoints", "ContactPoint")
        Language = new.get_model("contactpoints", "Language")

        self.assertEqual(
            dict(SignUp.objects.values_list("email_hash", "languages")),
            {"no": ["no"], "en": ["en"], "se": ["se"], "any": ["en", "no", "se"]},
        )
        self.assertEqual(IncomingSignUp.objects.get().languages, ["en", "no", "se"])
        codes = set(ContactPoint.objects.get(slug="gammel").languages.values_list("code", flat=True))
        self.assertEqual(codes, {"no", "en", "se"})
        self.assertEqual(Language.objects.count(), 14)
        self.assertEqual(Language.objects.get(code="ar").autonym, "العربية")

        # And back: one language stays itself, the first three are "any".
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        back = dict(old.get_model("groups", "SignUp").objects.values_list("email_hash", "language"))
        self.assertEqual(back, {"no": "no", "en": "en", "se": "se", "any": "any"})
