"""New registrations tallied once a statement (cases.tallies.INSERT_STATEMENT_TRIGGER)."""

from django.db import migrations

from cases import tallies


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_list_indexes"),
    ]

    operations = [
        migrations.RunSQL(tallies.INSERT_STATEMENT_TRIGGER, tallies.INSERT_STATEMENT_TRIGGER_UNDO),
    ]
