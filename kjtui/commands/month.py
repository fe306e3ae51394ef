"""`kjtui month close|reopen|decide`: the county office's month close at the hub
(kjtui.services.month_close), the administrator's reopening with a reason, and the decision on
a manager the bottom-elimination rule names (kjtui.services.elimination, the status change by
kjtui.services.staff)."""

from __future__ import annotations

from datetime import date

from kjtui import i18n
from kjtui.cli import add_common
from kjtui.exception import KjtuiError


def register(sub) -> None:
    p = sub.add_parser("month", help=i18n.t("cli.cmd.month"))
    add_common(p)
    s = p.add_subparsers(dest="month_command", metavar="ACTION", required=True)

    a = s.add_parser("close", help=i18n.t("cli.month.close"))
    add_common(a)
    a.add_argument("--month", required=True, metavar="YYYY-MM")
    a.add_argument("--rules", metavar="PATH", help=i18n.t("cli.opt.rules"))
    a.add_argument("--by", default="", metavar="NAME", help=i18n.t("cli.opt.closed_by"))
    a.set_defaults(func=run_close)

    a = s.add_parser("decide", help=i18n.t("cli.month.decide"))
    add_common(a)
    a.add_argument("--month", metavar="YYYY-MM", help=i18n.t("cli.opt.decide_month"))
    a.add_argument("--manager", required=True, metavar="CODE")
    a.add_argument("--status", required=True, choices=("standby", "transferred", "dismissed"))
    a.add_argument("--by", required=True, metavar="CODE", help=i18n.t("cli.opt.supervisor"))
    a.add_argument("--to", metavar="CODE", help=i18n.t("cli.opt.hand_to"))
    a.add_argument("--on", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.on"))
    a.set_defaults(func=run_decide)

    a = s.add_parser("reopen", help=i18n.t("cli.month.reopen"))
    add_common(a)
    a.add_argument("--month", required=True, metavar="YYYY-MM")
    a.add_argument("--reason", required=True)
    a.add_argument("--by", default="", metavar="NAME", help=i18n.t("cli.opt.closed_by"))
    a.set_defaults(func=run_reopen)


def parse_month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise KjtuiError("month.bad_month", value=text) from None


def load_rules(path: str | None):
    from kjtui.services import rules, settings

    return rules.load(path or settings.get(rules.SETTING))


def _connect(args) -> None:
    from kjtui.models import connect, resolve_url

    connect(resolve_url(args.db), create=False)


def part_text(score, part: str) -> str:
    value = score.parts[part]
    if value is None:
        return "—"
    return f"{value:g}"


def print_table(result) -> None:
    from kjtui.services.scoring import PARTS

    head = [i18n.t("month.col.rank"), i18n.t("month.col.code"), i18n.t("month.col.name"),
            i18n.t("month.col.total"), *(i18n.t(f"score.part.{p}") for p in PARTS)]
    print("\t".join(head))
    for s in result.scores:
        rank = str(s.rank) if s.rank else "—"
        print("\t".join([rank, s.code, result.names.get(s.manager_id, ""), f"{s.total:g}",
                         *(part_text(s, p) for p in PARTS)]))
        for part, why in s.missing.items():
            print("\t" + i18n.t("month.missing_line", part=i18n.t(f"score.part.{part}"),
                                why=i18n.t(f"score.missing.{why}")))
        if s.unranked:
            print("\t" + i18n.t(f"score.unranked.{s.unranked}"))


def run_close(args) -> int:
    from kjtui.services import month_close

    month = parse_month(args.month)
    _connect(args)
    rules = load_rules(args.rules)
    result = month_close.close_month(month, by=args.by, rules=rules)
    print_table(result)
    print(i18n.t(f"month.outcome.{result.outcome}", month=args.month, run=result.run,
                 n=sum(1 for s in result.scores if s.rank), rules=result.rules))
    for c in result.changes if result.outcome == "reclosed" else ():
        before = "—" if c.before_total is None else f"{c.before_total:g} #{c.before_rank}"
        after = "—" if c.after_total is None else f"{c.after_total:g} #{c.after_rank}"
        print(i18n.t("month.change_line", code=c.code, name=c.name, before=before, after=after))
    print_rules_outcome(result.warnings, result.candidates)
    for r in result.recognitions:
        print(i18n.t(f"month.award.{r.kind}", period=r.period, code=r.code, name=r.name,
                     note=r.note))
    for t in result.talks:
        if t.managers:
            print(i18n.t("month.talks", code=t.supervisor, name=t.name,
                         managers=i18n.t("scr.list_sep").join(t.managers)))
    return 0


def print_rules_outcome(warnings, candidates) -> None:
    for w in warnings:
        print(i18n.t(f"month.warning.{w.rule}", code=w.code, name=w.name,
                     months="、".join(m.strftime("%Y-%m") for m in w.months)))
    for c in candidates:
        print(i18n.t("month.candidate", code=c.code, name=c.name, reason=c.reason,
                     status=i18n.choice("status", c.new_status)))


def run_decide(args) -> int:
    from kjtui.commands.staff import _day, _retire_laptop
    from kjtui.services import elimination, month_close

    _connect(args)
    month = parse_month(args.month) if args.month else month_close.last_closed()
    if month is None:
        raise KjtuiError("month.none_closed")
    change = elimination.decide(month, args.manager, args.status, decided_by=args.by,
                                on=_day(args.on), hand_to=args.to, rules=load_rules(None))
    print(i18n.t("staff.status_changed", code=args.manager,
                 status=i18n.choice("status", change.status), on=change.effective_on))
    _retire_laptop(args.manager)
    return 0


def run_reopen(args) -> int:
    from kjtui.services import month_close

    month = parse_month(args.month)
    _connect(args)
    c = month_close.reopen_month(month, reason=args.reason, by=args.by)
    print(i18n.t("month.reopened", month=args.month, run=c.run, reason=c.reason))
    return 0
