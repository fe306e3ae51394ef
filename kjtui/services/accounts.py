"""Who is at the county office's keyboard (issue 11): accounts at the hub only, each an
administrator (accounts, enrollment, master data, the sync day, conflicts) or a supervisor (one of
the directors: review, spot checks, feedback, talks).

Passwords are kept only as Argon2id hashes (argon2-cffi); there is no default password: the first
administrator is made on the command line (`kjtui account add`). `LOCK_AFTER` wrong passwords in
a row lock the account for `LOCK_FIRST_S` seconds, doubling with each further wrong password up
to `LOCK_MAX_S`; a right one (or a new password) clears the count. A station's database never
grants county rights: it has no accounts and refuses to make one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kjtui.exception import Refused
from kjtui.models import Account, Decision, Supervisor
from kjtui.models.desk import ROLES
from kjtui.models.journal import is_station

LOCK_AFTER = 3
LOCK_FIRST_S = 30
LOCK_MAX_S = 3600
MIN_PASSWORD = 8
_hasher = None
_dummy: str | None = None


@dataclass(frozen=True)
class AccountInfo:
    name: str
    role: str
    supervisor: str  # the Supervisor's code ("" for an administrator)
    supervisor_name: str
    disabled: bool
    locked_until: datetime | None
    supervisor_id: str | None = None  # the Supervisor the desk's decisions are made by


def _argon():
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher  # loaded when a password is checked, not at start

        _hasher = PasswordHasher()  # Argon2id, the library's RFC 9106 defaults
    return _hasher


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now()).replace(microsecond=0)


def _hub_only() -> None:
    if is_station():
        raise Refused("account.station")


def _info(a: Account) -> AccountInfo:
    sup = Supervisor.get_or_none(Supervisor.code == a.supervisor) if a.supervisor else None
    return AccountInfo(a.name, a.role, a.supervisor, sup.name if sup else "", a.disabled,
                       a.locked_until, sup.id if sup else None)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Refused("account.short_password", n=MIN_PASSWORD)


def required() -> bool:
    """Whether opening this database asks who is at the keyboard: a hub (initialised for sync,
    or with an account). A station, and a demo nobody set up as a hub, ask nothing."""
    if is_station():
        return False
    from kjtui.models import Setting

    return (Account.select().exists()
            or Setting.select().where(Setting.key == "sync.sign_key").exists())


def add(name: str, role: str, password: str, supervisor: str = "",
        now: datetime | None = None) -> AccountInfo:
    _hub_only()
    name = name.strip()
    if not name or len(name) > 40:
        raise Refused("account.bad_name", name=name)
    if role not in ROLES:
        raise Refused("account.bad_role", role=role)
    if role == "supervisor":
        if not supervisor:
            raise Refused("account.needs_supervisor")
        if Supervisor.get_or_none(Supervisor.code == supervisor) is None:
            raise Refused("account.unknown_supervisor", code=supervisor)
    elif supervisor:
        raise Refused("account.admin_no_supervisor")
    _check_password(password)
    if Account.get_or_none(Account.name == name) is not None:
        raise Refused("account.exists", name=name)
    at = _now(now)
    a = Account.create(name=name, role=role, supervisor=supervisor,
                       password_hash=_argon().hash(password), created_at=at, changed_at=at)
    return _info(a)


def accounts() -> list[AccountInfo]:
    return [_info(a) for a in Account.select().order_by(Account.name)]


def _get(name: str) -> Account:
    a = Account.get_or_none(Account.name == name)
    if a is None:
        raise Refused("account.unknown", name=name)
    return a


def disable(name: str, now: datetime | None = None) -> AccountInfo:
    _hub_only()
    a = _get(name)
    a.disabled, a.changed_at = True, _now(now)
    a.save()
    return _info(a)


def passwd(name: str, password: str, now: datetime | None = None) -> AccountInfo:
    """A new password; it also lifts a lockout."""
    _hub_only()
    a = _get(name)
    _check_password(password)
    a.password_hash, a.failures, a.locked_until = _argon().hash(password), 0, None
    a.changed_at = _now(now)
    a.save()
    return _info(a)


def lock_seconds(failures: int) -> int:
    """How long `failures` wrong passwords in a row lock an account (0: not locked)."""
    if failures < LOCK_AFTER:
        return 0
    return min(LOCK_FIRST_S * 2 ** (failures - LOCK_AFTER), LOCK_MAX_S)


def sign_in(name: str, password: str, now: datetime | None = None) -> AccountInfo:
    """The account, if `password` is its password now; else refused, saying why: wrong (an
    unknown account reads the same), locked (until when), disabled."""
    from argon2.exceptions import InvalidHashError, VerificationError

    global _dummy
    _hub_only()
    at = _now(now)
    a = Account.get_or_none(Account.name == name.strip())
    if a is None:
        _dummy = _dummy or _argon().hash("not a password")
        try:  # as long as a real check: the time does not say whether the name exists
            _argon().verify(_dummy, password)
        except VerificationError:
            pass
        raise Refused("account.wrong")
    if a.disabled:
        raise Refused("account.disabled", name=a.name)
    if a.locked_until is not None and a.locked_until > at:
        raise Refused("account.locked", until=f"{a.locked_until:%H:%M:%S}",
                      s=int((a.locked_until - at).total_seconds()))
    try:
        _argon().verify(a.password_hash, password)
    except (VerificationError, InvalidHashError):
        # Counted in the database itself: two desks guessing at once both count.
        Account.update(failures=Account.failures + 1).where(Account.name == a.name).execute()
        failures = Account.get_by_id(a.name).failures
        wait = lock_seconds(failures)
        if wait:
            Account.update(locked_until=at + timedelta(seconds=wait)).where(
                Account.name == a.name).execute()
            raise Refused("account.now_locked", s=wait) from None
        raise Refused("account.wrong") from None
    if a.failures or a.locked_until:
        Account.update(failures=0, locked_until=None).where(Account.name == a.name).execute()
        a = Account.get_by_id(a.name)
    return _info(a)


def acting(name: str, role: str | None = None) -> AccountInfo:
    """The account a decision is made under: it exists and is not disabled, and, when `role`
    is given, has it."""
    _hub_only()
    a = _get(name)
    if a.disabled:
        raise Refused("account.disabled", name=a.name)
    if role is not None and a.role != role:
        raise Refused("account.not_admin" if role == "admin" else "account.not_supervisor",
                      name=a.name)
    return _info(a)


def record(account: str, kind: str, record_id: str, action: str, note: str = "",
           now: datetime | None = None) -> None:
    """A decision, who and when, kept for good beside what it decided."""
    Decision.create(at=_now(now), account=account, kind=kind, record_id=record_id,
                    action=action, note=note)


def decisions(record_id: str) -> list[Decision]:
    """Every decision on a record, oldest first (a later one supersedes an earlier one)."""
    return list(Decision.select().where(Decision.record_id == record_id)
                .order_by(Decision.at, Decision.id))
