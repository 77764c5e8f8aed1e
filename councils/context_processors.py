"""Service navigation items for the signed-in person's roles."""

from django.urls import reverse

from .models import MembershipStatus, Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("Home", reverse("home"))]
    if user.is_staff:
        items.append(("Councils", reverse("platform:dashboard")))
    if (
        user.council_id
        and user.membership_status == MembershipStatus.ACTIVE
        and Role.COUNCIL_ADMIN in user.roles
    ):
        items += [("Council set-up", reverse("council:setup")), ("People", reverse("council:people"))]
    path = request.path
    nav = []
    for text, href in items:
        active = path == href if href == "/" else path.startswith(href)
        nav.append({"text": text, "href": href, "active": active})
    return {"nav_items": nav}
