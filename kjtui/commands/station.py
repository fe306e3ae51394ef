"""`kjtui station join FILE`: a new (or replaced) laptop becomes a manager's station.
`kjtui station hub [URL | --off]`: the county hub's address, where the notebook syncs by itself."""

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
    h = s.add_parser("hub", help=i18n.t("cli.station.hub"))
    add_common(h)
    h.add_argument("url", nargs="?", metavar="URL", help=i18n.t("cli.opt.hub_url"))
    h.add_argument("--off", action="store_true", help=i18n.t("cli.opt.hub_off"))
    h.set_defaults(func=run_hub)


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


def run_hub(args) -> int:
    from kjtui.commands.sync import guarded
    from kjtui.models import connect, resolve_url
    from kjtui.services import autosync

    connect(resolve_url(args.db), create=False)
    if args.off:
        guarded(autosync.set_hub_url, None)
        print(i18n.t("station.hub_off"))
    elif args.url:
        print(i18n.t("station.hub_set", url=guarded(autosync.set_hub_url, args.url)))
    else:
        url = autosync.hub_url()
        print(i18n.t("station.hub_is", url=url) if url else i18n.t("station.hub_none"))
    return 0
