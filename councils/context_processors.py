"""Service navigation items for the signed-in person's roles."""

from django.urls import reverse

from .models import MembershipStatus, Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("Home", reverse("home"))]
    if user.is_staff:
        items += [
            ("Councils", reverse("platform:dashboard")),
            ("Settlement", reverse("payments:settlement_runs")),
            ("Needs", reverse("needs:platform")),
            ("Single sign-on", reverse("sso:staff_list")),
            ("Charts", reverse("insights:platform")),
        ]
    member = user.council_id and user.membership_status == MembershipStatus.ACTIVE
    if member:
        items += _member_items(set(user.roles))
    if member and Role.COUNCIL_ADMIN in user.roles:
        items += [
            ("Council set-up", reverse("council:setup")),
            ("People", reverse("council:people")),
            ("Charts", reverse("insights:council")),
        ]
    # The item whose address is the longest prefix of this page's is the one shown as current.
    path = request.path
    matches = [href for _text, href in items if (path == href if href == "/" else path.startswith(href))]
    current = max(matches, key=len, default=None)
    return {"nav_items": [{"text": text, "href": href, "active": href == current} for text, href in items]}


def _member_items(roles: set[str]) -> list[tuple[str, str]]:
    """A council member's items, by their roles."""
    items = [("Find a specialist", reverse("talentpool:search"))]
    if Role.BOOKING_OFFICER in roles or Role.COUNCIL_ADMIN in roles:
        items.append(("Bookings", reverse("bookings:list")))
    if Role.BOOKING_OFFICER in roles or Role.SPECIALIST in roles:
        items.append(("Needs", reverse("needs:list")))
    if Role.SPECIALIST in roles:
        items += [
            ("Your profile", reverse("talentpool:my_profile")),
            ("Your hours", reverse("talentpool:hours")),
            ("Your bookings", reverse("bookings:requests")),
        ]
    if Role.APPROVER in roles:
        items.append(("Approvals", reverse("talentpool:approvals")))
    if Role.FINANCE_OFFICER in roles or Role.COUNCIL_ADMIN in roles:
        items.append(("Rates", reverse("talentpool:rates")))
    if Role.FINANCE_OFFICER in roles:
        items += [("Finance", reverse("payments:home")), ("Money charts", reverse("insights:finance"))]
    return items
