"""Customer search as you type, one page at a time.

SQLite (kjtui.models.search_index): three characters or more go to the FTS5 trigram index
(substring of shop name, owner, licence, phone, township); one or two characters, which trigram
cannot answer, go to the gram postings (a substring of shop name, owner or township name, or the
start of a licence or phone number). Both are read in key order with LIMIT, so a page costs the
same whether a query matches ten customers or three hundred thousand; the count stops at
COUNT_CAP. PostgreSQL: ILIKE over the base table.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from kjtui.exception import Refused
from kjtui.models import (
    database,
    search_index,
)
from kjtui.models.migrations import is_sqlite

PAGE = 200
COUNT_CAP = 10_000


class CustomerRow(NamedTuple):  # a tuple: 200 a keystroke are built in a blink
    id: str
    licence_no: str
    shop_name: str
    owner_name: str
    phone: str
    township: str
    retail_format: str
    grade: str
    active: bool


@dataclass(frozen=True)
class SearchPage:
    query: str
    offset: int
    rows: list[CustomerRow]
    total: int  # matches counted, at most COUNT_CAP
    capped: bool  # there are more than COUNT_CAP

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total or (
            self.capped and len(self.rows) > 0
        )


_COLUMNS = (
    "c.id, c.licence_no, c.shop_name, c.owner_name, c.phone, coalesce(t.name, ''), "
    "c.retail_format, c.grade, c.active"
)


FTS_WINDOW = 6
_FTS_COLUMNS = ("shop_name", "owner_name", "phone", "township")


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def normalize(query: str) -> str:
    return " ".join(query.split()).lower()


def _rows(cursor) -> list[CustomerRow]:
    return [CustomerRow(*r[:8], bool(r[8])) for r in cursor.fetchall()]


def _next_prefix(text: str) -> str:
    """The smallest string after every string that starts with `text` (for an index range)."""
    return text[:-1] + chr(ord(text[-1]) + 1)


def _sqlite_sources(q: str) -> list[tuple[str, list, str]]:
    """(key query, args, order) for each part of the result, shown one after the other."""
    by_key = "m.key"
    if not q:
        # Everyone, in licence order, from the covering index (deleted ones have no licence).
        return [("SELECT key, licence_no AS licence FROM customer_search_key "
                 "WHERE licence_no IS NOT NULL", [], "m.licence")]
    if len(q) <= 2:
        return [("SELECT key FROM customer_gram WHERE gram = ?", [q], by_key)]
    sources = []
    if q.isascii() and q.isalnum():
        # Licence numbers by prefix on the unique index: microseconds at any length.
        sources.append((
            "SELECT key, licence_no AS licence FROM customer_search_key "
            "WHERE licence_no >= ? AND licence_no < ?",
            [q.upper(), _next_prefix(q.upper())], "m.licence",
        ))
    match = "SELECT rowid AS key FROM customer_fts WHERE customer_fts MATCH ?"
    if len(q) <= FTS_WINDOW:
        sources.append((match, [_phrase(q)], by_key))
    else:
        # A long phrase makes FTS5 merge every trigram's doclist; its last FTS_WINDOW
        # characters are selective enough: match those, then check the whole text.
        check = " OR ".join(f"instr(lower({c}), ?) > 0" for c in _FTS_COLUMNS)
        sources.append((f"{match} AND ({check})",
                        [_phrase(q[-FTS_WINDOW:]), *[q] * len(_FTS_COLUMNS)], by_key))
    return sources


def search(query: str, offset: int = 0, limit: int = PAGE) -> SearchPage:
    """One page of the customers matching `query`, and how many match (up to COUNT_CAP)."""
    q = normalize(query)
    offset = max(0, offset)
    db = database.obj
    if not is_sqlite(db):
        return _search_ilike(db, q, offset, limit)
    rows: list[CustomerRow] = []
    total, skip = 0, offset
    for keys, args, order in _sqlite_sources(q):
        if total > COUNT_CAP and len(rows) >= limit:
            break  # the page is full and the count is past the cap: nothing more to learn
        n = db.execute_sql(
            f"SELECT count(*) FROM ({keys} LIMIT ?) AS capped", [*args, COUNT_CAP + 1]
        ).fetchone()[0]
        total += n
        if len(rows) < limit and skip < n:
            rows += _rows(db.execute_sql(
                f"SELECT {_COLUMNS} FROM ({keys} ORDER BY {order.split('.')[1]} LIMIT ? OFFSET ?)"
                " AS m JOIN customer_search_key AS k ON k.key = m.key "
                "JOIN customer AS c ON c.id = k.customer_id "
                f"LEFT JOIN township AS t ON t.id = c.township_id ORDER BY {order}",
                [*args, limit - len(rows), skip],
            ))
        skip = max(0, skip - n)
    seen: set[str] = set()
    rows = [r for r in rows if not (r.id in seen or seen.add(r.id))]  # a row in two parts
    return SearchPage(q, offset, rows, min(total, COUNT_CAP), total > COUNT_CAP)


def _search_ilike(db, q: str, offset: int, limit: int) -> SearchPage:
    where, args = "c.deleted = false", []
    if q:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", q) + "%"
        where += " AND (" + " OR ".join(
            f"{col} ILIKE %s" for col in
            ("c.shop_name", "c.owner_name", "c.licence_no", "c.phone", "t.name")
        ) + ")"
        args = [pattern] * 5
    base = f"FROM customer AS c LEFT JOIN township AS t ON t.id = c.township_id WHERE {where}"
    rows = _rows(db.execute_sql(
        f"SELECT {_COLUMNS} {base} ORDER BY c.licence_no LIMIT %s OFFSET %s",
        [*args, limit, offset],
    ))
    total = db.execute_sql(
        f"SELECT count(*) FROM (SELECT 1 {base} LIMIT %s) AS capped", [*args, COUNT_CAP + 1]
    ).fetchone()[0]
    return SearchPage(q, offset, rows, min(total, COUNT_CAP), total > COUNT_CAP)


@contextmanager
def bulk_load():
    """For a loader about to write many customers (a demo province, a master-data import): in
    one transaction, the search triggers are set aside during the load and the index is built
    once after it — at 400,000 customers about 50 s instead of 170–360 s row by row."""
    db = database.obj
    if not is_sqlite(db):
        yield
        return
    m = search_index
    with db.atomic():
        for name in m.TRIGGERS:
            db.execute_sql(f'DROP TRIGGER "{name}"')
        yield
        for table in ("customer_gram", "customer_fts", "customer_search_key"):
            db.execute_sql(f"DELETE FROM {table}")
        for statement in m.backfill_statements() + m.trigger_statements():
            db.execute_sql(statement)


def find_customers(text: str, limit: int = 20) -> list[CustomerRow]:
    """Active customers for a visit off the route (licence prefix, names, phone, township; one
    or two characters too)."""
    if not text.strip():
        return []
    return [r for r in search(text, limit=limit).rows if r.active]


def find_one(query: str) -> CustomerRow:
    """The one customer a short text names (licence number, or a name matching only one),
    for fields where a customer is optional; Refused if none or several match."""
    page = search(query, limit=2)
    if not page.rows:
        raise Refused("customer.none_match", query=query.strip())
    exact = [r for r in page.rows if r.licence_no == query.strip()]
    if exact:
        return exact[0]
    if len(page.rows) > 1:
        raise Refused("customer.many_match", query=query.strip(), count=page.total)
    return page.rows[0]
