import datetime

from django.db import migrations, models
from django.utils import timezone


def count_started_groups_in_their_month(apps, schema_editor):
    """Each started group counts in the local month of its first meeting, or of its hand-off if that came first."""
    Group = apps.get_model("groups", "Group")
    started = Group.objects.filter(handed_off_at__isnull=False, members_at_start__gt=0, counted_in__isnull=True)
    by_month: dict[datetime.date, list[int]] = {}
    for pk, first_meeting, handed_off_at in started.values_list("pk", "first_meeting", "handed_off_at").iterator():
        month = timezone.localtime(min(first_meeting, handed_off_at)).date().replace(day=1)
        by_month.setdefault(month, []).append(pk)
    for month, ids in by_month.items():
        for at in range(0, len(ids), 5000):
            Group.objects.filter(pk__in=ids[at : at + 5000]).update(counted_in=month)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0018_more_lists_from_one_form"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="counted_in",
            field=models.DateField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(count_started_groups_in_their_month, migrations.RunPython.noop),
    ]
