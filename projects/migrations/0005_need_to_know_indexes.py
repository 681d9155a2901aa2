"""The projects a technical partner studies in a scope, with their leads: the coordinator's need to
know on the registry, read from this index alone (`make bench`: region 04's ANAPEC coordinator,
count and first page of people, 82 → 40 ms)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('beneficiaries', '0019_access_log_documents'),
        ('partners', '0002_programme_partners'),
        ('projects', '0004_translated_label_contexts'),
        ('territory', '0002_load_regions_and_provinces'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='microproject',
            index=models.Index(fields=['technical_partner', 'province', 'status', 'lead'], name='project_studied_scope_idx'),
        ),
    ]
