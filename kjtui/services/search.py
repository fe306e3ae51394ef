"""Customer search as you type, one page at a time.

A query is words separated by spaces, and a customer matches when every word does ("奉家 超市").
A word matches a substring of shop name, owner, phone or township name, the start of a licence
number, or, when it is letters, the start of a pinyin token of shop or owner name: full pinyin
or initials, every reading of a polyphonic character (kjtui.models.pinyin).

SQLite (kjtui.models.search_index): three characters or more go to the FTS5 trigram index; one or
two characters, which trigram cannot answer (a LIKE or MATCH of them on the trigram table finds
nothing, silently), go to the gram postings; letters also go to the pinyin index. Each is read in
key order with LIMIT, so a page costs the same whether a query matches ten customers or three
hundred thousand; the count stops at COUNT_CAP. Several words: the rarest word's matches are
read and each checked for the others by key; a manager's own customers (a hundred-odd) are each
checked for every word. PostgreSQL: ILIKE over the base table, LIKE over the pinyin tokens.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from kjtui.exception import Refused
from kjtui.models import (
    database,
    pinyin,
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
# A query of several words is read from its rarest word's matches, each checked for the other
# words; its count looks at no more than SCAN_CAP of them (past that it says "at least").
SCAN_CAP = 5_000


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def normalize(query: str) -> str:
    return " ".join(query.split()).lower()


def words(query: str) -> list[str]:
    """The words of a query: each must match (奉家 超市 is a 奉家 shop that is a 超市)."""
    return list(dict.fromkeys(normalize(query).split()))


def _rows(cursor) -> list[CustomerRow]:
    return [CustomerRow(*r[:8], bool(r[8])) for r in cursor.fetchall()]


def _next_prefix(text: str) -> str:
    """The smallest string after every string that starts with `text` (for an index range)."""
    return text[:-1] + chr(ord(text[-1]) + 1)


class _Source(NamedTuple):
    """A part of the result: `sql` selects `key` (and `licence` when `order` is licence) from
    a table aliased `s`, ending in a WHERE clause that more conditions can be ANDed to."""

    sql: str
    args: list
    order: str  # "key" or "licence"
    key: str  # the key's expression in `sql`, for conditions on it


_EVERYONE = _Source("SELECT s.key AS key, s.licence_no AS licence FROM customer_search_key AS s "
                    "WHERE s.licence_no IS NOT NULL", [], "licence", "s.key")


def _mine(manager_id: str) -> _Source:
    """A manager's own customers (Customer.manager), in licence order."""
    return _Source(
        "SELECT s.key AS key, s.licence_no AS licence FROM customer AS c "
        "JOIN customer_search_key AS s ON s.customer_id = c.id "
        "WHERE c.manager_id = ? AND s.licence_no IS NOT NULL", [manager_id], "licence", "s.key")


def _sqlite_sources(q: str) -> list[_Source]:
    """The parts of the result for one word, shown one after the other."""
    sources = []
    if len(q) <= 2:
        # Characters and pairs of names, the first one or two digits of licence and phone.
        sources.append(_Source("SELECT s.key AS key FROM customer_gram AS s WHERE s.gram = ?",
                               [q], "key", "s.key"))
    else:
        if q.isascii() and q.isalnum():
            # Licence numbers by prefix on the unique index: microseconds at any length.
            sources.append(_Source(
                "SELECT s.key AS key, s.licence_no AS licence FROM customer_search_key AS s "
                "WHERE s.licence_no >= ? AND s.licence_no < ?",
                [q.upper(), _next_prefix(q.upper())], "licence", "s.key"))
        match = "SELECT s.rowid AS key FROM customer_fts AS s WHERE s.customer_fts MATCH ?"
        if len(q) <= FTS_WINDOW:
            sources.append(_Source(match, [_phrase(q)], "key", "s.rowid"))
        else:
            # A long phrase makes FTS5 merge every trigram's doclist; its last FTS_WINDOW
            # characters are selective enough: match those, then check the whole text.
            check = " OR ".join(f"instr(lower(s.{c}), ?) > 0" for c in _FTS_COLUMNS)
            sources.append(_Source(f"{match} AND ({check})",
                                   [_phrase(q[-FTS_WINDOW:]), *[q] * len(_FTS_COLUMNS)],
                                   "key", "s.rowid"))
    if pinyin.is_pinyin_query(q):
        # Full pinyin or initials: a prefix of a token (kjtui.models.pinyin).
        sources.append(_Source(
            "SELECT s.rowid AS key FROM customer_pinyin_fts AS s "
            "WHERE s.customer_pinyin_fts MATCH ?",
            [_phrase(pinyin.query_text(q)) + "*"], "key", "s.rowid"))
    return sources


