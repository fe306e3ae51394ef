"""`kjtui report KIND …`: the reports the county office files, prints and sends on
(kjtui.reports): week, month, manager, staff, kpis, checks, each as JSON, CSV, XLSX or
printable HTML (`--format`, or the suffix of `--out`). Arguments are checked before the
database is opened and the report is made in memory before anything is written: a refusal
(exit 2) writes nothing. `report month` and `report staff` without a format print the text
tables they always printed."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

from kjtui import i18n
from kjtui.cli import add_common
from kjtui.exception import KjtuiError

FORMATS = ("json", "csv", "xlsx", "html")


def _output(p) -> None:
    p.add_argument("--format", choices=FORMATS, help=i18n.t("cli.opt.format"))
    p.add_argument("--out", metavar="PATH", help=i18n.t("cli.opt.report_out"))
    p.add_argument("--encoding", choices=("utf-8", "gbk"), default="utf-8",
                   help=i18n.t("cli.opt.encoding"))


def register(sub) -> None:
    p = sub.add_parser("report", help=i18n.t("cli.cmd.report"))
    add_common(p)
    s = p.add_subparsers(dest="report_command", metavar="REPORT", required=True)

    a = s.add_parser("week", help=i18n.t("cli.report.week"))
    add_common(a)
    a.add_argument("--week", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.week"))
    a.add_argument("--manager", metavar="CODE", help=i18n.t("cli.opt.report_manager"))
    _output(a)
    a.set_defaults(func=run_week)

    a = s.add_parser("month", help=i18n.t("cli.report.month"))
    add_common(a)
    a.add_argument("--month", required=True, metavar="YYYY-MM")
    a.add_argument("--rules", metavar="PATH", help=i18n.t("cli.opt.rules"))
    a.add_argument("--json", action="store_true", help=i18n.t("cli.opt.json"))
    _output(a)
    a.set_defaults(func=run_month)

    a = s.add_parser("manager", help=i18n.t("cli.report.manager"))
    add_common(a)
    a.add_argument("--manager", required=True, metavar="CODE",
                   help=i18n.t("cli.opt.report_manager"))
    a.add_argument("--month", metavar="YYYY-MM", help=i18n.t("cli.opt.report_month"))
    a.add_argument("--months", default="12", metavar="N", help=i18n.t("cli.opt.months"))
    a.add_argument("--rules", metavar="PATH", help=i18n.t("cli.opt.rules"))
    _output(a)
    a.set_defaults(func=run_manager)

    a = s.add_parser("staff", help=i18n.t("cli.report.staff"))
    add_common(a)
    a.add_argument("--on", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.on"))
    a.add_argument("--json", action="store_true", help=i18n.t("cli.opt.json"))
    _output(a)
    a.set_defaults(func=run_staff)

    a = s.add_parser("kpis", help=i18n.t("cli.report.kpis"))
    add_common(a)
    a.add_argument("--month", metavar="YYYY-MM", help=i18n.t("cli.opt.report_month"))
    a.add_argument("--months", default="12", metavar="N", help=i18n.t("cli.opt.months"))
    _output(a)
    a.set_defaults(func=run_kpis)

    a = s.add_parser("checks", help=i18n.t("cli.report.checks"))
    add_common(a)
    a.add_argument("--month", metavar="YYYY-MM", help=i18n.t("cli.opt.report_month"))
    _output(a)
    a.set_defaults(func=run_checks)


# --- common to every report --------------------------------------------------------------------


def output_format(args, default: str | None = "json") -> str | None:
    """--format, else --json, else the suffix of --out, else `default`; refused before anything
    is opened when an XLSX would go to a terminal."""
    fmt = args.format or ("json" if getattr(args, "json", False) else None)
    if fmt is None and args.out:
        fmt = {".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".html": "html",
               ".htm": "html"}.get(Path(args.out).suffix.lower(), "json")
    fmt = fmt or default
    if fmt == "xlsx" and not args.out and sys.stdout.isatty():
        raise KjtuiError("report.binary_to_terminal")
    return fmt


def _months(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 36:
        raise KjtuiError("report.bad_months", value=text)
    return n


def _connect(args) -> None:
    from kjtui.models import connect, resolve_url

    connect(resolve_url(args.db), create=False)


def _progress():
    """A progress bar on a terminal (a report over many managers), nothing in a pipe."""
    if not sys.stderr.isatty():
        return None, nullcontext()
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task("", total=None)
    return (lambda done, total: bar.update(task, completed=done, total=total)), bar


def emit(args, fmt: str, build) -> int:
    """Build the report (the database is open), render it in memory, then write it."""
    from kjtui import reports
    from kjtui.reports.render import render

    report = build()
    if args.out:
        path = reports.save(report, fmt, args.out, encoding=args.encoding)
        print(i18n.t("report.written", path=str(path)))
        return 0
    data = render(report, fmt, encoding=args.encoding)
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


# --- each report -------------------------------------------------------------------------------


def run_week(args) -> int:
    from kjtui.reports import week

    monday = week.parse_week(args.week)
    fmt = output_format(args)
    _connect(args)
    update, bar = _progress()
    with bar:
        return emit(args, fmt, lambda: week.build(monday, args.manager, progress=update))


def run_month(args) -> int:
    """The month's ranking with every part (kjtui.services.month_report)."""
    from kjtui.commands.month import load_rules, parse_month, print_rules_outcome, print_table

    month = parse_month(args.month)
    fmt = output_format(args, default=None)
    _connect(args)
    rules = load_rules(args.rules)
    if fmt is not None:
        from kjtui.reports import month as month_report

        return emit(args, fmt, lambda: month_report.build(month, rules))
    from kjtui.models import Manager
    from kjtui.services import elimination, month_close, scoring

    scores = scoring.compute_month(month, rules, with_unranked=True)
    names = dict(Manager.select(Manager.id, Manager.name).tuples())
    print_table(month_close.CloseResult(month, 0, "", scores, names=names))
    print_rules_outcome(elimination.warnings(month, rules),
                        elimination.elimination_candidates(month, rules))
    return 0


