"""`kjtui hub init|enroll|revoke|serve|conflicts|resolve|pin-resets|pin-reset|import`: the county office's
side of sync, and its decisions on customers' PIN resets."""

from __future__ import annotations

import json

from kjtui import i18n
from kjtui.cli import add_common
from kjtui.exception import KjtuiError


def register(sub) -> None:
    p = sub.add_parser("hub", help=i18n.t("cli.cmd.hub"))
    add_common(p)
    s = p.add_subparsers(dest="hub_command", metavar="ACTION", required=True)
    a = s.add_parser("init", help=i18n.t("cli.hub.init"))
    add_common(a)
    a.set_defaults(func=run_init)
    a = s.add_parser("enroll", help=i18n.t("cli.hub.enroll"))
    add_common(a)
    a.add_argument("--manager", required=True, metavar="CODE", help=i18n.t("cli.opt.manager"))
    a.add_argument("--out", required=True, metavar="DIR", help=i18n.t("cli.opt.out"))
    a.set_defaults(func=run_enroll)
    a = s.add_parser("revoke", help=i18n.t("cli.hub.revoke"))
    add_common(a)
    a.add_argument("--manager", required=True, metavar="CODE", help=i18n.t("cli.opt.manager"))
    a.add_argument("--incarnation", type=int, metavar="N", help=i18n.t("cli.opt.incarnation"))
    a.set_defaults(func=run_revoke)
    a = s.add_parser("unrevoke", help=i18n.t("cli.hub.unrevoke"))
    add_common(a)
    a.add_argument("--manager", required=True, metavar="CODE", help=i18n.t("cli.opt.manager"))
    a.add_argument("--incarnation", type=int, metavar="N", help=i18n.t("cli.opt.incarnation"))
    a.set_defaults(func=run_unrevoke)
    a = s.add_parser("serve", help=i18n.t("cli.hub.serve"))
    add_common(a)
    a.add_argument("--host", default="127.0.0.1", help=i18n.t("cli.opt.host"))
    a.add_argument("--port", type=int, default=8750, help=i18n.t("cli.opt.port"))
    a.set_defaults(func=run_serve)
    a = s.add_parser("reassign", help=i18n.t("cli.hub.reassign"))
    add_common(a)
    what = a.add_mutually_exclusive_group(required=True)
    what.add_argument("--customer", metavar="LICENCE", help=i18n.t("cli.opt.customer"))
    what.add_argument("--route", metavar="CODE", help=i18n.t("cli.opt.route"))
    a.add_argument("--to", required=True, metavar="CODE", help=i18n.t("cli.opt.to"))
    a.add_argument("--onto", metavar="ROUTE", help=i18n.t("cli.opt.route"))
    a.set_defaults(func=run_reassign)
    a = s.add_parser("conflicts", help=i18n.t("cli.hub.conflicts"))
    add_common(a)
    a.add_argument("--station", metavar="CODE", help=i18n.t("cli.opt.station"))
    a.add_argument("--json", action="store_true", help=i18n.t("cli.opt.json"))
    a.set_defaults(func=run_conflicts)
    a = s.add_parser("resolve", help=i18n.t("cli.hub.resolve"))
    add_common(a)
    a.add_argument("id", metavar="ID")
    how = a.add_mutually_exclusive_group(required=True)
    how.add_argument("--accept", action="store_true", help=i18n.t("cli.opt.accept"))
    how.add_argument("--reject", action="store_true", help=i18n.t("cli.opt.reject"))
    a.add_argument("--note", default="", help=i18n.t("cli.opt.note"))
    a.add_argument("--supervisor", metavar="CODE", help=i18n.t("cli.opt.supervisor"))
    # A decision names who made it: an administrator's account, with its password.
    a.add_argument("--account", required=True, metavar="NAME", help=i18n.t("cli.opt.account"))
    a.add_argument("--password-stdin", action="store_true", help=i18n.t("cli.opt.password_stdin"))
    a.set_defaults(func=run_resolve)
    a = s.add_parser("pin-resets", help=i18n.t("cli.hub.pin_resets"))
    add_common(a)
    a.add_argument("--json", action="store_true", help=i18n.t("cli.opt.json"))
    a.set_defaults(func=run_pin_resets)
    a = s.add_parser("pin-reset", help=i18n.t("cli.hub.pin_reset"))
    add_common(a)
    a.add_argument("id", metavar="ID")
    how = a.add_mutually_exclusive_group(required=True)
    how.add_argument("--approve", action="store_true", help=i18n.t("cli.opt.approve"))
    how.add_argument("--reject", action="store_true", help=i18n.t("cli.opt.reject"))
    a.add_argument("--note", default="", help=i18n.t("cli.opt.note"))
    a.add_argument("--supervisor", metavar="CODE", help=i18n.t("cli.opt.supervisor"))
    a.set_defaults(func=run_pin_reset)
    a = s.add_parser("import", help=i18n.t("cli.hub.import"))
    add_common(a)
    a.add_argument("folder", metavar="DIR")
    a.add_argument("--reply", metavar="DIR", help=i18n.t("cli.opt.reply_day"))
    a.set_defaults(func=run_import)


