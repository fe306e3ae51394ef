"""`kjtui training meeting|rate|exam|list`: the weekly meeting with its lecturer in turn and the
attendees' ratings, the stage exams with each manager's score (kjtui.services.training)."""

from __future__ import annotations

from kjtui import i18n
from kjtui.cli import add_common
from kjtui.exception import KjtuiError


def register(sub) -> None:
    p = sub.add_parser("training", help=i18n.t("cli.cmd.training"))
    add_common(p)
    s = p.add_subparsers(dest="training_command", metavar="ACTION", required=True)
    a = s.add_parser("meeting", help=i18n.t("cli.training.meeting"))
    add_common(a)
    a.add_argument("--on", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.on"))
    a.add_argument("--topic", required=True)
    a.add_argument("--lecturer", metavar="CODE", help=i18n.t("cli.opt.lecturer"))
    a.add_argument("--rating", action="append", default=[], metavar="CODE=0-100",
                   help=i18n.t("cli.opt.rating"))
    a.set_defaults(func=run_meeting)
    a = s.add_parser("rate", help=i18n.t("cli.training.rate"))
    add_common(a)
    a.add_argument("id", metavar="ID")
    a.add_argument("--rating", action="append", required=True, metavar="CODE=0-100",
                   help=i18n.t("cli.opt.rating"))
    a.set_defaults(func=run_rate)
    a = s.add_parser("exam", help=i18n.t("cli.training.exam"))
    add_common(a)
    a.add_argument("--on", metavar="YYYY-MM-DD", help=i18n.t("cli.opt.on"))
    a.add_argument("--topic", required=True)
    a.add_argument("--score", action="append", required=True, metavar="CODE=0-100",
                   help=i18n.t("cli.opt.score"))
    a.set_defaults(func=run_exam)
    a = s.add_parser("list", help=i18n.t("cli.training.list"))
    add_common(a)
    a.add_argument("--month", metavar="YYYY-MM", help=i18n.t("cli.opt.month"))
    a.set_defaults(func=run_list)


def pairs(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        code, _, value = item.partition("=")
        try:
            out[code.strip()] = float(value)
        except ValueError:
            raise KjtuiError("training.bad_pair", value=item) from None
    return out


def _find(session_id: str) -> str:
    from kjtui.models import TrainingSession

    found = [s for (s,) in TrainingSession.select(TrainingSession.id).where(
        TrainingSession.id.startswith(session_id)).limit(2).tuples()]
    if len(found) != 1:
        raise KjtuiError("training.no_meeting", id=session_id)
    return found[0]


def run_meeting(args) -> int:
    from kjtui.commands.staff import _connect, _day
    from kjtui.services import training

    _connect(args)
    s = training.record_meeting(_day(args.on), args.topic, lecturer=args.lecturer,
                                ratings=pairs(args.rating))
    print(i18n.t("training.meeting_saved", id=s.id[:12], on=s.held_on, lecturer=s.lecturer.code,
                 rating="—" if s.lecture_rating is None else s.lecture_rating))
    return 0


def run_rate(args) -> int:
    from kjtui.commands.staff import _connect
    from kjtui.services import training

    _connect(args)
    sid = _find(args.id)
    for code, rating in pairs(args.rating).items():
        s = training.rate(sid, code, rating)
    print(i18n.t("training.rated", id=s.id[:12], rating=s.lecture_rating))
    return 0


def run_exam(args) -> int:
    from kjtui.commands.staff import _connect, _day
    from kjtui.services import training

    _connect(args)
    scores = pairs(args.score)
    s = training.record_exam(_day(args.on), args.topic, scores)
    print(i18n.t("training.exam_saved", topic=s.topic, on=s.held_on, n=len(scores)))
    return 0


def run_list(args) -> int:
    from kjtui.commands.staff import _connect, _day
    from kjtui.services import training

    _connect(args)
    month = _day(args.month + "-01") if args.month else _day(None)
    rows = training.sessions(month)
    if not rows:
        print(i18n.t("training.none"))
    for s in rows:
        rating = f"{s.lecture_rating:.1f}" if s.lecture_rating is not None else ""
        extra = (i18n.t("training.list_meeting", lecturer=s.lecturer or "—", rating=rating or "—",
                        n=s.ratings) if s.kind == "weekly_meeting" else
                 i18n.t("training.list_exam", n=s.scores) if s.kind == "exam" else "")
        print(f"{s.held_on}  {s.id[:12]}  {i18n.choice('training', s.kind)}  {s.topic}  {extra}")
    return 0
