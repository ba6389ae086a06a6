"""The charts' groups (kb.catalogue.models.ChartTier, ChartDay, ChartMaker): their tables, the
triggers that count a group again from the entries whenever a write may change it (a save, an
import, an update, a delete, raw SQL alike), and their first rows.

A group is counted again, not kept by adding and taking away: its largest sizes cannot come
back down by a subtraction when the largest entry leaves. Which entries the charts count is
``chart_entries``' rule, as it was when this migration was made: published, with a release
date, and not a family counted through its published variants (one no import record lists).
So an entry's write counts again the groups it was and is in, and its family's, before and
after (the family's counting depends on its variants); an import record's write, its entry's.
SQLite's triggers do so for each row written; PostgreSQL's once for each statement, for all the
rows it wrote (below). Their functions first take the tallies' lock (migration 0024), so that
the last writer to count a group sees every other's committed rows.

tests/catalogue/test_tallies.py holds the groups equal to the entries' after every kind of write.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

TALLIES = importlib.import_module("kb.catalogue.migrations.0024_tallies")
PUBLISHED = TALLIES.PUBLISHED
ENTRIES = "kb_modelentry"
RECORDS = "kb_importrecord"
# The columns whose change can move an entry between groups, or change a group's largest.
SOURCE_COLUMNS = (
    "status",
    "release_date",
    "openness_tier",
    "organization_id",
    "country",
    "parameter_count",
    "training_compute_flop",
    "is_family",
    "family_id",
)
# frontier-gap's sides, as they were: the tiers of downloadable weights, and API or product
# only (kb.catalogue.charts.SIDES); an entry of neither has no side, and no day.
OPEN_TIERS = ("fully_open", "open_weights", "restricted_weights")
CLOSED_TIERS = ("hosted",)


def listed(values):
    return ", ".join(f"'{value}'" for value in values)


SIDE = (
    f"CASE WHEN {{e}}.openness_tier IN ({listed(OPEN_TIERS)}) THEN 'open' "
    f"WHEN {{e}}.openness_tier IN ({listed(CLOSED_TIERS)}) THEN 'closed' END"
)
# The first day of a date's year, and of the next year (SQLite's row triggers).
YEAR_BOUNDS = {"sqlite": ("date({}, 'start of year')", "date({}, 'start of year', '+1 year')")}
YEAR = {
    "sqlite": "CAST(strftime('%Y', {}) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(YEAR FROM {}) AS INTEGER)",
}


def groups(vendor):
    """{table: ({key column: its value for the entry ``{e}``}, {column: aggregate})}; an entry
    whose value of a key column is NULL is in no group of that table."""
    year = YEAR[vendor].format("{e}.release_date")
    return {
        "kb_charttier": (
            {"openness_tier": "{e}.openness_tier", "release_date": "{e}.release_date"},
            {"year": f"MIN({year})", "n": "COUNT(*)"},
        ),
        "kb_chartday": (
            {"side": SIDE, "release_date": "{e}.release_date"},
            {
                "n": "COUNT(*)",
                "parameters": "MAX({e}.parameter_count)",
                "compute": "MAX({e}.training_compute_flop)",
            },
        ),
        "kb_chartmaker": (
            {
                "organization_id": "{e}.organization_id",
                "country": "{e}.country",
                "openness_tier": "{e}.openness_tier",
                "year": year,
            },
            {"n": "COUNT(*)"},
        ),
    }


def counted(e):
    """SQL: whether the charts count the entry ``e`` (a table alias). A family's variants and
    import records are looked for with one index probe each, for families only (written as a
    set, PostgreSQL may plan to read every published entry to hash them, at each count)."""
    return (
        f"{e}.status = {PUBLISHED} AND {e}.release_date IS NOT NULL AND CASE WHEN {e}.is_family "
        f"THEN (SELECT 1 FROM {ENTRIES} variant WHERE variant.family_id = {e}.id "
        f"AND variant.status = {PUBLISHED} LIMIT 1) IS NULL "
        f"OR (SELECT 1 FROM {RECORDS} record WHERE record.entry_id = {e}.id LIMIT 1) IS NOT NULL "
        "ELSE TRUE END"
    )


def selected(table, key, aggregates, condition, source=f"{ENTRIES} e"):
    """SQL: the groups of ``table`` counted from the entries ``e`` of ``source`` meeting
    ``condition``."""
    columns = [*key, *aggregates]
    grouped = [value.format(e="e") for value in key.values()]
    values = [*grouped, *(value.format(e="e") for value in aggregates.values())]
    keyed = "".join(f" AND {value} IS NOT NULL" for value in grouped)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM {source} WHERE {counted('e')}{keyed}{condition} GROUP BY {', '.join(grouped)}"
    )


def sought(vendor, table, of):
    """SQL: conditions on the entries ``e`` of one group that its key's own implies, written so
    that an ``entry_charts_*`` index finds them without a scan: the tiers of a side (a side is a
    CASE of the tier, which no index holds); the days of a year (likewise)."""
    if table == "kb_charttier":
        return ""
    if table == "kb_chartday":
        return f" AND e.openness_tier IN ({listed(OPEN_TIERS + CLOSED_TIERS)})"
    start, end = (bound.format(of("{e}.release_date")) for bound in YEAR_BOUNDS[vendor])
    return f" AND e.release_date >= {start} AND e.release_date < {end}"


def recount(vendor, of, guard=""):
    """Statements counting again the groups of one entry: ``of`` formats a key value of it (an
    expression of ``{e}``) as SQL (the row itself, or a select of another); ``guard``: a
    condition on the trigger's row for doing so at all."""
    statements = []
    for table, (key, aggregates) in groups(vendor).items():
        values = {column: of(expression) for column, expression in key.items()}
        matches = " AND ".join(f"{column} = {value}" for column, value in values.items())
        entry_matches = "".join(
            f" AND {key[column].format(e='e')} = {value}" for column, value in values.items()
        )
        entry_matches += sought(vendor, table, of)
        statements.append(f"DELETE FROM {table} WHERE {matches}{guard}")
        statements.append(selected(table, key, aggregates, f"{entry_matches}{guard}"))
    return statements