def _connect(args, create=False):
    from kjtui.models import connect, resolve_url

    connect(resolve_url(args.db), create=create)


def run_init(args) -> int:
    from kjtui.commands.sync import guarded
    from sync import enroll

    _connect(args, create=True)
    guarded(enroll.hub_init)
    print(i18n.t("hub.initialised"))
    return 0


def run_enroll(args) -> int:
    from kjtui.commands.sync import guarded
    from sync import enroll

    _connect(args)
    path = guarded(enroll.enroll, args.manager, args.out)
    peers = enroll.incarnations(args.manager)
    inc = peers[-1].incarnation
    print(i18n.t("hub.enrolled", code=args.manager, path=path, inc=inc))
    for p in peers[:-1]:
        if not p.revoked:
            print(i18n.t("hub.enroll_replaces", code=args.manager, old=p.incarnation, inc=inc))
    return 0


def run_revoke(args) -> int:
    from kjtui.commands.sync import guarded
    from sync import enroll

    _connect(args)
    incs = guarded(enroll.revoke, args.manager, args.incarnation)
    print(i18n.t("hub.revoked", code=args.manager, n=len(incs),
                 incs=", ".join(map(str, incs)) or "—"))
    return 0


def run_unrevoke(args) -> int:
    from kjtui.commands.sync import guarded
    from sync import enroll

    _connect(args)
    inc = guarded(enroll.unrevoke, args.manager, args.incarnation)
    print(i18n.t("hub.unrevoked", code=args.manager, inc=inc))
    return 0


def run_serve(args) -> int:
    from kjtui.commands.sync import guarded
    from kjtui.exception import BundleError
    from kjtui.models import HUB, database
    from kjtui.models.journal import node_id
    from sync import hub_server, node

    _connect(args)
    if node_id() != HUB:
        raise KjtuiError("hub.is_station", node=node_id())
    guarded(node.keys)  # an uninitialised hub refuses here, not at the first bundle
    lock = _one_server(database.obj)
    _check_port(args.host, args.port)
    print(i18n.t("hub.serving", host=args.host, port=args.port), flush=True)
    try:
        hub_server.serve(args.host, args.port)
    except BundleError as exc:
        raise KjtuiError(exc.key, **exc.params) from exc
    finally:
        if lock is not None:
            lock.close()
    return 0


def _one_server(db):
    """A SQLite hub is served by one process: its imports take turns inside it, and a second
    server would only queue on the file's write lock. Hold a lock file beside the database for
    as long as this server runs (the kernel drops it if the process dies); PostgreSQL needs
    none, its transactions decide (kjtui.models.db.serialize_writers)."""
    import fcntl

    import peewee

    if not isinstance(db, peewee.SqliteDatabase):
        return None
    fh = open(f"{db.database}.serve-lock", "a")  # held until the server stops
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise KjtuiError("hub.sqlite_one_server", path=db.database) from None
    return fh


def _check_port(host: str, port: int) -> None:
    """A port already taken is one sentence here, not a server log line and a bare exit 1."""
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise KjtuiError("hub.port_busy", host=host, port=port, reason=exc.strerror) from exc


def run_reassign(args) -> int:
    from kjtui.commands.sync import guarded
    from sync import handover

    _connect(args)
    if args.customer:
        done = [guarded(handover.reassign_customer, args.customer, args.to, args.onto)]
        what = args.customer
    else:
        done = guarded(handover.reassign_route, args.route, args.to)
        what = args.route
    print(i18n.t("hub.reassigned", what=what, old=done[0].from_station or "—", new=args.to,
                 n=len(done)))
    return 0


def _value(v) -> str:
    return "—" if v is None else repr(v)


