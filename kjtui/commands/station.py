"""`kjtui station join FILE`: a new (or replaced) laptop becomes a manager's station."""

from __future__ import annotations

from kjtui import i18n
from kjtui.cli import add_common


def register(sub) -> None:
    p = sub.add_parser("station", help=i18n.t("cli.cmd.station"))
    add_common(p)
    s = p.add_subparsers(dest="station_command", metavar="ACTION", required=True)
    j = s.add_parser("join", help=i18n.t("cli.station.join"))
    add_common(j)
    j.add_argument("file", metavar="FILE")
    j.set_defaults(func=run_join)


def run_join(args) -> int:
    from kjtui.commands.sync import guarded
    from kjtui.models import connect, resolve_url
    from sync import bundle, enroll

    data = guarded(bundle.read_file, args.file)
    guarded(enroll.read_enrollment, data)  # refuse a bad file before a database is created
    connect(resolve_url(args.db))
    done = guarded(enroll.join, data)
    print(i18n.t("station.joined", node=done["node"], inc=done["incarnation"], n=done["records"]))
    return 0
