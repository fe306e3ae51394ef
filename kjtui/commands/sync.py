"""`kjtui sync export|import|push|status`: bundles through a folder (USB stick, shared folder)
or over HTTP to the hub (push)."""

from __future__ import annotations

import errno
import json
import os
import sys

from kjtui import i18n
from kjtui.cli import add_common
from kjtui.exception import BundleError, KjtuiError


def register(sub) -> None:
    p = sub.add_parser("sync", help=i18n.t("cli.cmd.sync"))
    add_common(p)
    s = p.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    e = s.add_parser("export", help=i18n.t("cli.sync.export"))
    add_common(e)
    e.add_argument("--out", required=True, metavar="DIR", help=i18n.t("cli.opt.out"))
    e.add_argument("--station", metavar="CODE", help=i18n.t("cli.opt.station"))
    e.set_defaults(func=run_export)
    i = s.add_parser("import", help=i18n.t("cli.sync.import"))
    add_common(i)
    i.add_argument("paths", nargs="+", metavar="FILE|DIR")
    i.add_argument("--reply", metavar="DIR", help=i18n.t("cli.opt.reply"))
    i.set_defaults(func=run_import)
    pu = s.add_parser("push", help=i18n.t("cli.sync.push"))
    add_common(pu)
    pu.add_argument("--hub", metavar="URL", help=i18n.t("cli.opt.hub_url"))
    pu.add_argument("--retries", type=int, default=3, metavar="N", help=i18n.t("cli.opt.retries"))
    pu.add_argument("--timeout", type=float, default=30.0, metavar="S",
                    help=i18n.t("cli.opt.timeout"))
    pu.set_defaults(func=run_push)
    st = s.add_parser("status", help=i18n.t("cli.sync.status"))
    add_common(st)
    st.add_argument("--json", action="store_true", help=i18n.t("cli.opt.json"))
    st.set_defaults(func=run_status)


def refusal(exc: BaseException) -> KjtuiError:
    """One refusal for any failure of a sync step (the database is rolled back by then)."""
    import peewee

    if isinstance(exc, KjtuiError):
        return exc
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return BundleError("bundle.disk_full")
    if isinstance(exc, peewee.OperationalError) and "full" in str(exc).lower():
        return BundleError("bundle.disk_full")
    if isinstance(exc, peewee.PeeweeException) or type(exc).__module__.startswith(
            ("sqlite3", "psycopg")):
        return BundleError("bundle.apply_failed", reason=str(exc).splitlines()[0] if str(exc) else
                           type(exc).__name__)
    if isinstance(exc, OSError):
        return BundleError("bundle.unreadable", path=exc.filename or "",
                           reason=exc.strerror or str(exc))
    raise exc


def guarded(fn, *args, **kwargs):
    import peewee

    try:
        return fn(*args, **kwargs)
    except KjtuiError:
        raise
    except (OSError, peewee.PeeweeException) as exc:
        raise refusal(exc) from exc
    except Exception as exc:  # sqlite3 / psycopg errors that peewee did not wrap
        if type(exc).__module__.startswith(("sqlite3", "psycopg")):
            raise refusal(exc) from exc
        raise


def _connect(args):
    from kjtui.models import connect, resolve_url

    connect(resolve_url(args.db), create=False)


def run_export(args) -> int:
    from sync import exporter

    _connect(args)
    for path in guarded(exporter.export, args.out, args.station):
        print(i18n.t("sync.exported", path=path))
    return 0


def _files(paths, me: str):
    from sync.bundle import SUFFIX

    for path in paths:
        if os.path.isdir(path):
            names = sorted(n for n in os.listdir(path)
                           if n.endswith(SUFFIX) and f"-to-{me}-" in n and not n.startswith("."))
            if not names:
                print(i18n.t("sync.nothing_found", path=path), file=sys.stderr)
            for n in names:
                yield os.path.join(path, n)
        else:
            yield path


def _say_skew(result) -> None:
    """Blame the clock that is wrong: the hub's is the county's reference, so a laptop told of
    a skew from the hub hears that its own clock is off; the hub hears of the station's."""
    from kjtui.models import HUB, SyncPeer

    peer = SyncPeer.get((SyncPeer.node == result.sender)
                        & (SyncPeer.incarnation == result.incarnation))
    days = round(peer.skew_ms / 86400000)
    if result.sender == HUB:
        print(i18n.t("sync.skew_here", days=-days))
    else:
        print(i18n.t("sync.skew", node=result.sender, days=days))


def run_import(args) -> int:
    from kjtui.models.journal import node_id
    from sync import bundle, importer

    _connect(args)
    failed = 0
    for path in list(_files(args.paths, node_id())):
        name = os.path.basename(path)
        try:
            data = guarded(bundle.read_file, path)
            result = guarded(importer.import_bytes, data)
        except KjtuiError as exc:
            failed += 1
            print(i18n.t("cli.error", message=i18n.t("sync.failed", file=name,
                                                      message=i18n.message(exc))),
                  file=sys.stderr)
            continue
        key = {"applied": "sync.imported", "parked": "sync.parked",
               "duplicate": "sync.duplicate", "acknowledged": "sync.acknowledged"}[result.status]
        print(i18n.t(key, file=name, sender=result.sender, first=result.first, last=result.last,
                     n=result.changes, ack=result.their_ack))
        if result.unparked:
            print(i18n.t("sync.unparked", n=result.unparked))
        if result.held:
            print(i18n.t("sync.held", n=len(result.held)))
        if result.skew_flagged:
            _say_skew(result)
        if result.reply:
            folder = args.reply or os.path.dirname(os.path.abspath(path))
            try:
                out = guarded(bundle.write_atomic, folder, *result.reply)
            except KjtuiError as exc:
                failed += 1
                print(i18n.t("cli.error", message=i18n.message(exc)), file=sys.stderr)
                continue
            print(i18n.t("sync.reply", path=out))
    return 2 if failed else 0


