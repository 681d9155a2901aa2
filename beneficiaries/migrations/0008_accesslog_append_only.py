from django.db import migrations

from reintegration.lib.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0007_consent_withdrawn_after_given"),
    ]

    operations = [
        AppendOnly("accesslog"),
    ]
