"""The seed vocabulary grew again (talentpool/data/vocabulary.txt, 141 ideas to 189: housing voids, gas and
fire safety, food and trade waste, collection rounds, early years, attendance, youth justice, telecare,
occupational therapy, welfare rights, online payments and accounts, case management, legacy systems,
integration, identity checks, document management, agency staff and more, and everyday words for ideas
already kept), brought in as 0012 did (talentpool.reference.vocabulary_grow): what platform staff changed
is kept. (Named when the seed had 186 ideas.)"""

from django.db import migrations


def vocabulary_grow(apps, schema_editor):
    from talentpool.reference import vocabulary_grow as grow

    grow(apps.get_model("talentpool", "SearchVocabulary"))


class Migration(migrations.Migration):
    dependencies = [
        ("talentpool", "0020_listed_standing_waits"),
    ]

    operations = [migrations.RunPython(vocabulary_grow, migrations.RunPython.noop)]
