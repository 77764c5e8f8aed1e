from django.db import migrations

BODY = """This agreement is between the council and the operators of LocalGov Talent Pool.

1. The council lets its employees offer time to other councils only with the employee's line manager's permission, recorded in the service, with a weekly hour cap and an end date.

2. A council that books a week of a specialist's time pays the employing council the hourly rate recorded on the booking, for the hours confirmed on the timesheet.

3. Settlement is monthly. Invoices between councils are issued through the service and paid within the payment terms the customer council has set.

4. Each council keeps its finance details, allowed e-mail domains and the list of people who can use the service up to date, and removes people who leave.

5. Councils treat what they learn about each other's staff and work as confidential, and use personal data only to arrange and pay for bookings.

6. Either party may end this agreement with 30 days' notice. Bookings already confirmed are honoured and paid."""


def publish_first_version(apps, schema_editor):
    PlatformAgreement = apps.get_model("councils", "PlatformAgreement")
    if not PlatformAgreement.objects.exists():
        PlatformAgreement.objects.create(version=1, title="LocalGov Talent Pool platform agreement", body=BODY)


class Migration(migrations.Migration):
    dependencies = [("councils", "0001_initial")]
    operations = [migrations.RunPython(publish_first_version, migrations.RunPython.noop)]
