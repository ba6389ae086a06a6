"""One document per page: pros and cons join their model's or category's document (categories
get one), and model documents carry their family and release date (a family query lists its
variants newest first). The documents of pros and cons are removed here; the new ones come from
``manage.py rebuild_search_index``, run once after this migration."""

from django.db import migrations, models


def remove_pro_con_documents(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    stale = SearchDocument.objects.filter(kind="procon")
    SearchDocument.categories.through.objects.filter(searchdocument__in=stale).delete()
    stale.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_names_column"),
    ]

    operations = [
        migrations.RunPython(remove_pro_con_documents, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="searchdocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("article", "Articles"),
                    ("model", "Models"),
                    ("category", "Categories"),
                    ("comparison", "Comparisons"),
                ],
                max_length=10,
            ),
        ),
        # Nullable, without a default: SQLite adds the columns in place instead of rebuilding
        # the table, which would drop the triggers that keep its FTS5 tables in step.
        migrations.AddField(
            model_name="searchdocument",
            name="points",
            field=models.TextField(
                blank=True,
                help_text="The pros and cons of a model or category, one a line: also in the "
                "summary, which is searched; kept apart to quote the matching point in a snippet.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="family_id",
            field=models.BigIntegerField(
                help_text="A model's family (the entry's id): a query naming the family lists "
                "its variants right after it.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="released",
            field=models.DateField(
                help_text="A model's release date: variants newest first.", null=True
            ),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                condition=models.Q(("family_id__isnull", False)),
                fields=["family_id"],
                name="search_document_family",
            ),
        ),
    ]
