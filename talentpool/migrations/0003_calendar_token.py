import secrets

from django.db import migrations, models

import talentpool.models


def fill(apps, schema_editor):
    SpecialistProfile = apps.get_model("talentpool", "SpecialistProfile")
    for profile in SpecialistProfile.objects.filter(calendar_token__isnull=True):
        profile.calendar_token = secrets.token_urlsafe(32)
        profile.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):
    dependencies = [("talentpool", "0002_reference_data")]

    operations = [
        migrations.AddField(
            model_name="specialistprofile",
            name="calendar_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="specialistprofile",
            name="calendar_token",
            field=models.CharField(
                default=talentpool.models.calendar_token_new, editable=False, max_length=64, unique=True
            ),
        ),
    ]