def _condition(q: str, key: str) -> tuple[str, list]:
    """SQL true when the customer of `key` matches the word `q`, as _sqlite_sources finds it,
    read row by row (cheap lookups by key, never a scan)."""
    parts, args = [], []
    if len(q) <= 2:
        parts.append(f"EXISTS (SELECT 1 FROM customer_gram AS g WHERE g.gram = ? AND g.key = {key})")
        args.append(q)
    else:
        if q.isascii() and q.isalnum():
            parts.append(f"EXISTS (SELECT 1 FROM customer_search_key AS l WHERE l.key = {key} "
                         "AND l.licence_no >= ? AND l.licence_no < ?)")
            args += [q.upper(), _next_prefix(q.upper())]
        check = " OR ".join(f"instr(lower(f.{c}), ?) > 0" for c in _FTS_COLUMNS)
        parts.append(f"EXISTS (SELECT 1 FROM customer_fts AS f WHERE f.rowid = {key} AND ({check}))")
        args += [q] * len(_FTS_COLUMNS)
    if pinyin.is_pinyin_query(q):
        parts.append("instr(' ' || kjtui_pinyin_tokens((SELECT p.syllables FROM customer_pinyin "
                     f"AS p WHERE p.key = {key})), ?) > 0")
        args.append(" " + pinyin.query_text(q))
    return "(" + " OR ".join(parts) + ")", args


def _conditions(ws: list[str], key: str) -> tuple[str, list]:
    sql, args = [], []
    for w in ws:
        s, a = _condition(w, key)
        sql.append(s)
        args += a
    return " AND ".join(sql), args


def _count(db, source: _Source, cap: int) -> int:
    return db.execute_sql(f"SELECT count(*) FROM ({source.sql} LIMIT ?) AS capped",
                          [*source.args, cap]).fetchone()[0]


def _rarest(db, ws: list[str]) -> str:
    """The word with the fewest matches. Counted longest first (a long word is usually the
    rarer), each only as far as it takes to lose to the rarest so far."""
    best, fewest = ws[0], COUNT_CAP + 1
    for w in sorted(ws, key=len, reverse=True):
        n = 0
        for source in _sqlite_sources(w):
            n += _count(db, source, fewest - n)
            if n >= fewest:
                break
        if n < fewest:
            best, fewest = w, n
    return best


def _page(db, keys: str, args: list, order: str, skip: int, n: int) -> list[CustomerRow]:
    """Rows `skip` to `skip + n` of a part (`keys` selecting its keys in `order`)."""
    if n <= 0:
        return []
    return _rows(db.execute_sql(
        f"SELECT {_COLUMNS} FROM ({keys} ORDER BY {order} LIMIT ? OFFSET ?)"
        " AS m JOIN customer_search_key AS k ON k.key = m.key "
        "JOIN customer AS c ON c.id = k.customer_id "
        f"LEFT JOIN township AS t ON t.id = c.township_id ORDER BY m.{order}",
        [*args, n, skip],
    ))


def _checked_part(db, part: _Source, checked: list[str], bound: int, skip: int,
                  n: int) -> tuple[int, list[CustomerRow], bool]:
    """(how many of the part's first `bound` rows match every word of `checked`, rows `skip`
    to `skip + n` of those that do, whether the part has more than `bound` rows). One pass:
    the keys that match, then the page's rows by key."""
    cond, args = _conditions(checked, "d.key")
    keys = [r[0] for r in db.execute_sql(
        f"SELECT d.key FROM ({part.sql} ORDER BY {part.order} LIMIT ?) AS d WHERE {cond}",
        [*part.args, bound, *args]).fetchall()]
    more = _count(db, part, bound + 1) > bound
    page = keys[skip:skip + n] if n > 0 else []
    if more and len(page) < n:
        # The page goes past the rows counted: read on through the whole part (what paging
        # there costs).
        cond, args = _conditions(checked, part.key)
        return len(keys), _page(db, f"{part.sql} AND {cond}", [*part.args, *args],
                                part.order, skip, n), more
    if not page:
        return len(keys), [], more
    marks = ", ".join("?" * len(page))
    by_key = {r[-1]: CustomerRow(*r[:8], bool(r[8])) for r in db.execute_sql(
        f"SELECT {_COLUMNS}, k.key FROM customer_search_key AS k "
        "JOIN customer AS c ON c.id = k.customer_id "
        f"LEFT JOIN township AS t ON t.id = c.township_id WHERE k.key IN ({marks})", page)}
    return len(keys), [by_key[k] for k in page if k in by_key], more


