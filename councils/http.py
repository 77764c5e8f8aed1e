"""The request a signed-in person's page receives."""

from django.http import HttpRequest

from .models import User


class MemberRequest(HttpRequest):
    """A request whose user is signed in: a `User`, never `AnonymousUser`.

    For type checking only (django-stubs' "AuthenticatedHttpRequest"): views behind core.permissions'
    mixins or LoginRequiredMixin declare `request: MemberRequest`; the request object is Django's own.
    """

    user: User
