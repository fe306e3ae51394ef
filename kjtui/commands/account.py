"""`kjtui account add|list|disable|passwd`: the people at the county office's keyboard
(kjtui.services.accounts). The first administrator is made here: there is no default password.
A password comes from a prompt (typed twice) or, for scripts, one line on standard input."""

from __future__ import annotations

import sys

from kjtui import i18n
from kjtui.cli import add_common
from kjtui.exception import KjtuiError


def register(sub) -> None:
    p = sub.add_parser("account", help=i18n.t("cli.cmd.account"))
    add_common(p)
    s = p.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    a = s.add_parser("add", help=i18n.t("cli.account.add"))
    add_common(a)
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=("admin", "supervisor"))
    a.add_argument("--supervisor", default="", metavar="CODE", help=i18n.t("cli.opt.account_sup"))
    add_password_stdin(a)
    a.set_defaults(func=run_add)
    a = s.add_parser("list", help=i18n.t("cli.account.list"))
    add_common(a)
    a.set_defaults(func=run_list)
    a = s.add_parser("disable", help=i18n.t("cli.account.disable"))
    add_common(a)
    a.add_argument("name", metavar="NAME")
    a.set_defaults(func=run_disable)
    a = s.add_parser("passwd", help=i18n.t("cli.account.passwd"))
    add_common(a)
    a.add_argument("name", metavar="NAME")
    add_password_stdin(a)
    a.set_defaults(func=run_passwd)


def add_password_stdin(parser) -> None:
    parser.add_argument("--password-stdin", action="store_true",
                        help=i18n.t("cli.opt.password_stdin"))


def read_password(args, twice: bool = True) -> str:
    """One line of standard input with --password-stdin, else typed (twice for a new one)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    if not sys.stdin.isatty():
        raise KjtuiError("account.no_terminal")
    first = getpass.getpass(i18n.t("account.prompt"))
    if twice and getpass.getpass(i18n.t("account.prompt_again")) != first:
        raise KjtuiError("account.mismatch")
    return first


def _connect(args) -> None:
    from kjtui.models import connect, resolve_url

    connect(resolve_url(args.db))


def _role(a) -> str:
    role = i18n.t("account.role.admin" if a.role == "admin" else "account.role.supervisor")
    return f"{role} {a.supervisor} {a.supervisor_name}".rstrip()


def run_add(args) -> int:
    from kjtui.services import accounts

    _connect(args)
    if accounts.is_station():  # refused before a password is asked
        raise KjtuiError("account.station")
    a = accounts.add(args.name, args.role, read_password(args), args.supervisor)
    print(i18n.t("account.added", name=a.name, role=_role(a)))
    return 0


def run_list(args) -> int:
    from kjtui.services import accounts

    _connect(args)
    items = accounts.accounts()
    if not items:
        print(i18n.t("account.none"))
    for a in items:
        state = i18n.t("account.state.disabled") if a.disabled else ""
        print(f"{a.name}  {_role(a)}  {state}".rstrip())
    return 0


def run_disable(args) -> int:
    from kjtui.services import accounts

    _connect(args)
    a = accounts.disable(args.name)
    print(i18n.t("account.disabled_now", name=a.name))
    return 0


def run_passwd(args) -> int:
    from kjtui.services import accounts

    _connect(args)
    a = accounts.passwd(args.name, read_password(args))
    print(i18n.t("account.password_set", name=a.name))
    return 0


def signed(args, role: str | None = None) -> str:
    """`--account NAME` checked with its password (prompt or --password-stdin) for a decision
    made on the command line; the account's name, which the decision records."""
    from kjtui.services import accounts

    a = accounts.sign_in(args.account, read_password(args, twice=False))
    accounts.acting(a.name, role)
    return a.name
