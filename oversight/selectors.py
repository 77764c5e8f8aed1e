"""The audit log as its readers see it: each event's subject named as it is now."""

from councils.models import Invitation, User
from talentpool.models import SpecialistProfile


def audit_subjects(events) -> None:
    """Name each event's person as they are now (a name erased since shows as erased): labels in the log
    itself hold ids only, so erasing a person needs no change to the append-only log."""
    ids: dict[str, set[str]] = {}
    for event in events:
        ids.setdefault(event.object_type, set()).add(event.object_id)
    names = {}
    if ids.get("user"):
        names["user"] = {str(u.pk): u.full_name for u in User.objects.filter(pk__in=ids["user"])}
    if ids.get("specialistprofile"):
        profiles = SpecialistProfile.objects.filter(pk__in=ids["specialistprofile"]).select_related("user")
        names["specialistprofile"] = {str(p.pk): p.user.full_name for p in profiles}
    if ids.get("invitation"):
        names["invitation"] = {str(i.pk): i.email for i in Invitation.objects.filter(pk__in=ids["invitation"])}
    for event in events:
        event.subject = names.get(event.object_type, {}).get(event.object_id, "")
