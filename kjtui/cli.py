"""`kjtui` command line. Each sub-command lives in kjtui/commands/<name>.py with
`register(subparsers)`; heavy modules (textual, peewee models) are imported only by the command
that needs them, so `kjtui --help` and start-up stay light."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from kjtui import i18n


def _early_lang(argv: list[str]) -> str:
    # The help text itself is translated, so --lang must be known before argparse builds it.
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    import os

    return os.environ.get("KJTUI_LANG", "zh")


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=i18n.t("cli.opt.db"))
    parser.add_argument(
        "--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS, help=i18n.t("cli.opt.lang")
    )


def build_parser() -> argparse.ArgumentParser:
    import kjtui.commands as commands

    parser = argparse.ArgumentParser(prog="kjtui", description=i18n.t("cli.description"))
    add_common(parser)
    parser.set_defaults(func=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"kjtui.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _early_lang(argv)
    if lang in i18n.LANGUAGES:
        i18n.set_language(lang)
    args = build_parser().parse_args(argv)
    args.db = getattr(args, "db", None)
    args.lang = getattr(args, "lang", i18n.language())
    from kjtui.exception import KjtuiError

    try:
        if args.func is None:
            from kjtui.commands.open import run

            return run(args) or 0
        return args.func(args) or 0
    except KjtuiError as exc:
        print(i18n.t("cli.error", message=i18n.message(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
