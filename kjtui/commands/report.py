"""`kjtui report staff [--json]`: the team's figures (kjtui.services.staff_figures)."""

from __future__ import annotations

import json

from kjtui import i18n
from kjtui.cli import add_common


def register(sub) -> None:
    p = sub.add_parser("report", help=i18n.t("cli.cmd.report"))
    add_common(p)
    s = p.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    a = s.add_parser("staff", help=i18n.t("cli.report.staff"))
    add_common(a)
    a.add_argument("--on", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.on"))
    a.add_argument("--json", action="store_true", help=i18n.t("cli.opt.json"))
    a.set_defaults(func=run_staff)
    a = s.add_parser("month", help=i18n.t("cli.report.month"))
    add_common(a)
    a.add_argument("--month", required=True, metavar="YYYY-MM")
    a.add_argument("--rules", metavar="PATH", help=i18n.t("cli.opt.rules"))
    a.add_argument("--json", action="store_true", help=i18n.t("cli.opt.json"))
    a.set_defaults(func=run_month)


def run_month(args) -> int:
    """The month's ranking with every part (kjtui.services.month_report)."""
    from kjtui.commands.month import load_rules, parse_month, print_rules_outcome, print_table
    from kjtui.models import connect, resolve_url
    from kjtui.services import elimination, month_close, month_report, scoring

    month = parse_month(args.month)
    connect(resolve_url(args.db), create=False)
    rules = load_rules(args.rules)
    if args.json:
        print(json.dumps(month_report.report(month, rules), ensure_ascii=False, indent=2))
        return 0
    scores = scoring.compute_month(month, rules, with_unranked=True)
    from kjtui.models import Manager

    names = dict(Manager.select(Manager.id, Manager.name).tuples())
    print_table(month_close.CloseResult(month, 0, "", scores, names=names))
    print_rules_outcome(elimination.warnings(month, rules),
                        elimination.elimination_candidates(month, rules))
    return 0


def run_staff(args) -> int:
    from kjtui.commands.staff import _day
    from kjtui.models import connect, resolve_url
    from kjtui.services.staff_figures import staff_figures

    connect(resolve_url(args.db), create=False)
    f = staff_figures(_day(args.on))
    if args.json:
        print(json.dumps(f.as_dict(), ensure_ascii=False, indent=2))
        return 0
    print(i18n.t("report.staff", on=f.on.isoformat(), n=f.head_count, men=f.men, women=f.women,
                 urban=f.urban, rural=f.rural, stationed=f.stationed, age=f.average_age,
                 college=f.college_or_above, share=round(100 * f.college_share)))
    return 0
