"""Each profile's standing in the listing rule, apart from its date (SpecialistProfile.listed_standing), kept
by the database: the functions and the triggers on the councils' tables, the profile's own trigger, then
every profile's standing worked out once."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

from talentpool.models import LISTED_STANDING_SQL, LISTED_STANDING_TRIGGERS_DROP_SQL, LISTED_STANDING_TRIGGERS_SQL


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0010_invitationbatchline_batch_line_outcome_moves'),
        ('talentpool', '0018_slot_hours_refresh_open_weeks'),
    ]

    operations = [
        migrations.AddField(
            model_name='specialistprofile',
            name='listed_standing',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunSQL(LISTED_STANDING_SQL + LISTED_STANDING_TRIGGERS_SQL, LISTED_STANDING_TRIGGERS_DROP_SQL),
        pgtrigger.migrations.AddTrigger(
            model_name='specialistprofile',
            trigger=pgtrigger.compiler.Trigger(name='profile_listed_standing', sql=pgtrigger.compiler.UpsertTriggerSql(func='NEW.listed_standing := talentpool_listed_standing(NEW.status, NEW.user_id, NEW.council_id); RETURN NEW;', hash='6a6b038cec16ada133fe457072b8c326ed69a4e5', operation='INSERT OR UPDATE OF "status", "user_id", "council_id"', pgid='pgtrigger_profile_listed_standing_171b0', table='talentpool_specialistprofile', when='BEFORE')),
        ),
        migrations.RunSQL(
            "UPDATE talentpool_specialistprofile SET listed_standing = talentpool_listed_standing(status, user_id, council_id)",
            migrations.RunSQL.noop,
        ),
    ]
