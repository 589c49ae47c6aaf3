"""Clears the assistance programme where it was only ever a default, never a choice.

Until 0006 every assistance row had a programme: "other" from the model's default (the admin,
the services, imported and generated rows) or "low_income_grant", the first option of the staff
page's select, which had no empty option. For money neither can be told from a real choice, so
money keeps its programme. Goods and other help are not grants: a goods row holding either of
those two values got it by default, and its programme is cleared. A non-money row under the
newborn or the funeral grant was picked on purpose by someone, and is kept. Nothing is set to a
programme it did not already have.
"""

from django.db import migrations

DEFAULTED = ["other", "low_income_grant"]


def clear_defaulted_programmes(apps, schema_editor):
    Assistance = apps.get_model("cases", "Assistance")
    Assistance.objects.exclude(kind="money").filter(programme__in=DEFAULTED).update(programme="")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_assistance_programme_optional"),
    ]

    # Backwards there is nothing to restore: which rows held "other" and which the grant is
    # not kept, and guessing would invent a programme.
    operations = [
        migrations.RunPython(clear_defaulted_programmes, migrations.RunPython.noop, elidable=True),
    ]
