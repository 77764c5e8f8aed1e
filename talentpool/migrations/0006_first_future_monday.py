"""One definition of "the first week that has not started" (talentpool.weeks.first_future_monday) for the
database: the triggers, the nightly refresh and the search all call it, so they cannot drift apart."""

from django.db import migrations

SQL = """
CREATE FUNCTION talentpool_first_future_monday() RETURNS date AS $$
    SELECT date_trunc('week', now() AT TIME ZONE 'Europe/London')::date + 7;
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION talentpool_next_open_week_refresh(profile_ids bigint[]) RETURNS void AS $$
    UPDATE talentpool_specialistprofile AS p
       SET next_open_week = fresh.week
      FROM (
            SELECT ids.id,
                   (SELECT min(s.week_start) FROM talentpool_weekslot s
                     WHERE s.profile_id = ids.id AND s.status = 'open'
                       AND s.week_start >= talentpool_first_future_monday()) AS week
              FROM unnest(profile_ids) AS ids(id)
           ) AS fresh
     WHERE p.id = fresh.id AND p.next_open_week IS DISTINCT FROM fresh.week;
$$ LANGUAGE sql;
"""

REVERSE = """
CREATE OR REPLACE FUNCTION talentpool_next_open_week_refresh(profile_ids bigint[]) RETURNS void AS $$
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
DROP FUNCTION talentpool_first_future_monday();
"""


class Migration(migrations.Migration):
    dependencies = [("talentpool", "0005_next_open_week_triggers")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