def run_conflicts(args) -> int:
    from kjtui.commands.sync import guarded
    from sync import conflicts

    _connect(args)
    items = guarded(conflicts.pending, args.station)
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    if not items:
        print(i18n.t("hub.no_conflicts"))
    station = None
    for c in items:
        if c["station"] != station:
            station = c["station"]
            n = sum(1 for x in items if x["station"] == station)
            print(i18n.t("hub.conflicts_of", station=station or "—", n=n))
        if c["kind"] == "proposal":
            print(f"  {c['id'][:12]}  {i18n.t('hub.kind.proposal')}  {c['customer']} {c['shop']}  "
                  f"{c['field']}: {c['old']!r} → {c['new']!r}")
            if c["stale"]:
                print("      " + i18n.t("hub.county_now", value=repr(c["current"])))
        elif c["kind"] == "held":
            print(f"  {c['id'][:12]}  {i18n.t('hub.kind.held')}  {c['table']} {c['record'][:12]}  "
                  f"rev {c['rev']}  seq {c['seq']}: {i18n.t(c['reason'], **c['params'])}")
            shown = [ch for ch in c["changes"] if ch[0] not in ("owner", "rev", "deleted")
                     or ch[1] is not None]
            for col, old, new in shown[:8]:
                print(f"      {col}: {_value(old)} → {_value(new)}")
            if len(shown) > 8:
                print("      …")
            if not c["overridable"]:
                print("      " + i18n.t("hub.reject_only"))
        else:
            print(f"  {c['id'][:12]}  {c['kind']}  {c['table']} {c['record']}")
    return 0


def run_resolve(args) -> int:
    from kjtui.commands.account import signed
    from kjtui.commands.sync import guarded
    from kjtui.models import database
    from kjtui.services import accounts
    from sync import conflicts

    _connect(args)
    if not args.accept and not args.reject:
        raise KjtuiError("hub.no_such_conflict", id=args.id)
    who = signed(args, "admin")
    with database.atomic():  # the decision and who made it, or neither
        item = guarded(conflicts.resolve, args.id, args.accept, args.note, args.supervisor)
        accounts.record(who, item["kind"], item["id"], "accept" if args.accept else "reject",
                        args.note)
    key = "hub.resolved_accepted" if args.accept else "hub.resolved_rejected"
    print(i18n.t(key, id=item["id"], station=item["station"]))
    return 0


def run_pin_resets(args) -> int:
    """The customers whose PIN reset waits for the county: whom to phone (the licence holder)."""
    from kjtui.services import acknowledgement

    _connect(args)
    items = acknowledgement.pending_pin_resets()
    if args.json:
        print(json.dumps([{**r.__dict__, "requested_at": r.requested_at.isoformat()}
                          for r in items], ensure_ascii=False, indent=2))
        return 0
    if not items:
        print(i18n.t("hub.no_pin_resets"))
    for r in items:
        print(f"{r.id[:12]}  {r.station}  {r.licence_no} {r.shop_name}  {r.owner_name} "
              f"{r.phone}  {r.requested_at:%Y-%m-%d %H:%M}  {r.note}".rstrip())
    return 0


def run_pin_reset(args) -> int:
    from kjtui.services import acknowledgement

    _connect(args)
    r = acknowledgement.decide_pin_reset(args.id, args.approve, args.supervisor, args.note)
    key = "hub.pin_reset_approved" if args.approve else "hub.pin_reset_refused"
    print(i18n.t(key, shop=r.shop_name, licence=r.licence_no, station=r.station))
    return 0


def run_import(args) -> int:
    """Sync day: every bundle on the stick, a progress bar (on a terminal), a line per station,
    the refused files and why, the return bundles written back onto the stick."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kjtui.commands.sync import guarded
    from kjtui.services import sync_day

    _connect(args)
    console = Console(stderr=True)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[file]}"), console=console, transient=True,
                   disable=not console.is_terminal)
    task = bar.add_task(i18n.t("day.importing"), total=None, file="")
    with bar:
        day = guarded(sync_day.import_folder, args.folder, args.reply,
                      lambda done, total, name: bar.update(task, completed=done, total=total,
                                                           file=name))
    if not day.files:
        print(i18n.t("sync.nothing_found", path=args.folder))
    for line in sync_day_lines(day):
        print(line)
    return 2 if day.total("refused") else 0


def sync_day_lines(day) -> list[str]:
    from kjtui.display import held_reason

    lines = []
    for s in day.stations:
        lines.append(i18n.t("day.station", station=s.station or i18n.t("day.unknown"), bundles=s.bundles,
                            applied=s.applied, duplicate=s.duplicate, parked=s.parked,
                            records=s.records, held=s.held, conflicts=s.conflicts,
                            refused=len(s.refused)))
        for key, params in s.held_reasons[:3]:
            lines.append("  " + i18n.t("day.held_why", why=held_reason(key, params)))
        if s.missing:
            lines.append("  " + i18n.t("day.missing", ranges=", ".join(
                f"{a}–{b}" for a, b in s.missing)))
        for r in s.refused:
            why = i18n.t(r.key, **r.params)
            lines.append("  " + (i18n.t("sync.failed", file=r.file, message=why) if r.file
                                 else why))
        for path in s.returned:
            lines.append("  " + i18n.t("sync.reply", path=path))
    lines.append(i18n.t("day.total", files=day.files, stations=sum(1 for s in day.stations if s.station),
                        applied=day.total("applied"), duplicate=day.total("duplicate"),
                        parked=day.total("parked"), refused=day.total("refused")))
    return lines
