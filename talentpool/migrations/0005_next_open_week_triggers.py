"""Keep SpecialistProfile.next_open_week right whenever week slots change, however they change (a service,
a bulk UPDATE, COPY): statement-level triggers recompute it for the profiles whose slots changed.

"From the current week on" is the Monday of next week in Europe/London, as talentpool.weeks counts it. The
UPDATE skips profiles whose value is unchanged, so a slot moving between held and booked locks nothing.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION talentpool_next_open_week_refresh(profile_ids bigint[]) RETURNS void AS $$
    UPDATE talentpool_specialistprofile AS p
       SET next_open_week = fresh.week
      FROM (
            SELECT ids.id,
                   (SELECT min(s.week_start) FROM talentpool_weekslot s
                     WHERE s.profile_id = ids.id AND s.status = 'open'
                       AND s.week_start >= date_trunc('week', now() AT TIME ZONE 'Europe/London')::date + 7) AS week
              FROM unnest(profile_ids) AS ids(id)
           ) AS fresh
     WHERE p.id = fresh.id AND p.next_open_week IS DISTINCT FROM fresh.week;
$$ LANGUAGE sql;

CREATE FUNCTION talentpool_weekslot_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM talentpool_next_open_week_refresh(ARRAY(SELECT DISTINCT profile_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM talentpool_next_open_week_refresh(ARRAY(SELECT DISTINCT profile_id FROM old_rows));
    ELSE
        PERFORM talentpool_next_open_week_refresh(ARRAY(
            SELECT DISTINCT n.profile_id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE n.status IS DISTINCT FROM o.status OR n.week_start IS DISTINCT FROM o.week_start
                OR n.profile_id IS DISTINCT FROM o.profile_id
            UNION
            SELECT o.profile_id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE n.profile_id IS DISTINCT FROM o.profile_id));
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER talentpool_weekslot_inserted AFTER INSERT ON talentpool_weekslot
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION talentpool_weekslot_changed();
CREATE TRIGGER talentpool_weekslot_updated AFTER UPDATE ON talentpool_weekslot
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION talentpool_weekslot_changed();
CREATE TRIGGER talentpool_weekslot_deleted AFTER DELETE ON talentpool_weekslot
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION talentpool_weekslot_changed();

SELECT talentpool_next_open_week_refresh(ARRAY(SELECT id FROM talentpool_specialistprofile));
"""

REVERSE = """
DROP TRIGGER talentpool_weekslot_deleted ON talentpool_weekslot;
DROP TRIGGER talentpool_weekslot_updated ON talentpool_weekslot;
DROP TRIGGER talentpool_weekslot_inserted ON talentpool_weekslot;
DROP FUNCTION talentpool_weekslot_changed();
DROP FUNCTION talentpool_next_open_week_refresh(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [("talentpool", "0004_next_open_week")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
