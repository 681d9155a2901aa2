"""A project's events are its audit trail: the database refuses to change or delete one."""

from django.db import migrations

from reintegration.lib.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_micro_projects")]

    operations = [AppendOnly("projectevent")]
