"""The seed vocabulary (talentpool/data/vocabulary.txt, 197 ideas to 200): everyday words an idea no longer
counts as naming, since officers use them for other things ("claims" of benefit, "reporting" a pothole,
"speeding up" a process, "tip" as advice, "dump" and "refuse" as verbs, housing "estates"); SEND kept in
capitals in its idea, so that "send them a letter" is not about special educational needs
(talentpool.reference.vocabulary_phrase); new ideas (letters and correspondence, paperless billing,
contract procedure rules) and new phrases for ideas already kept. Brought in as 0012, 0021 and 0022 did
(talentpool.reference.vocabulary_grow): ideas and phrases platform staff added are kept, and a seed
phrase they removed comes back, as each such migration brings the seed in once."""

from django.db import migrations
from django.contrib.postgres.fields import ArrayField
from django.db import models

RETIRED = ["speeding", "reporting", "claims", "tip", "dump", "refuse", "estates"]


def vocabulary_change(apps, schema_editor):
    from talentpool.reference import vocabulary_capitalise, vocabulary_grow, vocabulary_retire

    model = apps.get_model("talentpool", "SearchVocabulary")
    vocabulary_capitalise(model)
    vocabulary_grow(model)  # first: an idea losing a word below has gained its new phrases
    vocabulary_retire(model, RETIRED)


class Migration(migrations.Migration):
    dependencies = [
        ("talentpool", "0023_search_index_no_pending_list"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchvocabulary",
            name="phrases",
            field=ArrayField(
                base_field=models.CharField(max_length=80),
                help_text="Phrases that mean the same, separated by commas, kept in lower case. Write an abbreviation"
                " that is also an everyday word in capitals (SEND): it then names this idea only when a search has"
                " it in capitals.",
                size=None,
            ),
        ),
        migrations.RunPython(vocabulary_change, migrations.RunPython.noop),
    ]
