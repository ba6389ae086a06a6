"""The tallies (kb.catalogue.models.Tally): their tables, the triggers that keep them in step with
the published entries and their modalities on every write (a save, a bulk import, an update, a
delete, raw SQL alike), and their first counts.

The SQL is written out here as it was when this migration was made (the directory's steps as
they were then); a change to the steps needs a migration that replaces the triggers, and
tests/test_tallies.py fails until it is made (the tallies must equal a count of the entries).
"""

import django.db.models.deletion
from django.db import migrations, models

# The directory's least-score steps and the parameter counts of its memory steps (8, 16, 24, 48
# and 80 GB at 16, 8 and 4 bits per parameter), as they were.
OPENNESS_STEPS = (25, 50, 75)
PARAMETER_STEPS = tuple(
    sorted({gb * 10**9 * 8 // bits for gb in (8, 16, 24, 48, 80) for bits in (16, 8, 4)})
)
PUBLISHED = "'published'"
WEIGHTS_ACCESS = "('weights', 'both')"
THROUGH = "kb_modelentry_modalities"
# The key of PostgreSQL's lock on the tallies (any number no other lock of the site takes).
ADVISORY_LOCK = 7_241_001

# What the entries' triggers watch: the columns the tallies' values come from.
SOURCE_COLUMNS = (
    "status",
    "category_id",
    "organization_id",
    "access",
    "openness_tier",
    "lifecycle",
    "licence_osi_approved",
    "openness_score",
    "parameter_count",
    "openness_grades",
)
# The letters of an entry's stored grades: one per dimension of openness.
DIMENSIONS = 9


def values(row, position=None):
    """``{tally column: SQL}`` of the entry ``row`` (NEW, OLD, or a table's alias); with
    ``position``, its grade there too."""
    steps = " ".join(
        f"WHEN {row}.openness_score >= {step} THEN {step}" for step in reversed(OPENNESS_STEPS)
    )
    within = " ".join(
        f"WHEN {row}.parameter_count <= {count} THEN {count}" for count in PARAMETER_STEPS
    )
    return {
        "organization_id": f"{row}.organization_id",
        "category_id": f"{row}.category_id",
        "access": f"{row}.access",
        "openness_tier": f"{row}.openness_tier",
        "lifecycle": f"{row}.lifecycle",
        "licence": f"CASE WHEN {row}.licence_osi_approved THEN 'osi' "
        f"WHEN NOT {row}.licence_osi_approved THEN 'not-osi' ELSE 'unknown' END",
        "openness_step": f"CASE {steps} ELSE 0 END",
        "score": f"COALESCE({row}.openness_score, -1)",
        "position": str(position),
        "letter": f"SUBSTR({row}.openness_grades, {position}, 1)",
        "weights_within": f"CASE WHEN {row}.access IN {WEIGHTS_ACCESS} "
        f"AND {row}.parameter_count IS NOT NULL "
        f"THEN CASE {within} ELSE {row}.parameter_count END ELSE 0 END",
    }


FACETS = ["category_id", "access", "openness_tier", "lifecycle", "licence"]
STEPS = ["openness_step", "weights_within"]
# Each tally's table and key; a modality tally's rows come from the entry's links.
TALLIES = {
    "kb_entrytally": [*FACETS, *STEPS],
    "kb_organizationtally": ["organization_id", *FACETS, *STEPS],
    "kb_scoretally": ["category_id", "score"],
}
# The grades' tally counts an entry at each position of its grades.
GRADE_TALLY = "kb_gradetally"
GRADE_KEY = ["category_id", "position", "letter"]
POSITIONS = range(1, DIMENSIONS + 1)
MODALITY_TALLY = "kb_modalitytally"
MODALITY_KEY = [*FACETS, *STEPS]


def upsert(table, key, rows):
    """One more in ``table`` for each of ``rows`` (a SELECT of ``key``'s values and 1)."""
    columns = ", ".join(key)
    return (
        f"INSERT INTO {table} ({columns}, n) {rows} "
        f"ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + 1"
    )


def picked(row, key, position=None):
    """SQL: the values of ``key``'s columns for the entry ``row``, comma-separated."""
    return ", ".join(values(row, position)[column] for column in key)


def add(table, key, row, position=None):
    """One more for ``row``'s values in ``table`` (when ``row`` is published)."""
    return upsert(
        table, key, f"SELECT {picked(row, key, position)}, 1 WHERE {row}.status = {PUBLISHED}"
    )


def remove(table, key, row, condition="", position=None):
    """One fewer for ``row``'s values in ``table`` (when ``row`` was published)."""
    matches = " AND ".join(f"{column} = {values(row, position)[column]}" for column in key)
    return f"UPDATE {table} SET n = n - 1 WHERE {row}.status = {PUBLISHED} AND {matches}{condition}"


def entry_statements(old, new):
    """What an entry's insert (old None), delete (new None) or change does to the tallies."""
    statements = []
    if old:
        statements += [remove(table, key, old) for table, key in TALLIES.items()]
        statements += [remove(GRADE_TALLY, GRADE_KEY, old, position=p) for p in POSITIONS]
        if new:  # a deleted entry's links went first, each counted off by its own trigger
            statements.append(
                remove(
                    MODALITY_TALLY,
                    MODALITY_KEY,
                    old,
                    f" AND modality_id IN (SELECT modality_id FROM {THROUGH} "
                    f"WHERE modelentry_id = {old}.id)",
                )
            )
    if new:
        statements += [add(table, key, new) for table, key in TALLIES.items()]
        statements += [add(GRADE_TALLY, GRADE_KEY, new, position=p) for p in POSITIONS]
        if old:  # a new entry has no links yet
            statements.append(
                upsert(
                    MODALITY_TALLY,
                    ["modality_id", *MODALITY_KEY],
                    f"SELECT link.modality_id, {picked(new, MODALITY_KEY)}, 1 FROM {THROUGH} link "
                    f"WHERE link.modelentry_id = {new}.id AND {new}.status = {PUBLISHED}",
                )
            )
    return statements


def link_statements(link, added):
    """What adding or removing an entry's modality (``link``, NEW or OLD) does."""
    entry = (
        f"kb_modelentry entry WHERE entry.id = {link}.modelentry_id AND entry.status = {PUBLISHED}"
    )
    if added:
        return [
            upsert(
                MODALITY_TALLY,
                ["modality_id", *MODALITY_KEY],
                f"SELECT {link}.modality_id, {picked('entry', MODALITY_KEY)}, 1 FROM {entry}",
            )
        ]
    return [
        f"UPDATE {MODALITY_TALLY} SET n = n - 1 WHERE modality_id = {link}.modality_id "
        f"AND ({', '.join(MODALITY_KEY)}) = (SELECT {picked('entry', MODALITY_KEY)} FROM {entry})"
    ]


def fill_statements():
    """The tallies' first counts, from the entries as they are."""
    statements = []
    for table, key in TALLIES.items():
        positions = ", ".join(str(index + 1) for index in range(len(key)))
        statements.append(
            f"INSERT INTO {table} ({', '.join(key)}, n) SELECT {picked('entry', key)}, COUNT(*) "
            f"FROM kb_modelentry entry WHERE entry.status = {PUBLISHED} GROUP BY {positions}"
        )
    for position in POSITIONS:
        statements.append(
            f"INSERT INTO {GRADE_TALLY} ({', '.join(GRADE_KEY)}, n) "
            f"SELECT {picked('entry', GRADE_KEY, position)}, COUNT(*) "
            f"FROM kb_modelentry entry WHERE entry.status = {PUBLISHED} GROUP BY 1, 2, 3"
        )
    positions = ", ".join(str(index + 1) for index in range(len(MODALITY_KEY) + 1))
    statements.append(
        f"INSERT INTO {MODALITY_TALLY} (modality_id, {', '.join(MODALITY_KEY)}, n) "
        f"SELECT link.modality_id, {picked('entry', MODALITY_KEY)}, COUNT(*) FROM {THROUGH} link "
        f"JOIN kb_modelentry entry ON entry.id = link.modelentry_id "
        f"WHERE entry.status = {PUBLISHED} GROUP BY {positions}"
    )
    return statements


def changed(is_not):
    """SQL: whether an update changed a column the tallies' values come from."""
    return " OR ".join(f"OLD.{column} {is_not} NEW.{column}" for column in SOURCE_COLUMNS)


def sqlite_trigger(name, event, statements, when=""):
    when = f" WHEN {when}" if when else ""
    body = " ".join(f"{statement};" for statement in statements)
    return f"CREATE TRIGGER {name} AFTER {event}{when} BEGIN {body} END"


SQLITE = [
    sqlite_trigger("kb_tally_entry_ai", "INSERT ON kb_modelentry", entry_statements(None, "NEW")),
    sqlite_trigger("kb_tally_entry_ad", "DELETE ON kb_modelentry", entry_statements("OLD", None)),
    sqlite_trigger(
        "kb_tally_entry_au",
        "UPDATE ON kb_modelentry",
        entry_statements("OLD", "NEW"),
        when=changed("IS NOT"),
    ),
    sqlite_trigger("kb_tally_link_ai", f"INSERT ON {THROUGH}", link_statements("NEW", True)),
    sqlite_trigger("kb_tally_link_ad", f"DELETE ON {THROUGH}", link_statements("OLD", False)),
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "kb_tally_entry_ai",
        "kb_tally_entry_ad",
        "kb_tally_entry_au",
        "kb_tally_link_ai",
        "kb_tally_link_ad",
    )
]


def postgresql_function(name, branches):
    """A trigger function running each (TG_OP, statements) branch that matches.

    It first takes a lock held to the end of the transaction, the same for every change to the
    tallies: two transactions each moving entries between the same counts in opposite orders
    would otherwise each hold a count the other waits for (a deadlock, and one of them undone).
    Writers changing the same counts wait for each other anyway, for the rows they both count in.
    """
    body = " ".join(
        f"IF TG_OP = '{operation}' THEN {' '.join(f'{s};' for s in statements)} END IF;"
        for operation, statements in branches
    )
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_advisory_xact_lock({ADVISORY_LOCK}); {body} RETURN NULL; END $$"
    )


