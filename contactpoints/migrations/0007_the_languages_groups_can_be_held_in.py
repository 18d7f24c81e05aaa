from django.db import migrations, models

# code, in itself, bokmål, nynorsk, English: the list the national office starts with.
SEED = (
    ("no", "Norsk", "norsk", "norsk", "Norwegian"),
    ("en", "English", "engelsk", "engelsk", "English"),
    ("se", "Davvisámegiella", "nordsamisk", "nordsamisk", "Northern Sami"),
    ("smj", "Julevsámegiella", "lulesamisk", "lulesamisk", "Lule Sami"),
    ("sma", "Åarjelsaemien gïele", "sørsamisk", "sørsamisk", "South Sami"),
    ("nsl", "Norsk tegnspråk", "norsk tegnspråk", "norsk teiknspråk", "Norwegian Sign Language"),
    ("ar", "العربية", "arabisk", "arabisk", "Arabic"),
    ("pl", "Polski", "polsk", "polsk", "Polish"),
    ("uk", "Українська", "ukrainsk", "ukrainsk", "Ukrainian"),
    ("so", "Soomaali", "somali", "somali", "Somali"),
    ("ti", "ትግርኛ", "tigrinja", "tigrinja", "Tigrinya"),
    ("es", "Español", "spansk", "spansk", "Spanish"),
    ("lt", "Lietuvių", "litauisk", "litauisk", "Lithuanian"),
    ("fa", "فارسی", "persisk", "persisk", "Persian"),
)
# What every contact point offered before: Norwegian, English and Northern Sami.
FIRST_THREE = ("no", "en", "se")


def seed(apps, schema_editor):
    Language = apps.get_model("contactpoints", "Language")
    ContactPoint = apps.get_model("contactpoints", "ContactPoint")
    for n, (code, autonym, nb, nn, en) in enumerate(SEED):
        Language.objects.get_or_create(
            code=code,
            defaults={"autonym": autonym, "name_nb": nb, "name_nn": nn, "name_en": en, "order": (n + 1) * 10},
        )
    first = list(Language.objects.filter(code__in=FIRST_THREE))
    for point in ContactPoint.objects.all():
        point.languages.add(*first)


class Migration(migrations.Migration):
    dependencies = [
        ("contactpoints", "0006_ask_to_be_told_when_a_contact_point_opens"),
    ]

    operations = [
        migrations.CreateModel(
            name="Language",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=8, unique=True, verbose_name="code")),
                ("autonym", models.CharField(max_length=60, verbose_name="name in the language itself")),
                ("name_nb", models.CharField(max_length=60, verbose_name="name in bokmål")),
                ("name_nn", models.CharField(max_length=60, verbose_name="name in nynorsk")),
                ("name_en", models.CharField(max_length=60, verbose_name="name in English")),
                ("order", models.PositiveSmallIntegerField(default=100, verbose_name="order")),
                ("is_active", models.BooleanField(default=True, verbose_name="offered")),
            ],
            options={
                "verbose_name": "language",
                "verbose_name_plural": "languages",
                "ordering": ["order", "code"],
            },
        ),
        migrations.AddField(
            model_name="contactpoint",
            name="languages",
            field=models.ManyToManyField(
                blank=True,
                related_name="contact_points",
                to="contactpoints.language",
                verbose_name="languages groups can be held in",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
