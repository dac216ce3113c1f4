"""PostgreSQL: a GIN index over every term of a search document, so a search reads only
the documents that have its words (not all of them). SQLite: nothing (it has no GIN)."""

from django.db import migrations

# Every term of a document as an array, the expression the index is built on and
# `sitesearch.engine.TERMS_ARRAY` filters on. A function of its own for its cost: with
# string_to_array's (1, the default) the planner reads a word found on most pages ("pain")
# by computing the array of every document, 25 times slower than reading them through
# the index; PL/pgSQL, which is never inlined, so the cost is what the planner sees.
CREATE = """
CREATE OR REPLACE FUNCTION sitesearch_every_term(title text, summary text, sections text)
RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 10000
AS $$ BEGIN RETURN string_to_array(title || summary || sections, ' '); END $$;
CREATE INDEX IF NOT EXISTS sitesearch_document_every_term ON sitesearch_searchdocument
USING gin (sitesearch_every_term(title_terms, summary_terms, section_terms));
"""
DROP = """
DROP INDEX IF EXISTS sitesearch_document_every_term;
DROP FUNCTION IF EXISTS sitesearch_every_term(text, text, text);
"""


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        # The planner's estimate of how many documents have a word comes from these statistics.
        schema_editor.execute("ANALYZE sitesearch_searchdocument")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("sitesearch", "0004_synonyms_and_search_counts_per_language")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
