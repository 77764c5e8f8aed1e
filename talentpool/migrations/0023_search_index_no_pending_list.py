# The profiles' word index written straight into the index, without a pending list (talentpool.models:
# SpecialistProfile.Meta). Changed in place (ALTER INDEX takes a lock that lets searches and saves go on,
# where dropping and building the index again would stop both while it is built), then the entries already
# pending merged into the index, as turning the option off does not.

import django.contrib.postgres.indexes
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("talentpool", "0022_vocabulary_197_ideas"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="specialistprofile", name="profile_search_gin"),
                migrations.AddIndex(
                    model_name="specialistprofile",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False, fields=["search_vector"], name="profile_search_gin"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=[
                        "ALTER INDEX profile_search_gin SET (fastupdate = off)",
                        "SELECT gin_clean_pending_list('profile_search_gin'::regclass)",
                    ],
                    reverse_sql=["ALTER INDEX profile_search_gin SET (fastupdate = on)"],
                ),
            ],
        ),
    ]
