"""The customer search index (SQLite; PostgreSQL searches with ILIKE): its tables, the triggers
that keep it right, and the backfill. Migration 0005 creates the names' index, migration 0008
the pinyin index; kjtui.services.search.bulk_load sets the triggers aside while a loader writes
many customers and rebuilds the index once.

Three structures, all kept right by triggers on customer (and township), so a master-data import
that writes rows directly (not through a service) is indexed too:

- customer_fts: FTS5 trigram over shop name, owner, phone and township name, for queries of
  three characters or more (substring match in any of those fields). Not the licence number:
  its leading trigrams (the region code) are in every row, and a phrase made of them costs
  FTS5 20 ms at 400k; licence numbers are found by prefix on their unique index instead.
- customer_gram: postings (gram -> key) for queries of one or two characters, which FTS5 trigram
  cannot answer: every character and every pair of adjacent characters of the shop name, owner
  and township name, and the first one and two digits of licence and phone.
- customer_pinyin and customer_pinyin_fts: shop and owner names in pinyin (below).

All are keyed by customer_search_key.key, an INTEGER PRIMARY KEY of our own: the customer
table's implicit rowid may change on VACUUM, ours never does. The triggers of 0005 are plain
SQL, those of 0008 call two SQL functions kjtui registers on its connections (below).
The statements of 0005 are what migration 0005 runs: never change what they create.
"""

from __future__ import annotations

# The longest field that gets grams is shop_name (80).
MAX_LEN = 80


def gram_select(src: str) -> str:
    """SELECT (g, key) of every gram of the rows of `src` (columns key, shop, owner, town,
    licence, phone). `src` is repeated inline: SQLite triggers do not allow WITH."""
    names = " UNION ALL ".join(
        f"SELECT key, {col} AS v FROM ({src})" for col in ("shop", "owner", "town")
    )
    prefixes = " UNION ALL ".join(
        f"SELECT lower(substr({col}, 1, {w})) AS g, key FROM ({src})"
        for col in ("licence", "phone")
        for w in (1, 2)
    )
    return (
        "SELECT g, key FROM ("
        f"SELECT lower(substr(f.v, s.n, w.w)) AS g, f.key AS key FROM ({names}) AS f "
        "JOIN search_seq AS s ON s.n <= length(f.v) "
        "JOIN (SELECT 1 AS w UNION ALL SELECT 2) AS w ON s.n + w.w - 1 <= length(f.v) "
        f"UNION ALL {prefixes}"
        ") WHERE length(g) > 0 AND instr(g, ' ') = 0"
    )


def _src(ref: str, where: str = "1") -> str:
    """One row of `ref` (NEW or OLD) as a search source."""
    return (
        f"SELECT (SELECT key FROM customer_search_key WHERE customer_id = {ref}.id) AS key, "
        f"{ref}.shop_name AS shop, {ref}.owner_name AS owner, "
        f"coalesce((SELECT name FROM township WHERE id = {ref}.township_id), '') AS town, "
        f"{ref}.licence_no AS licence, {ref}.phone AS phone WHERE {where}"
    )


def _index(src: str) -> list[str]:
    return [
        "INSERT INTO customer_fts (rowid, shop_name, owner_name, phone, township) "
        f"SELECT key, shop, owner, phone, town FROM ({src})",
        f"INSERT OR IGNORE INTO customer_gram (gram, key) {gram_select(src)}",
    ]


def _unindex(src: str, key: str) -> list[str]:
    # Deleting the grams the old values produced needs no index on key: (gram, key) is the PK.
    return [
        f"DELETE FROM customer_fts WHERE rowid = {key}",
        f"DELETE FROM customer_gram WHERE (gram, key) IN ({gram_select(src)})",
    ]


def _trigger(name: str, when: str, body: list[str]) -> str:
    return f'CREATE TRIGGER "{name}" {when} BEGIN ' + "; ".join(body) + "; END"


def _key_of(ref: str) -> str:
    return f"(SELECT key FROM customer_search_key WHERE customer_id = {ref}.id)"


TRIGGERS = ("customer_search_ai", "customer_search_au", "customer_search_ad", "township_search_au")


