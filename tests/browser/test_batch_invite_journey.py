"""With JavaScript off: platform staff upload a file of twenty councils with four bad lines, read the check,
give a reason for one address outside its council's domain, confirm, see the progress, and find the
councils invited in the onboarding view. axe on every page."""

import pytest
from playwright.sync_api import expect

from councils.models import Council, CouncilStatus, Invitation
from tests.browser.helpers import sign_in, sign_out
from tests.conftest import PASSWORD
from tests.factories import ActiveCouncilFactory, CouncilFactory, StaffFactory, agreement_ensure

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_invite_twenty_councils_from_a_file_with_four_bad_lines(
    page_without_js, mirrored_axe, axe, eager_celery, tmp_path, settings
):
    page = page_without_js
    settings.EMAIL_URL = "dummymail://"
    agreement_ensure()
    StaffFactory(email="platform@talentpool.example", full_name="Pat Platform")
    lines = []
    for n in range(1, 16):  # fifteen good lines
        CouncilFactory(
            code=f"C{n:02d}", short_name=f"Council {n}", slug=f"council-{n}", homepage_url=f"https://www.c{n}.gov.uk"
        )
        lines.append(f"C{n:02d},Admin {n},admin{n}@c{n}.gov.uk")
    CouncilFactory(
        code="OUT",
        name="Outside Borough Council",
        short_name="Outside",
        slug="outside",
        homepage_url="https://www.outside.gov.uk",
    )
    ActiveCouncilFactory(code="ACT", short_name="Activeton", slug="activeton")
    lines += [
        "OUT,Olu,olu@gmail.com",  # outside the domain: sent with a reason
        "ACT,Al,al@activeton.gov.uk",  # bad: already active
        "XYZ,Xan,xan@nowhere.gov.uk",  # bad: unknown council
        "C01,Admin Again,again@c1.gov.uk",  # bad: duplicate
    ]
    lines.insert(5, "C6X,Typo,typo@c6.gov.uk")  # bad: unknown (a typo in a code)
    upload = tmp_path / "councils.csv"
    upload.write_text("council,name,email\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert len(lines) == 20

    sign_in(page, mirrored_axe, "platform@talentpool.example", PASSWORD)
    page.get_by_role("link", name="Councils", exact=True).click()
    page.get_by_role("link", name="Invite councils in a batch").click()
    mirrored_axe.check(page)
    page.get_by_role("button", name="Check the file").click()  # no file chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a CSV file to upload")
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the invitations")
    mirrored_axe.check(page)
    summary = page.locator("main ul.govuk-list--bullet").first
    expect(summary).to_contain_text("Ready to invite: 15")
    expect(summary).to_contain_text("E-mail outside the council’s domains: 1")
    expect(summary).to_contain_text("Unknown council: 2")
    expect(summary).to_contain_text("Already invited or active: 1")
    expect(summary).to_contain_text("Duplicate line: 1")
    assert not Invitation.objects.exists()  # nothing sent before confirming

    page.get_by_label("Why is this address right? (to invite it)").fill("Their IT team uses Gmail until March")
    page.get_by_role("button", name="Confirm and send the invitations").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("the invitations are being sent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations sent")
    expect(page.get_by_text("16 invitations sent")).to_be_visible()
    mirrored_axe.check(page)
    assert Invitation.objects.count() == 16

    page.get_by_role("link", name="the councils invited").click()
    expect(page.get_by_role("link", name="Outside Borough Council")).to_be_visible()  # in the onboarding view
    expect(page.get_by_text("Accept the invitation").first).to_be_visible()
    mirrored_axe.check(page)
    assert Council.objects.filter(status=CouncilStatus.INVITED).count() == 16

    # The same file again invites nobody twice.
    page.get_by_role("link", name="Invite councils in a batch").click()
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("You uploaded this same file on")).to_be_visible()
    expect(page.locator("main ul.govuk-list--bullet").first).not_to_contain_text("Ready to invite")
    mirrored_axe.check(page)
    sign_out(page, mirrored_axe)
    assert Invitation.objects.count() == 16
    assert not axe.violations, "\n".join(axe.violations)
