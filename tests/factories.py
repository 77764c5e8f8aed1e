"""factory_boy factories for the suite."""

from decimal import Decimal

import factory
from django.utils import timezone

from councils.models import Council, CouncilDomain, CouncilStatus, MembershipStatus, Nation, Role, User


def reference_data_ensure():
    """The pool's reference lists (loaded by migration 0002; see agreement_ensure for why)."""
    from talentpool.models import ServiceArea, Skill
    from talentpool.reference import reference_data_load

    reference_data_load(service_area=ServiceArea, skill=Skill)


def agreement_ensure():
    """The current agreement. Migration 0002 publishes version 1, but transactional tests (browser,
    worker) flush the database afterwards, so later tests may find none."""
    from councils.selectors import agreement_current
    from councils.services import agreement_publish

    return agreement_current() or agreement_publish(title="Platform agreement", body="The agreement.")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:03d}")
    gss_code = factory.Sequence(lambda n: f"E0{n:07d}")
    name = factory.Sequence(lambda n: f"Testshire {n} Council")
    short_name = factory.Sequence(lambda n: f"Testshire {n}")
    slug = factory.Sequence(lambda n: f"testshire-{n}")
    nation = Nation.ENGLAND
    region = "South West"
    council_type = "UA"
    council_type_name = "Unitary authority"
    status = CouncilStatus.NOT_INVITED


class ActiveCouncilFactory(CouncilFactory):
    status = CouncilStatus.ACTIVE
    invoice_address = "1 High Street\nTesttown\nTT1 1TT"
    finance_email = factory.LazyAttribute(lambda c: f"finance@{c.slug}.gov.uk")
    payment_terms_days = 30
    vat_status = "registered"
    vat_number = "GB123456789"
    finance_details_updated_at = factory.LazyFunction(timezone.now)
    activated_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def domain(self, create, extracted, **kwargs):
        if create:
            CouncilDomain.objects.get_or_create(council=self, domain=f"{self.slug}.gov.uk")

    @factory.post_generation
    def agreement(self, create, extracted, **kwargs):
        """Accept the current agreement unless told `agreement=False`."""
        if create and extracted is not False:
            from councils.models import AgreementAcceptance

            admin = UserFactory(council=self, roles=[Role.COUNCIL_ADMIN])
            AgreementAcceptance.objects.create(council=self, agreement=agreement_ensure(), accepted_by=admin)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.gov.uk")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    council = factory.SubFactory(ActiveCouncilFactory)
    roles = factory.LazyFunction(lambda: [Role.BOOKING_OFFICER])
    membership_status = MembershipStatus.ACTIVE
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            self.save()
            EmailAddress.objects.get_or_create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    council = None
    roles = factory.LazyFunction(list)
    is_staff = True


def specialist_profile(
    council,
    *,
    email=None,
    headline="Digital lead",
    summary="I lead digital services.",
    approve=True,
    cap=Decimal("10"),
    weeks=None,
    **user_kwargs,
):
    """A specialist with a profile; approved (by a fresh approver) unless told otherwise."""
    from datetime import timedelta

    from django.utils import timezone

    from talentpool import approval, services
    from talentpool.models import SpecialistProfile

    user = UserFactory(council=council, roles=[Role.SPECIALIST], **({"email": email} if email else {}), **user_kwargs)
    profile = services.profile_save(user=user, headline=headline, summary=summary)
    if approve:
        approver = UserFactory(council=council, roles=[Role.APPROVER])
        approval.profile_submit(profile=profile, by=user)
        approval.profile_approve(
            profile=profile, by=approver, weekly_cap=cap, ends_on=timezone.localdate() + timedelta(days=180)
        )
    return SpecialistProfile.objects.get(pk=profile.pk)


def force_fields(target, **fields):
    """Arrange a state directly, past the services and the database's status-move triggers (for a
    test's starting point only: the moves themselves are tested through the services). `target` is a
    model instance (saved with these fields) or a queryset (updated)."""
    import pgtrigger
    from django.db.models import QuerySet

    moves = [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, pgtrigger.FSM)
    ]
    with pgtrigger.ignore(*moves):  # only the status-move triggers: the others still keep their rows right
        if isinstance(target, QuerySet):
            return target.update(**fields)
        for name, value in fields.items():
            setattr(target, name, value)
        target.save()
        return target
