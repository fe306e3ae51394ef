"""`kjtui import KIND FILE [--dry-run] [--good-rows] [--retire-missing]`: the county's data from
a sheet (kjtui.services.county_import), every row checked before any is written."""

from __future__ import annotations

import sys

from kjtui import display, i18n
from kjtui.cli import add_common
from kjtui.commands.template import KINDS

SHOWN_MISSING = 50


def register(sub) -> None:
    p = sub.add_parser("import", help=i18n.t("cli.cmd.import"))
    add_common(p)
    p.add_argument("kind", choices=KINDS, metavar="KIND", help=i18n.t("cli.opt.kind",
                                                                    kinds=", ".join(KINDS)))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help=i18n.t("cli.opt.dry_run"))
    p.add_argument("--good-rows", action="store_true", help=i18n.t("cli.opt.good_rows"))
    p.add_argument("--retire-missing", action="store_true", help=i18n.t("cli.opt.retire_missing"))
    p.set_defaults(func=run)


def run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from kjtui.models import connect, resolve_url
    from kjtui.services import county_import

    connect(resolve_url(args.db), create=False)
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed:,}/{task.total:,}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(i18n.t(f"import.step.{step}"), total=total)
            bar.update(tasks[step], completed=done, total=total)

        plan = county_import.check(args.kind, args.file, progress)
        encoding = i18n.t("import.encoding", encoding=plan.encoding) if plan.encoding else ""
        print(i18n.t("import.read", path=plan.path, rows=plan.rows, encoding=encoding))
        if plan.ignored_columns:
            print(i18n.t("import.ignored", columns="、".join(plan.ignored_columns)))
        for issue in plan.issues:
            print(display.issue_line(issue))
        header_bad = any(i.row == 1 for i in plan.issues)
        if plan.issues and (not args.good_rows or header_bad):
            print(i18n.t("import.nothing_written", rows=len(plan.bad_rows), n=len(plan.issues)),
                  file=sys.stderr)
            return 2
        if args.dry_run:
            print(i18n.t("import.would"))
            _summary(plan.counts, plan.same, len(plan.bad_rows))
            _missing(plan.missing, retired=0)
            return 0
        result = county_import.apply(plan, good_rows=args.good_rows,
                                     retire_missing=args.retire_missing, progress=progress)
    print(i18n.t("import.done"))
    _summary(result.counts, result.same, result.skipped_rows)
    _missing(plan.missing, result.retired)
    return 0


def _summary(counts: dict, same: int, skipped: int) -> None:
    for table, (new, changed) in counts.items():
        print(i18n.t("import.count", table=i18n.t(f"table.{table}"), new=new, changed=changed))
    if same:
        print(i18n.t("import.same", n=same))
    if skipped:
        print(i18n.t("import.skipped", n=skipped))


def _missing(missing: list, retired: int) -> None:
    if retired:
        print(i18n.t("import.retired", n=retired))
        return
    if not missing:
        return
    print(i18n.t("import.missing", n=len(missing)))
    for m in missing[:SHOWN_MISSING]:
        print(f"  {m.licence_no}  {m.shop_name}  {m.manager_code}")
    if len(missing) > SHOWN_MISSING:
        print(i18n.t("import.missing_more", n=len(missing) - SHOWN_MISSING))