POSTGRESQL = [
    postgresql_function(
        "kb_tally_entry",
        [
            ("INSERT", entry_statements(None, "NEW")),
            ("DELETE", entry_statements("OLD", None)),
            ("UPDATE", entry_statements("OLD", "NEW")),
        ],
    ),
    postgresql_function(
        "kb_tally_link",
        [("INSERT", link_statements("NEW", True)), ("DELETE", link_statements("OLD", False))],
    ),
    "CREATE TRIGGER kb_tally_entry_insert_delete AFTER INSERT OR DELETE ON kb_modelentry "
    "FOR EACH ROW EXECUTE FUNCTION kb_tally_entry()",
    "CREATE TRIGGER kb_tally_entry_update AFTER UPDATE ON kb_modelentry FOR EACH ROW "
    f"WHEN ({changed('IS DISTINCT FROM')}) EXECUTE FUNCTION kb_tally_entry()",
    f"CREATE TRIGGER kb_tally_link AFTER INSERT OR DELETE ON {THROUGH} "
    "FOR EACH ROW EXECUTE FUNCTION kb_tally_link()",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS kb_tally_entry_insert_delete ON kb_modelentry",
    "DROP TRIGGER IF EXISTS kb_tally_entry_update ON kb_modelentry",
    f"DROP TRIGGER IF EXISTS kb_tally_link ON {THROUGH}",
    "DROP FUNCTION IF EXISTS kb_tally_entry()",
    "DROP FUNCTION IF EXISTS kb_tally_link()",
]


