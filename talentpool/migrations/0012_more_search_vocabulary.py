"""The seed vocabulary grew (talentpool/data/vocabulary.txt, 45 ideas to 141): each new idea is added, and
an idea already kept gains the seed's new phrases; a phrase already kept under another idea (perhaps moved
there by platform staff) stays where it is."""

from django.db import migrations


def vocabulary_grow(apps, schema_editor):
    from talentpool.reference import vocabulary_grow as grow

    grow(apps.get_model("talentpool", "SearchVocabulary"))


class Migration(migrations.Migration):
    dependencies = [
        ("talentpool", "0011_search_terms_and_weights"),
    ]

    operations = [migrations.RunPython(vocabulary_grow, migrations.RunPython.noop)]
