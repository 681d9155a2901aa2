"""The ledger is the money's audit trail: the database refuses to change or delete an entry."""

from django.db import migrations

from reintegration.lib.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("disbursements", "0001_handovers_and_ledger")]

    operations = [AppendOnly("ledgerentry")]
