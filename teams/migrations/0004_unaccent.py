"""The directory's search reads names without their accents on PostgreSQL (« lefevre » finds
« Lefèvre »): the `unaccent` extension, trusted since PostgreSQL 13 (the owner of the database
may create it). Nothing on SQLite, whose search compares the letters as they are."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0003_profession_etp_educator"),
    ]

    operations = [UnaccentExtension()]
