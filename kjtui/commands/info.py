"""`kjtui info`: what a laptop holds. The JSON keys are documented in the README; keep them."""

from __future__ import annotations

import json

from kjtui import i18n
from kjtui.cli import add_common


def register(sub) -> None:
    p = sub.add_parser("info", help=i18n.t("cli.cmd.info"))
    add_common(p)
    p.add_argument("--json", action="store_true", help=i18n.t("cli.opt.json"))
    p.set_defaults(func=run)


def run(args) -> int:
    from kjtui.models import connect, resolve_url
    from kjtui.services import inventory

    connect(resolve_url(args.db), create=False, migrate=False)
    summary = inventory.database_summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True))
        return 0
    print(f"{i18n.t('info.path')}: {summary['database']}")
    print(f"{i18n.t('info.schema')}: {summary['schema_version']}")
    print(f"{i18n.t('info.counts')}:")
    width = max(i18n.display_width(k) for k in summary["counts"])
    for table, n in summary["counts"].items():
        print(f"  {i18n.pad(table, width)}  {n:>9,}")
    return 0
