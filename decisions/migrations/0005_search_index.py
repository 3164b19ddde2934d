"""Full-text search of the register: a GIN index on PostgreSQL, nothing on SQLite.

The indexed expression is the one Django writes for
SearchVector("search_text", config="english"), so the register's query uses it.
"""

from django.db import migrations

INDEX = "decision_search_text_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON decisions_decision USING gin "
            "(to_tsvector('english'::regconfig, COALESCE(search_text, ''::text)))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("decisions", "0004_publication")]

    operations = [migrations.RunPython(create_index, drop_index)]
