"""Side jobs on the pool's own signals: a changed search vocabulary is read afresh by the next search."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import SearchVocabulary
from .vocabulary import vocabulary_forget


@receiver([post_save, post_delete], sender=SearchVocabulary, dispatch_uid="talentpool.vocabulary_forget")
def vocabulary_changed(sender, **kwargs) -> None:
    """Forgotten now, for the rest of this transaction, and again once it commits: a search in another
    process in between reads the rows as they were and would keep them in the shared cache for minutes."""
    vocabulary_forget()
    transaction.on_commit(vocabulary_forget)
