"""The seed vocabulary grew (talentpool/data/vocabulary.txt, 45 ideas to 141): each new idea is added, and
an idea already kept gains the seed's new phrases; a phrase already kept under another idea (perhaps moved
there by platform staff) stays where it is."""

from django.db import migrations


def vocabulary_grow(apps, schema_editor):
    from talentpool.reference import vocabulary_rows

    model = apps.get_model("talentpool", "SearchVocabulary")
    kept = list(model.objects.all())
    used = {phrase for entry in kept for phrase in entry.phrases}
    for row in vocabulary_rows():
        new = [phrase for phrase in row if phrase not in used]
        if not new:
            continue
        entry = next((e for e in kept if set(e.phrases) & set(row)), None)
        if entry is None:
            if len(new) >= 2:
                kept.append(model.objects.create(phrases=new))
        else:
            entry.phrases = [*entry.phrases, *new]
            entry.save(update_fields=["phrases"])
        used.update(new)


class Migration(migrations.Migration):
    dependencies = [
        ("talentpool", "0011_search_terms_and_weights"),
    ]

    operations = [migrations.RunPython(vocabulary_grow, migrations.RunPython.noop)]
