"""The listed standing's refresh writes every profile it names (a profile being changed by another transaction
is waited for and worked out again, not skipped on a stale reading), and an acceptance changed in place
updates its councils' profiles."""

from django.db import migrations

from talentpool.models import (
    LISTED_STANDING_ACCEPTANCE_UPDATE_DROP_SQL,
    LISTED_STANDING_ACCEPTANCE_UPDATE_SQL,
    LISTED_STANDING_SQL,
)


class Migration(migrations.Migration):
    dependencies = [
        ("talentpool", "0019_listed_standing"),
    ]

    operations = [
        migrations.RunSQL(
            LISTED_STANDING_SQL + LISTED_STANDING_ACCEPTANCE_UPDATE_SQL, LISTED_STANDING_ACCEPTANCE_UPDATE_DROP_SQL
        ),
    ]
