"""Who may see a page: platform staff, or an active member of a council holding one of some roles.

The user model (councils) answers `is_active_member` and `roles`; this layer asks, so it imports no
domain app."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied


class PlatformAdminRequiredMixin(AccessMixin):
    """Platform administrators only (Django staff)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (request.user.is_staff and request.user.is_active):
            raise PermissionDenied("Only platform administrators can see this page.")
        return super().dispatch(request, *args, **kwargs)


class CouncilRoleRequiredMixin(AccessMixin):
    """An active member of a council holding any of `required_roles`. Sets `self.council`.

    Pages under it only ever read and write `request.user.council`; objects named in the URL are
    looked up within that council, so another council's objects give 404.
    """

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if not user.is_active_member:
            raise PermissionDenied("You need to be an approved member of a council to see this page.")
        if self.required_roles and not any(role in user.roles for role in self.required_roles):
            raise PermissionDenied("Your roles at your council do not include access to this page.")
        self.council = user.council
        return super().dispatch(request, *args, **kwargs)