def of_row(row):
    return lambda expression: expression.format(e=row)


def of_entry(entry_id):
    """A key value of the entry whose id is ``entry_id`` (SQL), by a select of it."""
    return lambda expression: (
        f"(SELECT {expression.format(e='other')} FROM {ENTRIES} other WHERE other.id = {entry_id})"
    )


def entry_statements(vendor, old, new):
    """What an entry's insert (old None), delete (new None) or change does to the groups, for
    SQLite's row triggers: its own groups and its family's counted again, when it was or is
    published."""
    statements = []
    for row in filter(None, (old, new)):
        guard = f" AND {row}.status = {PUBLISHED}"
        statements += recount(vendor, of_row(row), guard)
        statements += recount(vendor, of_entry(f"{row}.family_id"), guard)
    return statements


def record_statements(vendor, row):
    """What an import record's insert or delete (``row``: NEW or OLD) does, for SQLite's row
    triggers: its entry's groups counted again (a family listed by a dataset counts as a model
    of its own)."""
    return recount(vendor, of_entry(f"{row}.entry_id"))


def fill_statements(vendor):
    """The groups' first rows, from the entries as they are."""
    return [
        selected(table, key, aggregates, "") for table, (key, aggregates) in groups(vendor).items()
    ]


def changed(is_not, columns=SOURCE_COLUMNS):
    return " OR ".join(f"OLD.{column} {is_not} NEW.{column}" for column in columns)


SQLITE_TRIGGERS = {
    "kb_chart_entry_ai": ("INSERT", ENTRIES, ""),
    "kb_chart_entry_ad": ("DELETE", ENTRIES, ""),
    "kb_chart_entry_au": ("UPDATE", ENTRIES, changed("IS NOT")),
    "kb_chart_record_ai": ("INSERT", RECORDS, ""),
    "kb_chart_record_ad": ("DELETE", RECORDS, ""),
    "kb_chart_record_au": ("UPDATE", RECORDS, changed("IS NOT", ["entry_id"])),
}


def sqlite():
    vendor = "sqlite"
    bodies = {
        "kb_chart_entry_ai": entry_statements(vendor, None, "NEW"),
        "kb_chart_entry_ad": entry_statements(vendor, "OLD", None),
        "kb_chart_entry_au": entry_statements(vendor, "OLD", "NEW"),
        "kb_chart_record_ai": record_statements(vendor, "NEW"),
        "kb_chart_record_ad": record_statements(vendor, "OLD"),
        "kb_chart_record_au": record_statements(vendor, "OLD") + record_statements(vendor, "NEW"),
    }
    return [
        TALLIES.sqlite_trigger(name, f"{event} ON {table}", bodies[name], when=when)
        for name, (event, table, when) in SQLITE_TRIGGERS.items()
    ] + fill_statements(vendor)


# PostgreSQL fires a row's AFTER trigger at the end of its statement: a statement that writes
# many entries (an import's bulk_create, a queryset's update) would count each of their groups
# again once a row. Its triggers run once a statement instead, on the rows it wrote (transition
# tables), and count each group they touched again once.
JOINED = {
    "kb_charttier": "e.openness_tier = touched.openness_tier "
    "AND e.release_date = touched.release_date",
    "kb_chartday": f"e.release_date = touched.release_date "
    f"AND e.openness_tier IN ({listed(OPEN_TIERS + CLOSED_TIERS)}) "
    f"AND {SIDE.format(e='e')} = touched.side",
    "kb_chartmaker": "e.organization_id = touched.organization_id "
    "AND e.country = touched.country AND e.openness_tier = touched.openness_tier "
    "AND e.release_date >= make_date(touched.year, 1, 1) "
    "AND e.release_date < make_date(touched.year + 1, 1, 1)",
}


