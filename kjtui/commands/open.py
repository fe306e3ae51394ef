"""`kjtui open` (also plain `kjtui`): the notebook on this laptop's database."""

from __future__ import annotations

from kjtui import i18n
from kjtui.cli import add_common


def register(sub) -> None:
    p = sub.add_parser("open", help=i18n.t("cli.cmd.open"))
    add_common(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from kjtui.dbfile import resolve_url, sqlite_only

    url = resolve_url(args.db)
    if url.startswith("sqlite"):
        sqlite_only()
    from kjtui.models import connect

    connect(url)  # refuses a bad path or database before the terminal is taken over
    from kjtui.app import KjtuiApp

    KjtuiApp(db_url=url, lang=args.lang).run()
    return 0
