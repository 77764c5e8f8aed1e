"""Thin beat tasks over the pool services: each is idempotent, so running it twice changes nothing."""

from celery import shared_task

from . import approval, forms, vocabulary, weekly_hours


@shared_task(name="talentpool.tasks.slots_extend")
def slots_extend() -> int:
    """Roll every pattern's 26-week window forward."""
    return weekly_hours.slots_extend_all().created


@shared_task(name="talentpool.tasks.stored_weeks_refresh")
def stored_weeks_refresh() -> None:
    """As a new week starts (Monday just after midnight), work out again every profile's stored weeks that
    the calendar has overtaken, so the search's soonest order reads its index again at once rather than
    after the nightly slots_extend (talentpool.selectors._stored_weeks_current)."""
    weekly_hours.next_open_weeks_refresh()


@shared_task(name="talentpool.tasks.search_lists_refresh")
def search_lists_refresh() -> None:
    """Every few minutes, before they expire: the search's filter lists, vocabulary and known words worked
    out again in the shared cache, so a search page finds them there and makes only its own queries."""
    forms.search_filter_choices_refresh()
    vocabulary.search_vocabulary_refresh()


@shared_task(name="talentpool.tasks.profiles_expire")
def profiles_expire() -> int:
    return approval.profiles_expire()


@shared_task(name="talentpool.tasks.approval_reminders")
def approval_reminders() -> int:
    return approval.approval_reminders_send()
