from django.db import migrations, models

import groups.models

# What a sign-up's one choice meant: "any" was any of the three languages then offered.
AS_A_LIST = {"no": ["no"], "en": ["en"], "se": ["se"], "any": ["en", "no", "se"]}


def to_lists(apps, schema_editor):
    for name in ("SignUp", "IncomingSignUp"):
        model = apps.get_model("groups", name)
        for choice, codes in AS_A_LIST.items():
            model.objects.filter(language=choice).update(languages=codes)


def to_one_choice(apps, schema_editor):
    for name in ("SignUp", "IncomingSignUp"):
        model = apps.get_model("groups", name)
        for row in model.objects.all().only("pk", "languages"):
            codes = [code for code in row.languages if code in ("no", "en", "se")]
            model.objects.filter(pk=row.pk).update(language=codes[0] if len(codes) == 1 else "any")


class Migration(migrations.Migration):
    dependencies = [
        ("contactpoints", "0007_the_languages_groups_can_be_held_in"),
        ("groups", "0016_video_groups_follow_up_meetings_and_when_a_group_changed"),
    ]

    operations = [
        migrations.AddField(
            model_name="incomingsignup", name="languages", field=models.JSONField(default=groups.models.the_first_three)
        ),
        migrations.AddField(
            model_name="signup", name="languages", field=models.JSONField(default=groups.models.the_first_three)
        ),
        migrations.RunPython(to_lists, to_one_choice),
        # So that going back can add the old column to rows that exist (then filled by to_one_choice).
        migrations.AlterField(
            model_name="incomingsignup",
            name="language",
            field=models.CharField(
                choices=[("no", "Norwegian"), ("en", "English"), ("se", "Northern Sami"), ("any", "Any of these")],
                default="any",
                max_length=3,
            ),
        ),
        migrations.RemoveField(model_name="incomingsignup", name="language"),
        migrations.RemoveField(model_name="signup", name="language"),
        migrations.AlterField(
            model_name="group", name="language", field=models.CharField(max_length=8, verbose_name="language")
        ),
    ]