class RunSQLOn(migrations.RunSQL):
    """RunSQL on one database engine; nothing on the others."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0023_chart_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="EntryTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("access", models.CharField(max_length=10)),
                ("openness_tier", models.CharField(max_length=20)),
                ("lifecycle", models.CharField(max_length=20)),
                ("licence", models.CharField(max_length=10)),
                ("n", models.PositiveIntegerField()),
                ("openness_step", models.PositiveSmallIntegerField()),
                ("weights_within", models.PositiveBigIntegerField()),
                (
                    "category",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="kb.category",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "category",
                            "access",
                            "openness_tier",
                            "lifecycle",
                            "licence",
                            "openness_step",
                            "weights_within",
                        ),
                        name="entry_tally_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="GradeTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("letter", models.CharField(max_length=1)),
                ("n", models.PositiveIntegerField()),
                (
                    "category",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="kb.category",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("category", "position", "letter"), name="grade_tally_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ModalityTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("access", models.CharField(max_length=10)),
                ("openness_tier", models.CharField(max_length=20)),
                ("lifecycle", models.CharField(max_length=20)),
                ("licence", models.CharField(max_length=10)),
                ("n", models.PositiveIntegerField()),
                ("openness_step", models.PositiveSmallIntegerField()),
                ("weights_within", models.PositiveBigIntegerField()),
                (
                    "category",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="kb.category",
                    ),
                ),
                (
                    "modality",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="kb.modality",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "modality",
                            "category",
                            "access",
                            "openness_tier",
                            "lifecycle",
                            "licence",
                            "openness_step",
                            "weights_within",
                        ),
                        name="modality_tally_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="OrganizationTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("access", models.CharField(max_length=10)),
                ("openness_tier", models.CharField(max_length=20)),
                ("lifecycle", models.CharField(max_length=20)),
                ("licence", models.CharField(max_length=10)),
                ("n", models.PositiveIntegerField()),
                ("openness_step", models.PositiveSmallIntegerField()),
                ("weights_within", models.PositiveBigIntegerField()),
                (
                    "category",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="kb.category",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="kb.organization",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "organization",
                            "category",
                            "access",
                            "openness_tier",
                            "lifecycle",
                            "licence",
                            "openness_step",
                            "weights_within",
                        ),
                        name="organization_tally_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ScoreTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("score", models.SmallIntegerField()),
                ("n", models.PositiveIntegerField()),
                (
                    "category",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="kb.category",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("category", "score"), name="score_tally_key")
                ],
            },
        ),
        migrations.RunSQL(fill_statements(), migrations.RunSQL.noop),
        RunSQLOn("sqlite", SQLITE, SQLITE_REVERSE),
        RunSQLOn("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
    ]