def table_statements() -> list[str]:
    return [
        # licence_no here (NULL when deleted): its index gives (licence, key) for a prefix
        # without touching the customer table, whose rows are scattered by UUID.
        "CREATE TABLE customer_search_key (key INTEGER PRIMARY KEY, "
        "customer_id VARCHAR(32) NOT NULL UNIQUE, licence_no VARCHAR(20))",
        "CREATE INDEX customer_search_key_licence ON customer_search_key (licence_no)",
        "CREATE VIRTUAL TABLE customer_fts USING fts5("
        "shop_name, owner_name, phone, township, tokenize = 'trigram')",
        "CREATE TABLE customer_gram (gram TEXT NOT NULL, key INTEGER NOT NULL, "
        "PRIMARY KEY (gram, key)) WITHOUT ROWID",
        "CREATE TABLE search_seq (n INTEGER PRIMARY KEY)",
        "INSERT INTO search_seq (n) VALUES " + ", ".join(f"({i})" for i in range(1, MAX_LEN + 1)),
    ]


def sqlite_statements() -> list[str]:
    return table_statements() + trigger_statements()


def trigger_statements() -> list[str]:
    """The triggers that keep the index right (kjtui.services.search.bulk_load sets them
    aside while a loader writes many customers)."""
    new, old = _src("NEW", "NEW.deleted = 0"), _src("OLD", "OLD.deleted = 0")
    add_key = (
        "INSERT INTO customer_search_key (customer_id, licence_no) "
        "VALUES (NEW.id, CASE WHEN NEW.deleted = 0 THEN NEW.licence_no END) "
        "ON CONFLICT (customer_id) DO UPDATE SET licence_no = excluded.licence_no"
    )
    fields = "shop_name, owner_name, licence_no, phone, township_id, deleted"
    town_src = (
        "SELECT k.key AS key, c.shop_name AS shop, c.owner_name AS owner, {town} AS town, "
        "c.licence_no AS licence, c.phone AS phone FROM customer AS c "
        "JOIN customer_search_key AS k ON k.customer_id = c.id "
        "WHERE c.township_id = NEW.id AND c.deleted = 0"
    )
    town_old, town_new = town_src.format(town="OLD.name"), town_src.format(town="NEW.name")
    return [
        _trigger("customer_search_ai", "AFTER INSERT ON customer", [add_key, *_index(new)]),
        _trigger(
            "customer_search_au", f"AFTER UPDATE OF {fields} ON customer",
            [*_unindex(old, _key_of("OLD")), add_key, *_index(new)],
        ),
        _trigger(
            "customer_search_ad", "AFTER DELETE ON customer",
            [*_unindex(old, _key_of("OLD")),
             "DELETE FROM customer_search_key WHERE customer_id = OLD.id"],
        ),
        _trigger(
            "township_search_au", "AFTER UPDATE OF name ON township WHEN OLD.name <> NEW.name",
            [
                f"DELETE FROM customer_gram WHERE (gram, key) IN ({gram_select(town_old)})",
                "UPDATE customer_fts SET township = NEW.name WHERE rowid IN "
                f"(SELECT key FROM ({town_new}))",
                f"INSERT OR IGNORE INTO customer_gram (gram, key) {gram_select(town_new)}",
            ],
        ),
    ]


def backfill_statements() -> list[str]:
    """Index the customers a notebook already holds (in licence order, so pages read well).
    The rows are gathered once into a temporary table and the grams inserted in index order:
    a hub's 400,000 customers take about 50 s this way, 170 s through the trigger's query."""
    return [
        "INSERT INTO customer_search_key (customer_id, licence_no) "
        "SELECT id, licence_no FROM customer WHERE deleted = 0 ORDER BY licence_no",
        "CREATE TEMP TABLE search_src AS SELECT k.key AS key, c.shop_name AS shop, "
        "c.owner_name AS owner, coalesce(t.name, '') AS town, c.licence_no AS licence, "
        "c.phone AS phone FROM customer AS c JOIN customer_search_key AS k "
        "ON k.customer_id = c.id LEFT JOIN township AS t ON t.id = c.township_id",
        "INSERT INTO customer_fts (rowid, shop_name, owner_name, phone, township) "
        "SELECT key, shop, owner, phone, town FROM search_src ORDER BY key",
        "INSERT OR IGNORE INTO customer_gram (gram, key) SELECT g, key FROM "
        f"({gram_select('SELECT * FROM search_src')}) ORDER BY g, key",
        "DROP TABLE temp.search_src",
    ]


