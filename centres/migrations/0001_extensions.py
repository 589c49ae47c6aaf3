from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    # pg_trgm backs the Thai substring search on names (GIN trigram indexes).
    operations = [TrigramExtension()]
