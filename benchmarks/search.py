"""Customer search per keystroke at province scale (400,000 customers; county scale with
--quick: the tiny demo): the Customers screen calls search.search(text) with the whole text after each key,
so typing a query of six characters is six searches, of one to six characters. Queries are real
shop names and licence numbers drawn from the data, and as a manager without a Chinese input
method types them: the full pinyin of a name's first three characters letter by letter
(w, wa, wan, wanf, wanfu, ...) and the initials of its first four (w, wf, wfs, wfsd), each
in the commonest reading; two words (万福 商店: a name's first two characters, a space, its last
two), and a manager's own customers (the Customers screen's default) by name. Floor: one page
of the same columns read by raw sqlite3 from the same file with no condition (what showing a
page costs at the least)."""

from __future__ import annotations

import random
import sqlite3
import time

from benchmarks.core import Figure, median, need, percentile

BUDGET_MS = 15.0
LENGTHS = (1, 2, 3, 6)


def _queries(con, n: int, seed: int = 1) -> tuple[list[str], list[str]]:
    """`n` shop names of six characters or more, and `n` licence numbers, picked at random."""
    total = con.execute("SELECT max(rowid) FROM customer").fetchone()[0]
    rng = random.Random(seed)
    names, licences = [], []
    while len(names) < n or len(licences) < n:
        row = con.execute("SELECT shop_name, licence_no FROM customer WHERE rowid >= ? LIMIT 1",
                          (rng.randint(1, total),)).fetchone()
        if row is None:
            continue
        shop, licence = row
        if len(names) < n and len(shop.replace(" ", "")) >= 6:
            names.append(shop.replace(" ", "")[:6])
        if len(licences) < n:
            licences.append(licence)
    return names, licences


def _pinyin(names: list[str]) -> tuple[list[str], list[str]]:
    """Full pinyin of each name's first three characters, initials of its first four."""
    from pypinyin import Style, lazy_pinyin

    return ([_letters("".join(lazy_pinyin(n[:3]))) for n in names],
            [_letters("".join(lazy_pinyin(n[:4], style=Style.FIRST_LETTER))) for n in names])


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


def _own(con, n: int, seed: int = 2) -> tuple[str, list[str]]:
    """A manager with customers, and `n` of their shop names (their first four characters)."""
    mid = con.execute("SELECT manager_id FROM customer WHERE manager_id IS NOT NULL "
                      "GROUP BY manager_id ORDER BY count(*) DESC, manager_id LIMIT 1").fetchone()[0]
    shops = [r[0].replace(" ", "")[:4] for r in con.execute(
        "SELECT shop_name FROM customer WHERE manager_id = ? AND deleted = 0", (mid,))]
    return mid, random.Random(seed).sample(shops, min(n, len(shops)))


def _typed(search, texts: list[str], start: int = 1, **kw) -> list[float]:
    """Seconds of each keystroke typing each text, from its `start`-th character."""
    out = []
    for text in texts:
        for k in range(start, len(text) + 1):
            t0 = time.perf_counter()
            search.search(text[:k], **kw)
            out.append(time.perf_counter() - t0)
    return out


def _figure(name: str, xs: list[float], floor_p95: float, label: str) -> Figure:
    p95 = percentile(xs, 95) * 1000
    return Figure(name, p95, "ms", floor_p95, label, f"p95 ≤ {BUDGET_MS:g} ms", p95 <= BUDGET_MS,
                  f"p50 {median(xs) * 1000:.1f} ms, {len(xs)} keystrokes, "
                  f"worst {max(xs) * 1000:.1f} ms")


def run(ctx) -> list[Figure]:
    search = need("kjtui.services.search", "search", "PAGE", "words")
    from kjtui.models import close
    from kjtui.services import session

    path = ctx.demo(ctx.province)
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    count = raw.execute("SELECT count(*) FROM customer").fetchone()[0]
    names, licences = _queries(raw, 10 if ctx.quick else 60)
    full, initials = _pinyin(names)
    pairs = [f"{n[:2]} {n[-2:]}" for n in names]
    manager, own = _own(raw, 10 if ctx.quick else 60)
    floor_sql = (
        "SELECT c.id, c.licence_no, c.shop_name, c.owner_name, c.phone, coalesce(t.name, ''), "
        "c.retail_format, c.grade, c.active FROM customer AS c "
        "LEFT JOIN township AS t ON t.id = c.township_id ORDER BY c.licence_no LIMIT ? OFFSET ?"
    )
    floor = []
    for i in range(len(names) * 6):
        t0 = time.perf_counter()
        raw.execute(floor_sql, (search.PAGE, (i * 997) % max(1, count - search.PAGE)))\
            .fetchall()
        floor.append(time.perf_counter() - t0)
    raw.close()
    by_len: dict[int, list[float]] = {n: [] for n in range(1, 7)}
    by_digit: list[float] = []
    try:
        # A copy is not needed: search only reads (open_notebook may migrate: the cache is
        # built by the same version, so there is nothing to do).
        session.open_notebook("sqlite:///" + str(path))
        search.search(names[0][:1])  # warm the connection and the page cache once
        for text in names:
            for k in range(1, 7):
                t0 = time.perf_counter()
                search.search(text[:k])
                by_len[k].append(time.perf_counter() - t0)
        for text in licences:
            for k in range(1, len(text) + 1):
                t0 = time.perf_counter()
                search.search(text[:k])
                by_digit.append(time.perf_counter() - t0)
        by_full, by_initials = _typed(search, full), _typed(search, initials)
        by_pair = _typed(search, pairs, start=4)  # from the second word's first character
        by_own = _typed(search, own, manager_id=manager)
    finally:
        close()
    floor_p95 = percentile(floor, 95) * 1000
    label = f"raw page of {search.PAGE}, p95"
    figs = []
    where = f"{count:,} customers"
    for n in LENGTHS:
        xs = by_len[n]
        p95 = percentile(xs, 95) * 1000
        figs.append(Figure(f"search, {n} char{'s' if n > 1 else ''} typed ({where}), p95", p95,
                           "ms", floor_p95, label, f"p95 ≤ {BUDGET_MS:g} ms", p95 <= BUDGET_MS,
                           f"p50 {median(xs) * 1000:.1f} ms, {len(xs)} keystrokes"))
    p95 = percentile(by_digit, 95) * 1000
    figs.append(Figure(f"search, licence no. digit by digit ({where}), p95", p95, "ms",
                       floor_p95, label, f"p95 ≤ {BUDGET_MS:g} ms", p95 <= BUDGET_MS,
                       f"p50 {median(by_digit) * 1000:.1f} ms, {len(by_digit)} keystrokes, "
                       f"worst {max(by_digit) * 1000:.1f} ms"))
    figs.append(_figure(f"search, full pinyin letter by letter ({where}), p95", by_full,
                        floor_p95, label))
    figs.append(_figure(f"search, pinyin initials letter by letter ({where}), p95", by_initials,
                        floor_p95, label))
    figs.append(_figure(f"search, two words (万福 商店) ({where}), p95", by_pair, floor_p95,
                        label))
    figs.append(_figure(f"search, a manager's own customers by name ({where}), p95", by_own,
                        floor_p95, label))
    return figs
