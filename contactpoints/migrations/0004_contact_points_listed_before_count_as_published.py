from django.db import migrations
from django.db.models import F


def publish_listed(apps, schema_editor):
    ContactPoint = apps.get_model("contactpoints", "ContactPoint")
    ContactPoint.objects.filter(is_active=True, published_at=None).update(published_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("contactpoints", "0003_applications_publishing_pausing_and_closing"),
    ]

    operations = [migrations.RunPython(publish_listed, migrations.RunPython.noop)]
