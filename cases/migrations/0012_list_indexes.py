"""Indexes for the case lists and searches at national size (issue 12).

Each list's ORDER BY gets an index (with the centre first for a centre's own list), so a first
page and page 500 read only their rows; the searched name columns get trigram indexes. Built
CONCURRENTLY: a million-row table stays writable while its index is made.
"""

import django.contrib.postgres.indexes
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


def trgm(field):
    return django.contrib.postgres.indexes.OpClass(
        django.db.models.functions.text.Upper(
            django.db.models.functions.comparison.Cast(field, models.TextField())
        ),
        name="gin_trgm_ops",
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0011_dashboard_tallies"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(fields=["-opened_on", "-id"], include=["person"], name="case_opened_order"),
        ),
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(
                fields=["centre", "-opened_on", "-id"],
                include=["person"],
                name="case_centre_opened_order",
            ),
        ),
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(fields=["fiscal_year", "centre"], name="case_fy_centre"),
        ),
        AddIndexConcurrently(
            model_name="consent",
            index=models.Index(fields=["given_on", "recorded_at", "-id"], name="consent_order"),
        ),
        AddIndexConcurrently(
            model_name="consent",
            index=django.contrib.postgres.indexes.GinIndex(
                trgm("guardian_name"), name="consent_guardian_name_trgm"
            ),
        ),
        AddIndexConcurrently(
            model_name="household",
            index=models.Index(fields=["name", "id"], name="household_name_order"),
        ),
        AddIndexConcurrently(
            model_name="household",
            index=django.contrib.postgres.indexes.GinIndex(
                trgm("name"), name="household_name_trgm"
            ),
        ),
        AddIndexConcurrently(
            model_name="householdmember",
            index=django.contrib.postgres.indexes.GinIndex(
                trgm("name"), name="household_member_name_trgm"
            ),
        ),
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(fields=["first_name", "last_name", "-id"], name="person_name_order"),
        ),
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(fields=["referred_on", "recorded_at", "-id"], name="referral_order"),
        ),
    ]
