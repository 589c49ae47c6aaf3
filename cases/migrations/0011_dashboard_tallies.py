"""Summary tables for the dashboards and the desk (issue 12), kept by triggers.

The cases' follow-up columns and the tallies are backfilled from the rows by
vc_tallies_rebuild() before the triggers keep them; the open-case indexes are built after the
backfill, which writes most cases once.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from cases import tallies


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_event_correction_indexes'),
        ('centres', '0005_account'),
        ('volunteers', '0005_volunteer_user'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ActiveVolunteer',
            fields=[
                ('volunteer', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='volunteers.volunteer')),
                ('placements', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=40), default=list, size=None)),
                ('centre_count', models.PositiveSmallIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='DashboardTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('facet', models.CharField(blank=True, max_length=20)),
                ('figure', models.CharField(max_length=30)),
                ('fiscal_year', models.PositiveSmallIntegerField()),
                ('n', models.BigIntegerField(default=0)),
                ('amount', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=16)),
            ],
        ),
        migrations.AddField(
            model_name='case',
            name='follow_up_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='next follow-up on'),
        ),
        migrations.AddField(
            model_name='case',
            name='visited',
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name='visited'),
        ),
        migrations.AddIndex(
            model_name='activevolunteer',
            index=models.Index(condition=models.Q(('centre_count__gte', 2)), fields=['centre_count'], name='active_volunteer_multi'),
        ),
        migrations.AddField(
            model_name='dashboardtally',
            name='centre',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='centres.centre'),
        ),
        migrations.AddConstraint(
            model_name='dashboardtally',
            constraint=models.UniqueConstraint(fields=('facet', 'fiscal_year', 'figure', 'centre'), name='dashboard_tally_key'),
        ),
        migrations.RunSQL(
            tallies.STORAGE + tallies.FUNCTIONS + tallies.REBUILD + tallies.TRIGGERS,
            tallies.DROP,
        ),
        migrations.RunSQL("SELECT vc_tallies_rebuild()", migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(models.Q(('status', 'closed'), _negated=True), ('follow_up_on__isnull', False)), fields=['follow_up_on'], include=('centre', 'problems'), name='case_open_follow_up'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(models.Q(('status', 'closed'), _negated=True), ('visited', False)), fields=['opened_on'], include=('centre', 'urgency', 'problems'), name='case_open_unvisited'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('status', 'closed'), _negated=True), fields=['opened_on', 'id'], name='case_open_opened'),
        ),
        migrations.AddIndex(
            model_name='caseevent',
            index=models.Index(fields=['at'], name='case_event_at'),
        ),
        migrations.RemoveIndex(model_name='caseevent', name='case_event_case_at'),
        migrations.AddIndex(
            model_name='caseevent',
            index=models.Index(fields=['case', 'at'], include=('id',), name='case_event_case_at'),
        ),
    ]
