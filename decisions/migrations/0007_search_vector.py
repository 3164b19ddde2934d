"""The register's full-text search reads a stored tsvector on PostgreSQL.

Migration 0005 indexed the expression to_tsvector('english', search_text). The
index finds the candidate records, but PostgreSQL must check each candidate
again against its text, and for a phrase ("knife crime") that meant parsing
the whole Part 1 of every candidate: over a second for a common phrase on
5,000 records. Now the vector is stored in search_vector, written by a trigger
whenever search_text is, so the check reads it instead of computing it.

On SQLite the column is added (and stays empty); the trigger and the index are
PostgreSQL's only.
"""

import django.contrib.postgres.search
from django.db import migrations

OLD_INDEX = "decision_search_text_gin"
INDEX = "decision_search_vector_gin"
TRIGGER = "decision_search_vector_update"


def create_trigger_and_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # UPDATE OF search_text: fired whenever an UPDATE sets search_text (as a full
    # save does), changed or not, and never by saves of other fields alone.
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OF search_text "
        "ON decisions_decision FOR EACH ROW EXECUTE FUNCTION "
        "tsvector_update_trigger(search_vector, 'pg_catalog.english', search_text)"
    )
    schema_editor.execute("UPDATE decisions_decision SET search_text = search_text")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON decisions_decision USING gin (search_vector)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def drop_trigger_and_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON decisions_decision USING gin "
        "(to_tsvector('english'::regconfig, COALESCE(search_text, ''::text)))"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON decisions_decision")


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0006_police_crime_plan_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_trigger_and_index, drop_trigger_and_index),
    ]
