"""A week's new hours now reach the profile's stored open weeks (open_week_hours), which the search reads
for a minimum of hours and for the weeks a result lists; every profile's stored weeks are then worked out
again once, for hours changed before."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('talentpool', '0017_bookable_week'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='weekslot',
            name='slot_update_next_open_week',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='weekslot',
            trigger=pgtrigger.compiler.Trigger(name='slot_update_next_open_week', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM talentpool_next_open_week_refresh(ARRAY(SELECT DISTINCT n.profile_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.status IS DISTINCT FROM o.status OR n.week_start IS DISTINCT FROM o.week_start OR n.hours IS DISTINCT FROM o.hours OR n.profile_id IS DISTINCT FROM o.profile_id UNION SELECT o.profile_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.profile_id IS DISTINCT FROM o.profile_id)); RETURN NULL;', hash='e79d607a87b09d4fac5db8537452fef381942405', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_slot_update_next_open_week_2b773', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='talentpool_weekslot', when='AFTER')),
        ),
        migrations.RunSQL(
            "SELECT talentpool_next_open_week_refresh(ARRAY(SELECT id FROM talentpool_specialistprofile))",
            migrations.RunSQL.noop,
        ),
    ]
