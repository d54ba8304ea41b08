# The company is filled in for every flag by 0004 (a separate migration, so that
# PostgreSQL has no pending trigger events from that UPDATE when the column changes).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_flag_company"),
    ]

    operations = [
        migrations.AlterField(
            model_name="flag",
            name="company",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="directory.company",
            ),
        ),
        migrations.AddIndex(
            model_name="flag",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["company", "created", "id"],
                name="flag_open_by_company",
            ),
        ),
    ]
