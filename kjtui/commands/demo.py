"""`kjtui demo`: build the deterministic demo county (kjtui.services.demo), then open it."""

from __future__ import annotations

import time
from datetime import date

from kjtui import i18n
from kjtui.cli import add_common
from kjtui.exception import KjtuiError

SCALES = ("county", "province")  # and a hidden "tiny" for fast tests
HIDDEN = ("tiny", "tiny-province")  # tests and the quick benchmark


def register(sub) -> None:
    p = sub.add_parser("demo", help=i18n.t("cli.cmd.demo"))
    add_common(p)
    p.add_argument("--seed", type=int, default=1, metavar="N", help=i18n.t("demo.opt.seed"))
    p.add_argument("--scale", default="county", metavar="county|province",
                   help=i18n.t("demo.opt.scale"))
    p.add_argument("--no-open", action="store_true", help=i18n.t("demo.opt.no_open"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=i18n.t("demo.opt.today"))
    p.add_argument("--force", action="store_true", help=i18n.t("demo.opt.force"))
    p.set_defaults(func=run)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KjtuiError("demo.bad_today", value=text) from None


def _sqlite_has_records(path) -> bool:
    """Look without writing, so a refused file is left exactly as it was."""
    from kjtui.dbfile import SCHEMA_TABLE, peek, tables_of
    from kjtui.exception import DatabaseError
    from kjtui.models import SYNCED

    with peek(path) as con:
        tables = tables_of(con)
        if tables and SCHEMA_TABLE not in tables:
            raise DatabaseError("db.not_kjtui", path=str(path))
        return any(
            con.execute(f'SELECT 1 FROM "{m._meta.table_name}" LIMIT 1').fetchone()
            for m in SYNCED if m._meta.table_name in tables
        )


def _demo_built(path) -> str | None:
    """The "scale:seed" of the demo a SQLite file holds, read without writing."""
    from kjtui.dbfile import peek, tables_of

    with peek(path) as con:
        if "setting" not in tables_of(con):
            return None
        row = con.execute("SELECT value FROM setting WHERE key = 'demo'").fetchone()
    return row[0] if row else None


def _prepare(url: str, force: bool, built: str) -> bool | None:
    """Refuse a database holding data (unless --force). Returns True for a new SQLite file,
    None when it already holds this very demo (it is opened as it is)."""
    from kjtui.models import connect
    from kjtui.models.db import check_sqlite_target, sqlite_path
    from kjtui.models.migrations import check_readable
    from kjtui.services import demo

    path = sqlite_path(url)
    if path is None:  # a server database: check and wipe through the connection
        connect(url)
        if not demo.is_empty():
            if not force:
                raise KjtuiError("demo.not_empty", path=url)
            demo.wipe()
        return False
    check_sqlite_target(path, create=True)
    if path.exists() and path.stat().st_size:
        if _sqlite_has_records(path):  # never touches a file that is not ours
            if not force and _demo_built(path) == built:
                return None
            if not force:
                raise KjtuiError("demo.not_empty", path=str(path))
            check_readable(path)  # a newer kjtui's notebook is not ours to delete either
            for extra in (path, path.with_name(path.name + "-wal"),
                          path.with_name(path.name + "-shm")):
                extra.unlink(missing_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    connect(url)
    return new


def run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from kjtui.models import database, resolve_url
    from kjtui.models.db import bulk_writes, sqlite_path
    from kjtui.services import demo, session, settings

    if args.scale not in (*SCALES, *HIDDEN):
        raise KjtuiError("demo.bad_scale", scale=args.scale)
    today = _day(args.today)
    url = resolve_url(args.db)
    built = f"{args.scale}:{args.seed}" + (f":{today.isoformat()}" if today else "")
    new_file = _prepare(url, args.force, built)
    if new_file is None:  # running the README's first line again opens the same county
        path = sqlite_path(url)
        print(i18n.t("demo.exists_no_open" if args.no_open else "demo.exists", path=path))
        print(i18n.t("demo.pins"))
        return 0 if args.no_open else _open(url, args.lang)
    db = database.obj
    started = time.perf_counter()
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=not console.is_terminal) as bar:
        tasks: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(i18n.t(f"demo.step.{step}"), total=total)
            bar.update(tasks[step], completed=done, total=total)

        with bulk_writes(new_file=bool(new_file)):
            summary = demo.build(seed=args.seed, scale=args.scale, today=today, progress=progress)
    seconds = time.perf_counter() - started
    print(i18n.t("demo.done", path=db.database, customers=summary.customers,
                 managers=summary.managers, rows=summary.rows, seconds=seconds))
    print(i18n.t("demo.pins"))
    if summary.first_stationed:
        session.sign_in(summary.first_stationed)
    settings.put("demo", built)
    if args.no_open:
        return 0
    return _open(url, args.lang)


def _open(url: str, lang: str) -> int:
    from kjtui.app import KjtuiApp
    from kjtui.models import connect

    connect(url)
    KjtuiApp(db_url=url, lang=lang).run()
    return 0
