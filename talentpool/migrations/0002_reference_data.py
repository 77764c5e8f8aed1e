"""Load the LGSL service areas shipped in talentpool/data and the controlled list of skills."""

from django.db import migrations

CONTROLLED_SKILLS = [
    "Accessibility", "Agile coaching", "Business analysis", "Change management", "Content design",
    "CRM configuration", "Cyber security", "Data analysis", "Data engineering", "Delivery management",
    "Digital inclusion", "GIS and mapping", "Information governance", "Interaction design", "Low-code platforms",
    "Open data", "Performance analysis", "Procurement", "Product management", "Project management",
    "Service design", "Software development", "Technical architecture", "User research", "Web development",
]  # fmt: skip


def skill_key(name: str) -> str:
    return " ".join(name.split()).lower()


def load(apps, schema_editor):
    from talentpool.reference import lgsl_rows

    ServiceArea = apps.get_model("talentpool", "ServiceArea")
    Skill = apps.get_model("talentpool", "Skill")
    for code, description, tier in lgsl_rows():
        ServiceArea.objects.update_or_create(code=code, defaults={"description": description, "tier": tier})
    for name in CONTROLLED_SKILLS:
        Skill.objects.update_or_create(key=skill_key(name), defaults={"name": name, "controlled": True})


class Migration(migrations.Migration):
    dependencies = [("talentpool", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
