"""Load the LGSL service areas shipped in talentpool/data and the controlled list of skills."""

from django.db import migrations

def load(apps, schema_editor):
    from talentpool.reference import reference_data_load

    reference_data_load(service_area=apps.get_model("talentpool", "ServiceArea"), skill=apps.get_model("talentpool", "Skill"))


class Migration(migrations.Migration):
    dependencies = [("talentpool", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
