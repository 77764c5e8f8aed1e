"""Who may see a page: platform staff, or an active member of a council holding one of some roles.

The user model (councils) answers `is_active_member` and `roles`; this layer asks, so it imports no
domain app. (The type checker still knows that model: django-stubs types `request.user` from
AUTH_USER_MODEL.) Each mixin is a page, a View with a context, so a mixin built on it may add to
`get_context_data`; a page's method order is the same as with the mixin in front of its generic view."""

from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.generic.base import ContextMixin, View


class PlatformAdminRequiredMixin(AccessMixin, ContextMixin, View):
    """Platform administrators only (Django staff)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (request.user.is_staff and request.user.is_active):
            raise PermissionDenied("Only platform administrators can see this page.")
        return super().dispatch(request, *args, **kwargs)


class CouncilRoleRequiredMixin(AccessMixin, ContextMixin, View):
    """An active member of a council holding any of `required_roles`. Sets `self.council`.

    Pages under it only ever read and write `request.user.council`; objects named in the URL are
    looked up within that council, so another council's objects give 404.
    """

    required_roles: tuple[str, ...] = ()

    def get_required_roles(self) -> tuple[str, ...]:
        """A page whose roles depend on how it was opened overrides this."""
        return self.required_roles

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if not user.is_active_member:
            raise PermissionDenied("You need to be an approved member of a council to see this page.")
        required_roles = self.get_required_roles()
        if required_roles and not any(role in user.roles for role in required_roles):
            raise PermissionDenied("Your roles at your council do not include access to this page.")
        council = user.council
        assert council is not None, "an active member has a council"  # User.is_active_member
        self.council = council
        return super().dispatch(request, *args, **kwargs)