# --- pinyin (migration 0008) ------------------------------------------------------------------
#
# A customer's names in pinyin (kjtui.models.pinyin): customer_pinyin holds the syllables read
# by pypinyin (key -> "wan/mo fu shang dian|zhang hong/gong mei"), customer_pinyin_fts the
# tokens spelt from them, each full and initials spelling from each syllable on; a query of
# letters is a token prefix ("wanfu"*), answered by FTS5's prefix indexes up to six letters,
# in key order like the other sources. Contentless and without positions: 70 MB at 422,200
# customers where a trigram index of the same spellings takes 210 MB and is slower.
#
# pypinyin is Python, so the triggers call it through two SQL functions that
# kjtui.models.db.open_database registers on every connection kjtui opens: kjtui_pinyin(shop,
# owner) -> syllables and kjtui_pinyin_tokens(syllables) -> tokens. The choice, against a
# column kept by the write path: a master-data import or a sync writes customer rows directly,
# and the triggers index them in the same transaction whoever wrote them; a connection without
# the functions (a foreign tool) cannot change a customer's names at all ("no such function"),
# so the index is never silently wrong. Taking a customer out reads the syllables stored, so it
# takes out exactly the tokens that went in, whatever pypinyin reads today.
#
# The triggers do not rely on firing after 0005's: each makes sure the customer has its key,
# and a deletion is handled BEFORE the row (and 0005's key) goes.

PINYIN_TRIGGERS = ("customer_pinyin_ai", "customer_pinyin_au", "customer_pinyin_bd")


def pinyin_table_statements() -> list[str]:
    # Not columnsize=0: a contentless table without it refuses a plain SELECT *, which any
    # tool reading every table (a dump, a comparison) does.
    return [
        "CREATE TABLE customer_pinyin (key INTEGER PRIMARY KEY, syllables TEXT NOT NULL)",
        "CREATE VIRTUAL TABLE customer_pinyin_fts USING fts5(tokens, content='', "
        "detail=none, tokenize='ascii', prefix='1 2 3 4 5 6')",
    ]


def _pinyin_index(ref: str) -> list[str]:
    key = _key_of(ref)
    return [
        "INSERT INTO customer_pinyin (key, syllables) "
        f"SELECT {key}, kjtui_pinyin({ref}.shop_name, {ref}.owner_name) WHERE {ref}.deleted = 0",
        "INSERT INTO customer_pinyin_fts (rowid, tokens) "
        f"SELECT key, kjtui_pinyin_tokens(syllables) FROM customer_pinyin WHERE key = {key}",
    ]


def _pinyin_unindex(ref: str) -> list[str]:
    key = _key_of(ref)
    return [
        "INSERT INTO customer_pinyin_fts (customer_pinyin_fts, rowid, tokens) "
        f"SELECT 'delete', key, kjtui_pinyin_tokens(syllables) FROM customer_pinyin WHERE key = {key}",
        f"DELETE FROM customer_pinyin WHERE key = {key}",
    ]


def pinyin_trigger_statements() -> list[str]:
    ensure_key = (
        "INSERT INTO customer_search_key (customer_id, licence_no) "
        "VALUES (NEW.id, CASE WHEN NEW.deleted = 0 THEN NEW.licence_no END) "
        "ON CONFLICT (customer_id) DO NOTHING"
    )
    changed = ("OLD.shop_name IS NOT NEW.shop_name OR OLD.owner_name IS NOT NEW.owner_name "
               "OR OLD.deleted IS NOT NEW.deleted")
    return [
        _trigger("customer_pinyin_ai", "AFTER INSERT ON customer",
                 [ensure_key, *_pinyin_index("NEW")]),
        _trigger("customer_pinyin_au",
                 f"AFTER UPDATE OF shop_name, owner_name, deleted ON customer WHEN {changed}",
                 [*_pinyin_unindex("OLD"), ensure_key, *_pinyin_index("NEW")]),
        _trigger("customer_pinyin_bd", "BEFORE DELETE ON customer", _pinyin_unindex("OLD")),
    ]