def run_manager(args) -> int:
    from kjtui.commands.month import load_rules, parse_month
    from kjtui.reports import manager

    month = parse_month(args.month) if args.month else None
    months = _months(args.months)
    fmt = output_format(args)
    _connect(args)
    rules = load_rules(args.rules)
    update, bar = _progress()
    with bar:
        return emit(args, fmt, lambda: manager.build(args.manager, month, months, rules,
                                                     progress=update))


def run_staff(args) -> int:
    from kjtui.commands.staff import _day

    on = _day(args.on)
    fmt = output_format(args, default=None)
    _connect(args)
    if fmt is not None:
        from kjtui.reports import staff

        return emit(args, fmt, lambda: staff.build(on))
    from kjtui.services.staff_figures import staff_figures

    f = staff_figures(on)
    print(i18n.t("report.staff", on=f.on.isoformat(), n=f.head_count, men=f.men, women=f.women,
                 urban=f.urban, rural=f.rural, stationed=f.stationed, age=f.average_age,
                 college=f.college_or_above, share=round(100 * f.college_share)))
    return 0


def run_kpis(args) -> int:
    from kjtui.commands.month import parse_month
    from kjtui.reports import kpis

    month = parse_month(args.month) if args.month else None
    months = _months(args.months)
    fmt = output_format(args)
    _connect(args)
    return emit(args, fmt, lambda: kpis.build(month, months))


def run_checks(args) -> int:
    from kjtui.commands.month import parse_month
    from kjtui.reports import checks

    month = parse_month(args.month) if args.month else None
    fmt = output_format(args)
    _connect(args)
    return emit(args, fmt, lambda: checks.build(month))
