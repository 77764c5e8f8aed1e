"""The seed vocabulary grew again (talentpool/data/vocabulary.txt, 189 ideas to 197: off-road bikes, low
incomes, independent travel training, highway inspections, planning agents, background checks, virtual
permits, avoidable contact; and everyday and professional words for ideas already kept: means tests and
care home fees, ballot boxes and photo ID, locums, fly-tippers, refuse lorries, families in hotels and
nightly paid accommodation, vacant dwellings, unstaffed library opening), brought in as 0012 did
(talentpool.reference.vocabulary_grow): what platform staff changed is kept."""

from django.db import migrations


def vocabulary_grow(apps, schema_editor):
    from talentpool.reference import vocabulary_grow as grow

    grow(apps.get_model("talentpool", "SearchVocabulary"))


class Migration(migrations.Migration):
    dependencies = [
        ("talentpool", "0021_vocabulary_186_ideas"),
    ]

    operations = [migrations.RunPython(vocabulary_grow, migrations.RunPython.noop)]