def pinyin_backfill_statements() -> list[str]:
    """Spell the customers that have a search key (0005's backfill or bulk_load made them)."""
    return [
        "INSERT INTO customer_pinyin (key, syllables) "
        "SELECT k.key, kjtui_pinyin(c.shop_name, c.owner_name) FROM customer_search_key AS k "
        "JOIN customer AS c ON c.id = k.customer_id WHERE c.deleted = 0 ORDER BY k.key",
        "INSERT INTO customer_pinyin_fts (rowid, tokens) "
        "SELECT key, kjtui_pinyin_tokens(syllables) FROM customer_pinyin ORDER BY key",
    ]


def pinyin_clear_statements() -> list[str]:
    return ["DELETE FROM customer_pinyin",
            "INSERT INTO customer_pinyin_fts (customer_pinyin_fts) VALUES ('delete-all')"]


# PostgreSQL: the tokens in a side table, searched with LIKE. PostgreSQL cannot run pypinyin in
# a trigger, so its triggers (plain PL/pgSQL) only queue the customers whose names were written,
# by whatever wrote them; refresh_pg_pinyin() spells the queue before every search and at the
# end of a bulk load. The queue is empty but for the moments after a write: checking it is one
# index probe.

def pg_pinyin_statements() -> list[str]:
    return [
        # The names spelt are kept beside the tokens, so that a load that went around the
        # triggers is found out (pg_requeue_statement).
        "CREATE TABLE customer_pinyin (customer_id VARCHAR(32) NOT NULL PRIMARY KEY "
        "REFERENCES customer (id) ON DELETE CASCADE, shop_name VARCHAR(80) NOT NULL, "
        "owner_name VARCHAR(40) NOT NULL, tokens TEXT NOT NULL)",
        "CREATE TABLE customer_pinyin_stale (customer_id VARCHAR(32) NOT NULL PRIMARY KEY)",
        "CREATE FUNCTION kjtui_customer_pinyin_stale() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN INSERT INTO customer_pinyin_stale (customer_id) VALUES (NEW.id) "
        "ON CONFLICT DO NOTHING; RETURN NULL; END $$",
        "CREATE TRIGGER customer_pinyin_ai AFTER INSERT ON customer FOR EACH ROW "
        "EXECUTE FUNCTION kjtui_customer_pinyin_stale()",
        "CREATE TRIGGER customer_pinyin_au AFTER UPDATE OF shop_name, owner_name ON customer "
        "FOR EACH ROW WHEN (OLD.shop_name IS DISTINCT FROM NEW.shop_name "
        "OR OLD.owner_name IS DISTINCT FROM NEW.owner_name) "
        "EXECUTE FUNCTION kjtui_customer_pinyin_stale()",
        PG_REQUEUE,
    ]


# Every customer whose names are not the ones spelt: for the end of a bulk load, which may have
# set the triggers aside (session_replication_role = replica).
PG_REQUEUE = (
    "INSERT INTO customer_pinyin_stale (customer_id) SELECT c.id FROM customer AS c "
    "LEFT JOIN customer_pinyin AS p ON p.customer_id = c.id WHERE p.customer_id IS NULL "
    "OR p.shop_name <> c.shop_name OR p.owner_name <> c.owner_name ON CONFLICT DO NOTHING"
)


def refresh_pg_pinyin(db, batch: int = 5000) -> int:
    """Spell the customers queued since the last refresh; how many were spelt."""
    from kjtui.models.pinyin import syllables, tokens

    if db.execute_sql("SELECT 1 FROM customer_pinyin_stale LIMIT 1").fetchone() is None:
        return 0
    done = 0
    with db.atomic():
        while True:
            # SKIP LOCKED: two searches at once each take their own part of the queue.
            ids = [r[0] for r in db.execute_sql(
                "DELETE FROM customer_pinyin_stale WHERE customer_id IN (SELECT customer_id "
                "FROM customer_pinyin_stale LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING customer_id",
                [batch]).fetchall()]
            if not ids:
                return done
            rows = db.execute_sql(
                "SELECT id, shop_name, owner_name FROM customer WHERE id = ANY(%s)", [ids]
            ).fetchall()
            cursor = db.cursor()
            cursor.executemany(
                "INSERT INTO customer_pinyin (customer_id, shop_name, owner_name, tokens) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (customer_id) DO UPDATE SET "
                "shop_name = excluded.shop_name, owner_name = excluded.owner_name, "
                "tokens = excluded.tokens",
                [(cid, shop, owner, tokens(syllables(shop, owner))) for cid, shop, owner in rows],
            )
            done += len(rows)
