"""Reads of bookings, with their joins done so list pages cost the same whatever their length."""

from django.db.models import Prefetch, QuerySet

from councils.models import User

from .models import Booking, BookingStatus, BookingWeek


def _with_rows(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.select_related("profile__user", "supplier_council", "customer_council", "officer").prefetch_related(
        Prefetch("weeks", queryset=BookingWeek.objects.order_by("week_start"))
    )


def bookings_made_by_council(*, council_id: int) -> QuerySet[Booking]:
    return _with_rows(Booking.objects.filter(customer_council_id=council_id))


def bookings_of_councils_specialists(*, council_id: int) -> QuerySet[Booking]:
    return _with_rows(Booking.objects.filter(supplier_council_id=council_id))


def bookings_for_specialist(*, user: User) -> QuerySet[Booking]:
    return _with_rows(Booking.objects.filter(profile__user=user))


def booking_requests_waiting(*, user: User) -> QuerySet[Booking]:
    return bookings_for_specialist(user=user).filter(status=BookingStatus.REQUESTED).order_by("answer_by")


def booking_for(*, user: User, pk: int) -> Booking | None:
    """A booking `user` may see: as its specialist, or as a member of either council."""
    booking = _with_rows(Booking.objects.filter(pk=pk)).first()
    if booking is None:
        return None
    if booking.profile.user_id == user.pk or user.council_id in (
        booking.customer_council_id,
        booking.supplier_council_id,
    ):
        return booking
    return None
