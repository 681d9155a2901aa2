"""The access log's protection as AppendOnly now builds it: on SQLite, a trigger refusing
`INSERT OR REPLACE` onto an existing row; on PostgreSQL, UPDATE, DELETE and TRUNCATE taken away
from every role but the table's owner. A database created after 0008 changed already has both."""

from django.db import migrations

from reintegration.lib.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0010_access_log_cin_search"),
    ]

    operations = [
        AppendOnly("accesslog", reapply=True),
    ]
