"""Writing generated rows in bulk, for the data generators of the benchmarks (COPY on PostgreSQL).

Rows are given as {attname: value}; nothing of the model's save() runs (no signals, no audit events):
this is for volumes of realistic history, never for the product's own changes.
"""

import json
import queue
import threading
from contextlib import contextmanager

from django.db import connection, transaction


def reserve_ids(model, count):
    """`count` new primary keys for `model`, taken before the rows exist so rows can point at each other."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: inside the batch's write transaction nobody else inserts; never reuse an id (AUTOINCREMENT).
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(highest, row[0] if row else 0) + 1
        return list(range(first, first + count))


class TableWriter:
    """Writes rows given as {attname: value} into a model's table; missing fields take their defaults."""

    def __init__(self, model, *, with_pk=False):
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.json_fields = {f.attname for f in self.fields if f.get_internal_type() == "JSONField"}

    def write(self, rows):
        if not rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY in text format: the server parses each value as its column's type.
                with cursor.cursor.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(self._values(row))
                return
            prepared = [
                [f.get_db_prep_save(row.get(f.attname, self.defaults[f.attname]), connection) for f in self.fields]
                for row in rows
            ]
            placeholders = ", ".join(["%s"] * len(self.fields))
            cursor.executemany(f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({placeholders})", prepared)

    def _values(self, row):
        values = []
        for f in self.fields:
            value = row.get(f.attname, self.defaults[f.attname])
            values.append(json.dumps(value) if f.attname in self.json_fields else value)
        return values


@contextmanager
def batch_writer(name):
    """`write(build, *arguments)`: writes the batch `build(*arguments)` returns (an object with a write()
    method, its rows' ids taken with reserve_ids inside build) and returns it; batches commit one at a
    time, in order, and all are written when the block ends.

    On PostgreSQL, outside a transaction of the caller's, a thread `name` with its own connection commits
    batch k while this one builds batch k+1: the two halves use two cores, Python building rows,
    PostgreSQL checking foreign keys and updating indexes (ids come from the sequence, so rows can point
    at each other before they are written). Elsewhere each batch is built and written in one transaction
    (on SQLite the ids are taken inside it).
    """
    pipelined = connection.vendor == "postgresql" and not connection.in_atomic_block
    writer = _PipelinedWriter(name) if pipelined else _InlineWriter()
    try:
        yield writer.write
    finally:
        writer.close()


class _InlineWriter:
    def write(self, build, *arguments):
        with transaction.atomic():
            batch = build(*arguments)
            batch.write()
        return batch

    def close(self):
        pass


class _PipelinedWriter:
    def __init__(self, name):
        self.batches = queue.Queue(maxsize=1)
        self.failure = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def write(self, build, *arguments):
        batch = build(*arguments)
        self._raise_failure()
        self.batches.put(batch)
        return batch

    def close(self):
        self.batches.put(None)
        self.thread.join()
        self._raise_failure()

    def _run(self):
        try:
            while (batch := self.batches.get()) is not None:
                if self.failure is not None:
                    continue  # keep taking batches so the builder never blocks; it raises on its next write
                try:
                    with transaction.atomic():
                        batch.write()
                except Exception as exc:
                    self.failure = exc
        finally:
            connection.close()

    def _raise_failure(self):
        if self.failure is not None:
            raise self.failure
