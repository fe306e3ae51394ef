"""`kjtui template KIND --out FILE`: an empty sheet of one kind of county data, Chinese headers
(docs/IMPORT.md explains every column)."""

from __future__ import annotations

from kjtui import i18n
from kjtui.cli import add_common

KINDS = ("townships", "posts", "managers", "customers", "routes", "targets", "actuals",
         "training", "exams")  # kjtui.services.import_columns.ORDER, without loading it


def register(sub) -> None:
    p = sub.add_parser("template", help=i18n.t("cli.cmd.template"))
    add_common(p)
    p.add_argument("kind", choices=KINDS, metavar="KIND", help=i18n.t("cli.opt.kind",
                                                                    kinds=", ".join(KINDS)))
    p.add_argument("--out", required=True, metavar="FILE", help=i18n.t("cli.opt.template_out"))
    p.set_defaults(func=run)


def run(args) -> int:
    from kjtui.services import county_import

    path = county_import.template(args.kind, args.out, i18n.language())
    print(i18n.t("template.written", kind=i18n.t(f"import.kind.{args.kind}"), path=path))
    return 0
