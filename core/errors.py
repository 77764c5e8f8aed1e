"""The one base class for refusals a person should read. Each app's error (CouncilError, PoolError,
BookingError, PaymentError, ...) derives from it, so the shared views show any of them in the error
summary without knowing the app."""


class DomainError(Exception):
    """A service refused: the message is written for the person who asked."""
