"""New registrations' placements refreshed in bulk (cases.tallies.INSERT_STATEMENT_SET)."""

from django.db import migrations

from cases import tallies


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_registration_insert_statement_trigger"),
    ]

    operations = [
        migrations.RunSQL(tallies.INSERT_STATEMENT_SET, tallies.INSERT_STATEMENT_SET_UNDO),
    ]
