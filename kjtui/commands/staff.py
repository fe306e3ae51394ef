"""`kjtui staff …`: the administrator's personnel work at the hub — candidates and the entry
gates (kjtui.services.entry), status changes with their history and the handover of a leaving
manager's customers and routes (kjtui.services.staff), whose laptop is then retired
(sync.enroll.revoke)."""

from __future__ import annotations

import json
from datetime import date

from kjtui import i18n
from kjtui.cli import add_common
from kjtui.exception import KjtuiError

STATUSES = ("standby", "transferred", "dismissed", "active")


def register(sub) -> None:
    p = sub.add_parser("staff", help=i18n.t("cli.cmd.staff"))
    add_common(p)
    s = p.add_subparsers(dest="staff_command", metavar="ACTION", required=True)

    a = s.add_parser("candidate", help=i18n.t("cli.staff.candidate"))
    add_common(a)
    a.add_argument("--kind", required=True, choices=("recruit", "transfer_in"))
    a.add_argument("--name", required=True)
    a.add_argument("--gender", required=True, metavar="男|女")
    a.add_argument("--birth", required=True, metavar="YYYY-MM-DD")
    a.add_argument("--education", required=True, metavar=i18n.t("cli.opt.education"))
    a.add_argument("--department", default="", help=i18n.t("cli.opt.department"))
    a.add_argument("--approved", action="store_true", help=i18n.t("cli.opt.approved"))
    a.add_argument("--model-worker", action="store_true", help=i18n.t("cli.opt.model_worker"))
    a.add_argument("--written", type=float, metavar="0-100")
    a.add_argument("--interview", type=float, metavar="0-100")
    a.add_argument("--phone", default="")
    a.add_argument("--on", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.on"))
    a.set_defaults(func=run_candidate)

    a = s.add_parser("scores", help=i18n.t("cli.staff.scores"))
    add_common(a)
    a.add_argument("id", metavar="ID")
    a.add_argument("--written", type=float, required=True, metavar="0-100")
    a.add_argument("--interview", type=float, required=True, metavar="0-100")
    a.set_defaults(func=run_scores)

    a = s.add_parser("candidates", help=i18n.t("cli.staff.candidates"))
    add_common(a)
    a.add_argument("--on", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.on"))
    a.add_argument("--json", action="store_true", help=i18n.t("cli.opt.json"))
    a.set_defaults(func=run_candidates)

    a = s.add_parser("admit", help=i18n.t("cli.staff.admit"))
    add_common(a)
    a.add_argument("id", metavar="ID")
    a.add_argument("--code", required=True, metavar="CODE", help=i18n.t("cli.opt.new_code"))
    a.add_argument("--by", required=True, metavar="CODE", help=i18n.t("cli.opt.supervisor"))
    a.add_argument("--post", metavar="CODE", help=i18n.t("cli.opt.post"))
    a.add_argument("--employment", choices=("regular", "contract"))
    a.add_argument("--on", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.on"))
    a.set_defaults(func=run_admit)

    a = s.add_parser("decline", help=i18n.t("cli.staff.decline"))
    add_common(a)
    a.add_argument("id", metavar="ID")
    a.add_argument("--by", required=True, metavar="CODE", help=i18n.t("cli.opt.supervisor"))
    a.add_argument("--reason", default="")
    a.add_argument("--on", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.on"))
    a.set_defaults(func=run_decline)

    a = s.add_parser("status", help=i18n.t("cli.staff.status"))
    add_common(a)
    a.add_argument("code", metavar="CODE")
    a.add_argument("status", choices=STATUSES)
    a.add_argument("--by", required=True, metavar="CODE", help=i18n.t("cli.opt.supervisor"))
    a.add_argument("--reason", default="")
    a.add_argument("--to", metavar="CODE", help=i18n.t("cli.opt.hand_to"))
    a.add_argument("--on", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.on"))
    a.set_defaults(func=run_status)

    a = s.add_parser("handover", help=i18n.t("cli.staff.handover"))
    add_common(a)
    a.add_argument("code", metavar="CODE")
    a.add_argument("--to", required=True, metavar="CODE", help=i18n.t("cli.opt.hand_to"))
    a.set_defaults(func=run_handover)

    a = s.add_parser("history", help=i18n.t("cli.staff.history"))
    add_common(a)
    a.add_argument("code", metavar="CODE")
    a.set_defaults(func=run_history)


def _connect(args) -> None:
    from kjtui.models import connect, resolve_url
    from kjtui.models.journal import is_station, node_id

    connect(resolve_url(args.db), create=False)
    if is_station():
        raise KjtuiError("import.not_hub", node=node_id())


def _day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KjtuiError("demo.bad_today", value=text) from None


def _choice(reader, value: str, field: str):
    from kjtui.services.import_columns import Bad

    try:
        return reader(value)
    except Bad:
        raise KjtuiError("staff.bad_choice", value=value, field=i18n.t(f"sheet.col.{field}"),
                         ) from None


def run_candidate(args) -> int:
    from kjtui.services import entry
    from kjtui.services.import_columns import education, gender

    _connect(args)
    c = entry.add_candidate(
        kind=args.kind, name=args.name, gender=_choice(gender, args.gender, "gender"),
        birth_date=_day(args.birth), education=_choice(education, args.education, "education"),
        applied_on=_day(args.on), phone=args.phone, former_department=args.department,
        department_approved=args.approved, model_worker=args.model_worker,
        written=args.written, interview=args.interview)
    print(i18n.t("staff.candidate_added", name=c.name, id=c.id[:12]))
    return 0


def run_scores(args) -> int:
    from kjtui.services import entry

    _connect(args)
    c = entry.set_scores(args.id, args.written, args.interview)
    print(i18n.t("staff.scores_set", name=c.name))
    return 0


def reason_text(reasons) -> str:
    out = []
    for key, params in reasons:
        if "education" in params:
            params = {**params, "education": i18n.choice("education", params["education"])}
        out.append(i18n.t(key, **params))
    return "；".join(out) if i18n.language() == "zh" else "; ".join(out)


def run_candidates(args) -> int:
    from kjtui.services import entry

    _connect(args)
    rows = entry.ranked(_day(args.on))
    if args.json:
        print(json.dumps([{
            "id": r.id, "rank": r.rank, "kind": r.kind, "name": r.name, "age": r.age,
            "education": r.education, "model_worker": r.model_worker, "written": r.written,
            "interview": r.interview, "combined": r.combined, "passed": r.passed,
            "outcome": r.outcome, "reasons": [k for k, _ in r.reasons],
        } for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(i18n.t("staff.no_candidates"))
    for r in rows:
        rank = f"{r.rank:>2}" if r.rank else " -"
        score = f"{r.combined:5.1f}" if r.combined is not None else "    —"
        outcome = f"[{i18n.t('staff.outcome.' + r.outcome)}] " if r.outcome else ""
        print(f"{rank}  {r.id[:12]}  {i18n.pad(r.name, 8)} {i18n.t('choice.candidate.' + r.kind)}"
              f"  {r.age}  {i18n.choice('education', r.education)}  {score}  "
              f"{outcome}{reason_text(r.reasons)}")
    return 0


def run_admit(args) -> int:
    from kjtui.services import entry

    _connect(args)
    m = entry.admit(args.id, code=args.code, decided_by=args.by, on=_day(args.on),
                    post=args.post, employment=args.employment)
    print(i18n.t("staff.admitted", name=m.name, code=m.code))
    return 0


def run_decline(args) -> int:
    from kjtui.services import entry

    _connect(args)
    c = entry.decline(args.id, decided_by=args.by, on=_day(args.on), reason=args.reason)
    print(i18n.t("staff.declined", name=c.name))
    return 0


def _retire_laptop(code: str) -> None:
    """The leaving manager's laptop: its bundles are refused from now on."""
    from kjtui.exception import BundleError
    from sync import enroll

    try:
        incs = enroll.revoke(code)
    except BundleError as exc:
        if exc.key != "hub.unknown_station":
            raise
        print(i18n.t("staff.no_laptop", code=code))
        return
    print(i18n.t("hub.revoked", code=code, n=len(incs), incs=", ".join(map(str, incs))))


def run_status(args) -> int:
    from kjtui.services import staff

    _connect(args)
    change = staff.change_status(args.code, args.status, on=_day(args.on), decided_by=args.by,
                                 reason=args.reason, hand_to=args.to)
    if args.to:
        print(i18n.t("staff.handed_over", code=args.code, to=args.to))
    print(i18n.t("staff.status_changed", code=args.code,
                 status=i18n.choice("status", change.status), on=change.effective_on))
    if args.status in staff.LEAVING:
        _retire_laptop(args.code)
    return 0


def run_handover(args) -> int:
    from kjtui.services import staff

    _connect(args)
    done = staff.hand_over(args.code, args.to)
    print(i18n.t("staff.handover_done", code=args.code, to=args.to, customers=done.customers,
                 routes=done.routes))
    return 0


def run_history(args) -> int:
    from kjtui.services import staff

    _connect(args)
    entries = staff.history(args.code)
    if not entries:
        print(i18n.t("staff.no_history", code=args.code))
    for e in entries:
        print(f"{e.effective_on}  {i18n.choice('status', e.status)}  "
              f"{e.decided_by} {e.decided_by_name}  {e.reason}")
    return 0
