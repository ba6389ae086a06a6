"""``manage.py bench_import`` (run by ``make bench``): how long the Epoch AI import takes.

Times the bundled snapshot (1,011 rows) imported into the seed content, then imported again
unchanged, each the best of ``--repeat`` runs, as wall time and as this process's CPU time (on a
busy machine the two differ). Everything happens in a transaction rolled back at the end, so
the database is left as it was (it is migrated first if needed).
"""

import os
import platform
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from kb.catalogue.bundled import (
    EPOCH_SNAPSHOT,
    EPOCH_SNAPSHOT_RETRIEVED,
    has_content,
    load_bundled_content,
)
from kb.catalogue.epoch.source import parse
from kb.catalogue.epoch.sync import import_rows


class RolledBack(Exception):
    pass


def timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


class Command(BaseCommand):
    help = "Time the Epoch AI import of the bundled snapshot: first import, then unchanged."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=1, help="Runs; the best is shown.")

    def handle(self, *args, repeat, **options):
        call_command("migrate", verbosity=0, interactive=False)
        rows = parse(EPOCH_SNAPSHOT.read_bytes())[1]
        first, again = [], []
        for _ in range(repeat):
            try:
                with transaction.atomic():
                    if not has_content():
                        load_bundled_content()
                    first.append(timed(lambda: import_rows(rows, EPOCH_SNAPSHOT_RETRIEVED)))
                    again.append(timed(lambda: import_rows(rows, EPOCH_SNAPSHOT_RETRIEVED)))
                    raise RolledBack
            except RolledBack:
                pass
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        self.stdout.write(
            f"Epoch AI import, {len(rows):,} rows ({platform.python_implementation()} "
            f"{platform.python_version()}, {os.cpu_count()} CPUs, load average {load}):"
        )
        for label, runs in (("first import", first), ("unchanged re-import", again)):
            wall, cpu, report = min(runs, key=lambda run: run[0])
            self.stdout.write(f"  {label}: {wall:.1f} s wall, {cpu:.1f} s CPU ({report.summary()})")