def search(query: str, offset: int = 0, limit: int = PAGE,
           manager_id: str | None = None) -> SearchPage:
    """One page of the customers matching every word of `query` (all customers, or only the
    manager's own with `manager_id`), and how many match (up to COUNT_CAP)."""
    q = normalize(query)
    ws = words(q)
    offset = max(0, offset)
    db = database.obj
    if not is_sqlite(db):
        return _search_ilike(db, q, ws, offset, limit, manager_id)
    # The parts to read, the words each row of them is checked for, and how far a count reads.
    scan = 0
    if manager_id is not None:
        parts, checked = [_mine(manager_id)], ws  # a hundred-odd rows: check each for every word
    elif not ws:
        parts, checked = [_EVERYONE], []  # everyone, in licence order, from the covering index
    elif len(ws) == 1:
        parts, checked = _sqlite_sources(ws[0]), []
    else:
        rarest = _rarest(db, ws)
        parts, checked = _sqlite_sources(rarest), [w for w in ws if w != rarest]
        scan = SCAN_CAP
    rows: list[CustomerRow] = []
    total, skip, capped = 0, offset, False
    for part in parts:
        if total > COUNT_CAP and len(rows) >= limit:
            break  # the page is full and the count is past the cap: nothing more to learn
        if checked:
            n, got, more = _checked_part(db, part, checked, scan or COUNT_CAP, skip,
                                         limit - len(rows))
            capped |= more
        else:
            n = _count(db, part, COUNT_CAP + 1)
            got = _page(db, part.sql, part.args, part.order, skip, limit - len(rows)) \
                if len(rows) < limit and skip < n else []
        total += n
        rows += got
        skip = max(0, skip - n)
    seen: set[str] = set()
    rows = [r for r in rows if not (r.id in seen or seen.add(r.id))]  # a row in two parts
    if capped:
        total = max(total, offset + len(rows))  # "at least": at least what the page shows
    capped = capped or total > COUNT_CAP
    return SearchPage(q, offset, rows, min(total, COUNT_CAP), capped)


def _search_ilike(db, q: str, ws: list[str], offset: int, limit: int,
                  manager_id: str | None) -> SearchPage:
    search_index.refresh_pg_pinyin(db)
    where, args = ["c.deleted = false"], []
    if manager_id is not None:
        where.append("c.manager_id = %s")
        args.append(manager_id)
    for w in ws:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", w) + "%"
        cols = ["c.shop_name", "c.owner_name", "c.licence_no", "c.phone", "t.name"]
        match = [f"{col} ILIKE %s" for col in cols]
        args += [pattern] * len(cols)
        if pinyin.is_pinyin_query(w):
            match.append("(' ' || p.tokens) LIKE %s")  # a token that starts with the word
            args.append("% " + pinyin.query_text(w) + "%")
        where.append("(" + " OR ".join(match) + ")")
    base = (
        "FROM customer AS c LEFT JOIN township AS t ON t.id = c.township_id "
        "LEFT JOIN customer_pinyin AS p ON p.customer_id = c.id WHERE " + " AND ".join(where)
    )
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
    once after it — at 400,000 customers about 50 s instead of 170–360 s row by row, and the
    pinyin about 45 s more. On PostgreSQL the pinyin of what was written is spelt at the end."""
    db = database.obj
    if not is_sqlite(db):
        yield
        db.execute_sql(search_index.PG_REQUEUE)  # in case the loader set the triggers aside
        search_index.refresh_pg_pinyin(db)
        return
    m = search_index
    with db.atomic():
        for name in (*m.TRIGGERS, *m.PINYIN_TRIGGERS):
            db.execute_sql(f'DROP TRIGGER "{name}"')
        yield
        for table in ("customer_gram", "customer_fts", "customer_search_key"):
            db.execute_sql(f"DELETE FROM {table}")
        for statement in (m.pinyin_clear_statements() + m.backfill_statements()
                          + m.pinyin_backfill_statements() + m.trigger_statements()
                          + m.pinyin_trigger_statements()):
            db.execute_sql(statement)


def find_customers(text: str, limit: int = 20) -> list[CustomerRow]:
    """Active customers for a visit off the route (licence prefix, names, phone, township; one
    or two characters too)."""
    if not text.strip():
        return []
    return [r for r in search(text, limit=limit).rows if r.active]


def find_many(text: str) -> list[CustomerRow]:
    """The customers a text names (a page of them), to pick one from when find_one finds
    several."""
    if not text.strip():
        return []
    return search(text).rows


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