def run_push(args) -> int:
    """The outbox to the hub with a progress bar (on a terminal, on stderr, gone when done) and
    one line that sums it up."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kjtui.services import autosync
    from sync import client

    _connect(args)
    url = args.hub or autosync.hub_url()
    if not url:
        raise KjtuiError("push.no_hub")
    console = Console(stderr=True)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=console, transient=True, disable=not console.is_terminal)
    task = bar.add_task(i18n.t("push.progress"), total=None)

    def progress(start: int, done: int, top: int) -> None:
        bar.update(task, total=max(0, top - start), completed=max(0, done - start))

    with bar:
        pushed = guarded(client.push, url, retries=min(max(args.retries, 1), 10),
                         timeout=args.timeout, progress=progress)
    print(push_summary(pushed))
    held = sum(p.hub_held for p in pushed)
    if held:
        print(i18n.t("push.held", n=held))
    for p in pushed:
        if p.reply.skew_flagged:
            _say_skew(p.reply)
            break
    return 0


def push_summary(pushed) -> str:
    """One line for a whole push, however many bundles it took."""
    sent = [p for p in pushed if not p.empty]
    received = sum(p.reply.changes for p in pushed)
    if not sent:
        return i18n.t("push.nothing", n=received)
    last = sent[-1].hub_status
    status = i18n.t(f"push.status.{last}") if last else "?"
    first, top = min(p.first for p in sent), max(p.last for p in sent)
    return i18n.t("push.summary", n=top - first + 1, first=first, last=top, bundles=len(sent),
                  status=status, m=received)


def _ranges(rs) -> str:
    return ", ".join(f"{a}–{b}" for a, b in rs) if rs else i18n.t("status.none")


def run_status(args) -> int:
    from sync import status

    _connect(args)
    s = guarded(status.status)
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=2, sort_keys=True))
        return 0
    print(f"{i18n.t('status.node')}: {s['node']}  {i18n.t('status.incarnation')}: {s['incarnation']}")

    def days(ms: int) -> str:
        return f"{ms / 86400000:+.1f} d"

    if "stations" in s:
        for p in s["stations"]:
            flags = []
            if p["revoked"]:
                flags.append(i18n.t("status.revoked"))
            elif p["replaced_at"]:
                flags.append(i18n.t("status.replaced"))
            if p["skew_flagged"]:
                flags.append(f"{i18n.t('status.flagged')} {days(p['skew_ms'])}")
            print(f"{i18n.t('status.station')} {p['node']}/{p['incarnation']}: "
                  f"{i18n.t('status.applied')} {p['applied_seq']}  "
                  f"{i18n.t('status.parked')} {_ranges(p['parked'])}  "
                  f"{i18n.t('status.missing')} {_ranges(p['missing_here'])}  "
                  f"{i18n.t('status.last')} {p['last_import_at'] or '—'}  {' '.join(flags)}")
        print(f"{i18n.t('status.proposals')}: {s['pending_proposals']}  "
              f"{i18n.t('status.conflicts')}: {s['conflicts']}")
        for code, n in sorted(s["held"].items()):
            print(i18n.t("status.held_at_hub", station=code, n=n))
        return 0
    hub = s["hub"]
    if hub is None:
        print(i18n.t("status.not_enrolled"))
        return 0
    print(f"{i18n.t('status.pending')}: {max(0, s['pending'])}")
    print(f"{i18n.t('status.hub_ack')}: {hub['their_ack']}")
    print(f"{i18n.t('status.hub_applied')}: {hub['applied_seq']}")
    print(f"{i18n.t('status.missing')}: {_ranges(hub['missing_there'])}")
    print(f"{i18n.t('status.last')}: {hub['last_import_at'] or '—'}")
    skew = days(hub["skew_ms"]) + (f"  {i18n.t('status.flagged')}" if hub["skew_flagged"] else "")
    print(f"{i18n.t('status.skew')}: {skew}")
    _print_at_county(s)
    return 0


def _print_at_county(s: dict) -> None:
    """What waits at the county for this laptop, and why; then what the county decided."""
    if not s["waiting"] and not s["rejected"]:
        print(i18n.t("status.nothing_waiting"))
        return
    if s["waiting"]:
        print(i18n.t("status.waiting", n=len(s["waiting"])))
        for w in s["waiting"]:
            print(f"  {w['table']} {w['record'][:12]} (seq {w['seq']}): "
                  f"{i18n.t(w['reason'], **w['params'])}")
        print("  " + i18n.t("status.waiting_hint"))
    if s["rejected"]:
        print(i18n.t("status.rejected", n=len(s["rejected"])))
        for w in s["rejected"]:
            note = f" — {w['note']}" if w["note"] else ""
            print(f"  {w['table']} {w['record'][:12]} (seq {w['seq']}): "
                  f"{i18n.t(w['reason'], **w['params'])}{note}")
