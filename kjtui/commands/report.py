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