def touched_statements(rows):
    """Statements counting again the groups of the entries ``rows`` (SQL: a query of entry
    rows), each group once."""
    statements = []
    for table, (key, aggregates) in groups("postgresql").items():
        values = [value.format(e="e") for value in key.values()]
        present = " AND ".join(f"{value} IS NOT NULL" for value in values)
        named = ", ".join(f"{v} AS {c}" for c, v in zip(key, values, strict=True))
        distinct = f"SELECT DISTINCT {named} FROM ({rows}) e WHERE {present}"
        statements += [
            f"DELETE FROM {table} WHERE ({', '.join(key)}) IN ({distinct})",
            selected(
                table,
                key,
                aggregates,
                "",
                f"({distinct}) touched JOIN {ENTRIES} e ON {JOINED[table]}",
            ),
        ]
    return statements


def with_families(rows):
    """SQL: the entry rows ``rows``, published, and the families of those."""
    published = f"SELECT * FROM ({rows}) written WHERE written.status = {PUBLISHED}"
    families = (
        f"SELECT family.* FROM {ENTRIES} family WHERE family.id IN "
        f"(SELECT written.family_id FROM ({published}) written)"
    )
    return f"{published} UNION ALL {families}"


# The rows an update changed in a column the groups come from, before and after.
CHANGED = (
    "SELECT {side}.* FROM old_rows prior JOIN new_rows later ON later.id = prior.id WHERE ("
    + ", ".join(f"prior.{c}" for c in SOURCE_COLUMNS)
    + ") IS DISTINCT FROM ("
    + ", ".join(f"later.{c}" for c in SOURCE_COLUMNS)
    + ")"
)
RECORDED = "SELECT entry.* FROM {entries} entry WHERE entry.id IN (SELECT entry_id FROM {rows})"
TRANSITIONS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def postgresql():
    entries = {
        "INSERT": with_families("SELECT * FROM new_rows"),
        "DELETE": with_families("SELECT * FROM old_rows"),
        "UPDATE": with_families(
            f"{CHANGED.format(side='prior')} UNION ALL {CHANGED.format(side='later')}"
        ),
    }
    records = {
        "INSERT": RECORDED.format(entries=ENTRIES, rows="new_rows"),
        "DELETE": RECORDED.format(entries=ENTRIES, rows="old_rows"),
        "UPDATE": RECORDED.format(
            entries=ENTRIES,
            rows="(SELECT entry_id FROM old_rows UNION ALL SELECT entry_id FROM new_rows) written",
        ),
    }
    statements = []
    # An update that changed none of the columns the groups come from (most saves), or moved
    # no import record to another entry, stops there.
    unchanged = f"IF NOT EXISTS ({CHANGED.format(side='later')}) THEN RETURN NULL; END IF"
    moved_records = (
        "IF NOT EXISTS (SELECT 1 FROM old_rows prior JOIN new_rows later ON later.id = prior.id "
        "WHERE later.entry_id IS DISTINCT FROM prior.entry_id) THEN RETURN NULL; END IF"
    )
    for name, table, rows, skipped in (
        ("entry", ENTRIES, entries, {"UPDATE": [unchanged]}),
        ("record", RECORDS, records, {"UPDATE": [moved_records]}),
    ):
        statements.append(
            TALLIES.postgresql_function(
                f"kb_chart_{name}",
                [
                    (event, [*skipped.get(event, []), *touched_statements(source)])
                    for event, source in rows.items()
                ],
            )
        )
        statements += [
            f"CREATE TRIGGER kb_chart_{name}_{event.lower()} AFTER {event} ON {table} "
            f"{TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION kb_chart_{name}()"
            for event in TRANSITIONS
        ]
    return [*statements, *fill_statements("postgresql")]


SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
POSTGRESQL_REVERSE = [
    *(
        f"DROP TRIGGER IF EXISTS kb_chart_{name}_{event.lower()} ON {table}"
        for name, table in (("entry", ENTRIES), ("record", RECORDS))
        for event in TRANSITIONS
    ),
    "DROP FUNCTION IF EXISTS kb_chart_entry()",
    "DROP FUNCTION IF EXISTS kb_chart_record()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0024_tallies"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChartDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("n", models.PositiveIntegerField()),
                ("side", models.CharField(max_length=6)),
                ("release_date", models.DateField()),
                ("parameters", models.PositiveBigIntegerField(null=True)),
                ("compute", models.FloatField(null=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("release_date", "side"), name="chart_day_key")
                ],
            },
        ),
        migrations.CreateModel(
            name="ChartTier",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("n", models.PositiveIntegerField()),
                ("openness_tier", models.CharField(max_length=20)),
                ("release_date", models.DateField()),
                ("year", models.SmallIntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["openness_tier", "year", "n"], name="chart_tier_by_year")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("openness_tier", "release_date"), name="chart_tier_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ChartMaker",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("n", models.PositiveIntegerField()),
                ("country", models.CharField(max_length=200)),
                ("openness_tier", models.CharField(max_length=20)),
                ("year", models.SmallIntegerField()),
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
                        fields=("organization", "country", "openness_tier", "year"),
                        name="chart_maker_key",
                    )
                ],
            },
        ),
        TALLIES.RunSQLOn("sqlite", sqlite(), SQLITE_REVERSE),
        TALLIES.RunSQLOn("postgresql", postgresql(), POSTGRESQL_REVERSE),
    ]
