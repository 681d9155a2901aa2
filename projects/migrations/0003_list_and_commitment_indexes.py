"""Indexes measured by `make bench` (80,000 projects on the 100,000-beneficiary seed, README-demo.md):

- the list's order (-created_at, -id), nationally and per province: a page of 25 read from the index
  instead of sorting every project the user may see;
- the visits due, soonest first, among the followed-up projects (a partial index);
- a partner's lines by decision with their project, and the lines an approval sums with their
  project and amount, both read from the index alone (they replace the two narrower indexes);
- the projects whose approved lines commit money, which that sum joins (a partial index).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_projectevent_append_only")]

    operations = [
        migrations.RemoveIndex(model_name="fundingline", name="fundingline_commitment_idx"),
        migrations.RemoveIndex(model_name="fundingline", name="fundingline_partner_idx"),
        migrations.AddIndex(
            model_name="fundingline",
            index=models.Index(
                fields=["convention", "partner", "decision", "project", "amount"], name="fundingline_commit_cover_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="fundingline",
            index=models.Index(fields=["partner", "decision", "project"], name="fundingline_partner_proj_idx"),
        ),
        migrations.AddIndex(
            model_name="microproject",
            index=models.Index(fields=["-created_at", "-id"], name="project_created_idx"),
        ),
        migrations.AddIndex(
            model_name="microproject",
            index=models.Index(fields=["province", "-created_at", "-id"], name="project_province_created_idx"),
        ),
        migrations.AddIndex(
            model_name="microproject",
            index=models.Index(
                condition=models.Q(("status__in", ["approved", "in_handover", "funded", "operating"])),
                fields=["next_visit_due", "id"],
                name="project_followed_up_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="microproject",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["studied", "approved", "in_handover", "funded", "operating", "closed"])
                ),
                fields=["id"],
                name="project_committing_idx",
            ),
        ),
    ]
