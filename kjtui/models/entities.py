"""The whole notebook and its management, as docs/ARCHITECTURE.md, section 5 lists the rules.

Choices are stored as short English codes (the catalog turns them into words) and checked by the
database. Who owns each kind of record is in `OWNED_BY_STATION` / `OWNED_BY_HUB`.
"""

from __future__ import annotations

import peewee as pw

from kjtui.models.base import BaseModel, SyncModel


def one_of(column: str, values: tuple[str, ...], nullable: bool = False) -> pw.Check:
    listed = ", ".join(f"'{v}'" for v in values)
    null = f"{column} IS NULL OR " if nullable else ""
    return pw.Check(f"{null}{column} IN ({listed})")


POST_KINDS = ("urban", "rural", "stationed")
GENDERS = ("M", "F")
EDUCATION = ("junior_high", "high_school", "technical", "college", "bachelor", "master")
EMPLOYMENT = ("regular", "contract")
MANAGER_STATUS = ("active", "standby", "transferred", "dismissed")
SUPERVISOR_TITLES = ("director", "deputy")
AREAS = ("urban", "rural")
RETAIL_FORMATS = ("grocery", "convenience", "supermarket", "tobacco_shop", "restaurant", "other")
GRADES = ("A", "B", "C", "D", "E")
ACK_METHODS = ("pin", "paper", "declined")
INFO_CATEGORIES = ("market", "complaint", "competitor", "illegal", "brand_demand", "suggestion")
INFO_STATES = ("collected", "organized", "fed_back")
REVIEW_STATES = ("reviewed", "returned")
SPOT_METHODS = ("phone", "onsite", "inquiry")
SPOT_RESULTS = ("confirmed", "discrepancy", "unreachable")
TRAINING_KINDS = ("weekly_meeting", "class", "exam")
AWARD_KINDS = ("monthly_star", "quarterly_excellent", "market_manager")
CANDIDATE_KINDS = ("recruit", "transfer_in")  # from a training class; from another department
CANDIDATE_OUTCOMES = ("admitted", "declined")
PROPOSAL_FIELDS = ("shop_name", "owner_name", "phone", "address", "retail_format", "grade")


# --- the county -------------------------------------------------------------------------------


class Township(SyncModel):
    code = pw.CharField(max_length=20, unique=True)
    name = pw.CharField(max_length=40)
    is_urban = pw.BooleanField(default=False)


class Post(SyncModel):
    """Where a manager works from: the urban office, a rural area, or a stationed rural post."""

    code = pw.CharField(max_length=20, unique=True)
    name = pw.CharField(max_length=40)
    kind = pw.CharField(max_length=12)
    township = pw.ForeignKeyField(Township, null=True, backref="posts")

    class Meta:
        constraints = [one_of("kind", POST_KINDS)]


class Supervisor(SyncModel):
    """The department's director and deputies: they review, spot-check, score and talk."""

    code = pw.CharField(max_length=20, unique=True)
    name = pw.CharField(max_length=40)
    title = pw.CharField(max_length=12)
    phone = pw.CharField(max_length=20, default="")

    class Meta:
        constraints = [one_of("title", SUPERVISOR_TITLES)]


class Manager(SyncModel):
    code = pw.CharField(max_length=20, unique=True)
    name = pw.CharField(max_length=40)
    gender = pw.CharField(max_length=1)
    birth_date = pw.DateField()
    education = pw.CharField(max_length=12)
    employment = pw.CharField(max_length=10)
    post = pw.ForeignKeyField(Post, null=True, backref="managers")
    status = pw.CharField(max_length=12, default="active")
    hired_on = pw.DateField(null=True)
    phone = pw.CharField(max_length=20, default="")
    model_worker = pw.BooleanField(default=False)  # 先进和模范: first in line at transfer-in

    class Meta:
        constraints = [
            one_of("gender", GENDERS),
            one_of("education", EDUCATION),
            one_of("employment", EMPLOYMENT),
            one_of("status", MANAGER_STATUS),
        ]


class ManagerStatusChange(SyncModel):
    """History of a manager's status: elimination, standby study, transfer, dismissal, return."""

    manager = pw.ForeignKeyField(Manager, backref="status_changes")
    status = pw.CharField(max_length=12)
    effective_on = pw.DateField()
    reason = pw.TextField(default="")
    decided_by = pw.ForeignKeyField(Supervisor, null=True)

    class Meta:
        constraints = [one_of("status", MANAGER_STATUS)]


class Route(SyncModel):
    code = pw.CharField(max_length=20, unique=True)
    name = pw.CharField(max_length=60)
    manager = pw.ForeignKeyField(Manager, null=True, backref="routes")
    township = pw.ForeignKeyField(Township, null=True)


class Customer(SyncModel):
    """A licensed retail customer 零售客户 (county master data, owned by the hub)."""

    licence_no = pw.CharField(max_length=20, unique=True)
    shop_name = pw.CharField(max_length=80)
    owner_name = pw.CharField(max_length=40)
    phone = pw.CharField(max_length=20, default="")
    address = pw.CharField(max_length=120, default="")
    township = pw.ForeignKeyField(Township, backref="customers")
    area = pw.CharField(max_length=6)
    retail_format = pw.CharField(max_length=14)
    grade = pw.CharField(max_length=1, default="C")
    manager = pw.ForeignKeyField(Manager, null=True, backref="customers")
    route = pw.ForeignKeyField(Route, null=True, backref="customers")
    active = pw.BooleanField(default=True)

    class Meta:
        constraints = [
            one_of("area", AREAS),
            one_of("retail_format", RETAIL_FORMATS),
            one_of("grade", GRADES),
        ]


class RouteStop(SyncModel):
    route = pw.ForeignKeyField(Route, backref="stops")
    customer = pw.ForeignKeyField(Customer, backref="stops")
    position = pw.IntegerField()

    class Meta:
        indexes = ((("route", "position"), True), (("route", "customer"), True))
        constraints = [pw.Check("position >= 0")]


# --- the notebook (station-owned) -------------------------------------------------------------


class MonthlyPlan(SyncModel):
    """月初制定拜访计划: the month's plan, one per manager and month (month = its first day)."""

    manager = pw.ForeignKeyField(Manager, backref="plans")
    month = pw.DateField()
    submitted_at = pw.DateTimeField(null=True)

    one_per = ("manager", "month")

    class Meta:
        indexes = ((("manager", "month"), True),)


class PlanDay(SyncModel):
    plan = pw.ForeignKeyField(MonthlyPlan, backref="days")
    day = pw.DateField()
    route = pw.ForeignKeyField(Route, null=True)  # null: a day off, a meeting
    note = pw.CharField(max_length=120, default="")

    one_per = ("plan", "day")

    class Meta:
        indexes = ((("plan", "day"), True),)


class DayLog(SyncModel):
    """One working day: route taken, odometer, the first and last check-in phoned in."""

    manager = pw.ForeignKeyField(Manager, backref="days")
    day = pw.DateField()
    route = pw.ForeignKeyField(Route, null=True)
    odometer_start = pw.IntegerField(null=True)  # km
    odometer_end = pw.IntegerField(null=True)
    first_phoned = pw.BooleanField(default=False)
    first_phoned_at = pw.DateTimeField(null=True)  # the check-in time phoned in
    last_phoned = pw.BooleanField(default=False)
    last_phoned_at = pw.DateTimeField(null=True)  # (older records: when it was phoned)
    note = pw.TextField(default="")

    one_per = ("manager", "day")

    class Meta:
        indexes = ((("manager", "day"), True),)
        constraints = [
            pw.Check("odometer_start IS NULL OR odometer_start >= 0"),
            pw.Check(
                "odometer_end IS NULL OR odometer_start IS NULL OR odometer_end >= odometer_start"
            ),
        ]


class Visit(SyncModel):
    day = pw.ForeignKeyField(DayLog, backref="visits")
    manager = pw.ForeignKeyField(Manager, backref="visits")
    customer = pw.ForeignKeyField(Customer, backref="visits")
    on_route = pw.BooleanField(default=True)
    arrived_at = pw.DateTimeField()
    departed_at = pw.DateTimeField(null=True)
    ordered = pw.BooleanField(default=False)
    quantity = pw.IntegerField(default=0)  # cartons 条
    price_tags = pw.BooleanField(null=True)  # 明码标价
    agreement_sales = pw.BooleanField(null=True)  # 协议销售
    retail_format_ok = pw.BooleanField(null=True)  # 新业态分类
    brand_cultivation = pw.BooleanField(null=True)  # 品牌培育
    satisfaction = pw.IntegerField(null=True)  # 1..5
    note = pw.TextField(default="")
    supersedes = pw.ForeignKeyField("self", null=True, backref="superseded_by")

    immutable_once_signed = True

    class Meta:
        indexes = ((("manager", "arrived_at"), False), (("customer", "arrived_at"), False))
        constraints = [
            pw.Check("quantity >= 0"),
            pw.Check("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5"),
            pw.Check("departed_at IS NULL OR departed_at >= arrived_at"),
        ]


class PinResetRequest(SyncModel):
    """A customer forgot the PIN: the station asks the county, which confirms by phone with the
    licence holder (PinResetDecision). Until then the customer signs on paper."""

    customer = pw.ForeignKeyField(Customer, backref="pin_resets")
    requested_at = pw.DateTimeField()
    note = pw.CharField(max_length=120, default="")


class CustomerPin(SyncModel):
    """A PIN the customer chose (docs/ACKNOWLEDGEMENT.md). A new PIN is a new record; the
    customer's PIN is the latest. The station keeps only the salt and a 6-bit check; K is sealed
    to the hub (`verifier`) and forgotten. `check_bits` NULL: a PIN set before migration 0007,
    which cannot be checked any more (the customer chooses a new one)."""

    customer = pw.ForeignKeyField(Customer, backref="pins")
    salt = pw.CharField(max_length=32)
    # Retired by migration 0007 (a full verifier of a short PIN on the laptop): always empty.
    # Kept so that a bundle from a laptop on an older release still reads.
    pin_hash = pw.CharField(max_length=64, default="")
    check_bits = pw.IntegerField(null=True)
    verifier = pw.TextField(default="")  # K sealed to the hub's HPKE key (base64)
    reset = pw.ForeignKeyField(PinResetRequest, null=True)  # the county's approved reset
    set_at = pw.DateTimeField()

    class Meta:
        constraints = [pw.Check("check_bits IS NULL OR check_bits BETWEEN 0 AND 63")]


class Acknowledgement(SyncModel):
    """客户签名认可: the customer's PIN on the laptop, or the paper handbook page, or a refusal.
    A PIN acknowledgement names the PIN record and carries the proof only the hub can check."""

    visit = pw.ForeignKeyField(Visit, unique=True, backref="acknowledgements")
    method = pw.CharField(max_length=10)
    handbook_page = pw.CharField(max_length=20, default="")
    reason = pw.CharField(max_length=120, default="")
    at = pw.DateTimeField()
    pin = pw.ForeignKeyField(CustomerPin, null=True)
    proof = pw.CharField(max_length=160, default="")  # a chain's first proof: 130

    immutable_once_signed = True

    class Meta:
        constraints = [one_of("method", ACK_METHODS)]


class InfoItem(SyncModel):
    """信息: collected → organized → fed back."""

    manager = pw.ForeignKeyField(Manager, backref="info_items")
    customer = pw.ForeignKeyField(Customer, null=True)
    category = pw.CharField(max_length=14)
    content = pw.TextField()
    summary = pw.TextField(default="")  # written when organized
    state = pw.CharField(max_length=10, default="collected")
    collected_on = pw.DateField()
    organized_at = pw.DateTimeField(null=True)

    class Meta:
        constraints = [one_of("category", INFO_CATEGORIES), one_of("state", INFO_STATES)]


class CustomerProposal(SyncModel):
    """基础资料维护: a manager's change to a customer's basic data, a proposal for the county."""

    customer = pw.ForeignKeyField(Customer, backref="proposals")
    manager = pw.ForeignKeyField(Manager)
    field = pw.CharField(max_length=20)
    old_value = pw.CharField(max_length=120, default="")
    new_value = pw.CharField(max_length=120)
    proposed_at = pw.DateTimeField()

    class Meta:
        constraints = [one_of("field", PROPOSAL_FIELDS)]


# --- the county's answers (hub-owned) ---------------------------------------------------------


class ProposalDecision(SyncModel):
    proposal = pw.ForeignKeyField(CustomerProposal, unique=True, backref="decisions")
    accepted = pw.BooleanField()
    note = pw.CharField(max_length=120, default="")
    decided_by = pw.ForeignKeyField(Supervisor, null=True)
    decided_at = pw.DateTimeField()


class PinResetDecision(SyncModel):
    """The county's answer to a PIN reset request, after phoning the licence holder."""

    request = pw.ForeignKeyField(PinResetRequest, unique=True, backref="decisions")
    approved = pw.BooleanField()
    note = pw.CharField(max_length=120, default="")
    decided_by = pw.ForeignKeyField(Supervisor, null=True)
    decided_at = pw.DateTimeField()


class InfoFeedback(SyncModel):
    item = pw.ForeignKeyField(InfoItem, backref="feedback")
    supervisor = pw.ForeignKeyField(Supervisor, null=True)
    text = pw.TextField()
    at = pw.DateTimeField()


class SalesTarget(SyncModel):
    manager = pw.ForeignKeyField(Manager, backref="targets")
    month = pw.DateField()
    quantity = pw.IntegerField()  # cartons

    class Meta:
        indexes = ((("manager", "month"), True),)
        constraints = [pw.Check("quantity >= 0")]


class SalesActual(SyncModel):
    """The month's sales as the order system counted them (loaded at the hub)."""

    manager = pw.ForeignKeyField(Manager, backref="actuals")
    month = pw.DateField()
    quantity = pw.IntegerField()

    class Meta:
        indexes = ((("manager", "month"), True),)
        constraints = [pw.Check("quantity >= 0")]


class WeeklyReview(SyncModel):
    """按周进行批阅流转: a supervisor's reading of one manager's week (week = its Monday)."""

    manager = pw.ForeignKeyField(Manager, backref="reviews")
    week = pw.DateField()
    supervisor = pw.ForeignKeyField(Supervisor)
    state = pw.CharField(max_length=10)
    comment = pw.TextField(default="")
    at = pw.DateTimeField()
    supersedes = pw.ForeignKeyField("self", null=True)
    score = pw.IntegerField(null=True)  # the notebook's score 0..100 when approved (migration 0013)

    immutable_once_signed = True

    class Meta:
        indexes = ((("manager", "week"), False),)
        constraints = [one_of("state", REVIEW_STATES),
                       pw.Check("score IS NULL OR score BETWEEN 0 AND 100")]


class ReviewFlag(SyncModel):
    """A record a returned week asks to correct: its table and id, and why."""

    review = pw.ForeignKeyField(WeeklyReview, backref="flags")
    record_kind = pw.CharField(max_length=30)
    record_id = pw.CharField(max_length=32)
    reason = pw.CharField(max_length=120)


class SpotCheck(SyncModel):
    """电话抽检 / 实地检查 / 事后了解 of a visit or a check-in."""

    manager = pw.ForeignKeyField(Manager, backref="spot_checks")
    visit = pw.ForeignKeyField(Visit, null=True, backref="spot_checks")
    day = pw.DateField()
    method = pw.CharField(max_length=8)
    result = pw.CharField(max_length=12)
    note = pw.TextField(default="")
    supervisor = pw.ForeignKeyField(Supervisor)
    at = pw.DateTimeField()

    class Meta:
        constraints = [one_of("method", SPOT_METHODS), one_of("result", SPOT_RESULTS)]


class MonthlyScore(SyncModel):
    """Computed by kjtui.services.scoring, never typed in."""

    manager = pw.ForeignKeyField(Manager, backref="scores")
    month = pw.DateField()
    sales = pw.FloatField()  # each part 0..100
    success = pw.FloatField()
    maintenance = pw.FloatField()
    review = pw.FloatField()
    checkin = pw.FloatField()
    spot_check = pw.FloatField()
    training = pw.FloatField()
    basic_work = pw.FloatField(default=0.0)  # migration 0012
    satisfaction = pw.FloatField(default=0.0)
    total = pw.FloatField()
    rank = pw.IntegerField()
    computed_at = pw.DateTimeField()
    # the parts with no data this month, "part:reason,…" (stored as 0, never counted as a figure;
    # migration 0010)
    missing = pw.TextField(default="")

    class Meta:
        indexes = ((("manager", "month"), True),)


class MonthClose(SyncModel):
    """One run of the month's close (kjtui.services.month_close, migration 0010): never edited
    but for its state; a later run supersedes it, a reopen ends it, the history keeps all."""

    month = pw.DateField()
    run = pw.IntegerField()  # 1, 2, … within the month
    state = pw.CharField(max_length=10)  # closed, superseded, reopened
    closed_at = pw.DateTimeField()
    closed_by = pw.CharField(max_length=40, default="")
    rules = pw.CharField(max_length=16)  # the rules file's digest (kjtui.services.rules)
    ranked = pw.IntegerField()
    changes = pw.TextField(default="")  # JSON: what this run changed against the run before
    reason = pw.TextField(default="")  # why it was reopened
    reopened_by = pw.CharField(max_length=40, default="")

    class Meta:
        indexes = ((("month", "run"), True),)
        constraints = [pw.Check("state IN ('closed', 'superseded', 'reopened')")]


class Talk(SyncModel):
    """情感沟通 after the month's results."""

    manager = pw.ForeignKeyField(Manager, backref="talks")
    supervisor = pw.ForeignKeyField(Supervisor)
    month = pw.DateField()
    held_on = pw.DateField()
    gains = pw.TextField(default="")
    suggestions = pw.TextField(default="")
    shortcomings = pw.TextField(default="")
    causes = pw.TextField(default="")
    advice = pw.TextField(default="")


class TrainingSession(SyncModel):
    """A weekly meeting (with its lecturer, whose lecture is rated), a class, or a stage exam."""

    held_on = pw.DateField()
    kind = pw.CharField(max_length=16)
    topic = pw.CharField(max_length=120)
    lecturer = pw.ForeignKeyField(Manager, null=True, backref="lectures")
    lecture_rating = pw.FloatField(null=True)  # 0..100

    class Meta:
        constraints = [
            one_of("kind", TRAINING_KINDS),
            pw.Check("lecture_rating IS NULL OR lecture_rating BETWEEN 0 AND 100"),
        ]


class ExamScore(SyncModel):
    session = pw.ForeignKeyField(TrainingSession, backref="exam_scores")
    manager = pw.ForeignKeyField(Manager, backref="exam_scores")
    score = pw.FloatField()

    class Meta:
        indexes = ((("session", "manager"), True),)
        constraints = [pw.Check("score BETWEEN 0 AND 100")]


class Award(SyncModel):
    manager = pw.ForeignKeyField(Manager, backref="awards")
    kind = pw.CharField(max_length=20)
    period = pw.CharField(max_length=8)  # "2026-05" or "2026-Q2"
    note = pw.CharField(max_length=120, default="")
    awarded_on = pw.DateField()

    class Meta:
        constraints = [one_of("kind", AWARD_KINDS)]


class Candidate(SyncModel):
    """Someone who would join the team (migration 0009): a recruit from a training class with
    written and interview scores, or a transfer-in from another department with that
    department's approval. The outcome names who decided and when (kjtui.services.entry)."""

    kind = pw.CharField(max_length=12)
    name = pw.CharField(max_length=40)
    gender = pw.CharField(max_length=1)
    birth_date = pw.DateField()
    education = pw.CharField(max_length=12)
    phone = pw.CharField(max_length=20, default="")
    former_department = pw.CharField(max_length=60, default="")
    department_approved = pw.BooleanField(default=False)
    model_worker = pw.BooleanField(default=False)  # 先进和模范: first in line
    training_class = pw.ForeignKeyField(TrainingSession, null=True)
    written_score = pw.FloatField(null=True)
    interview_score = pw.FloatField(null=True)
    applied_on = pw.DateField()
    outcome = pw.CharField(max_length=10, null=True)
    outcome_reason = pw.TextField(default="")
    decided_by = pw.ForeignKeyField(Supervisor, null=True)
    decided_on = pw.DateField(null=True)
    admitted_as = pw.ForeignKeyField(Manager, null=True)

    class Meta:
        constraints = [
            one_of("kind", CANDIDATE_KINDS),
            one_of("gender", GENDERS),
            one_of("education", EDUCATION),
            one_of("outcome", CANDIDATE_OUTCOMES, nullable=True),
            pw.Check("written_score IS NULL OR written_score BETWEEN 0 AND 100"),
            pw.Check("interview_score IS NULL OR interview_score BETWEEN 0 AND 100"),
        ]


class LectureRating(SyncModel):
    """One attendee's rating of a weekly meeting's lecture (migration 0009); the session's
    lecture_rating is their mean (kjtui.services.training)."""

    session = pw.ForeignKeyField(TrainingSession, backref="ratings")
    rater = pw.ForeignKeyField(Manager)
    rating = pw.FloatField()

    class Meta:
        indexes = ((("session", "rater"), True),)
        constraints = [pw.Check("rating BETWEEN 0 AND 100")]


HELD_STATES = ("held", "accepted", "rejected", "superseded")
HANDOVER_KINDS = ("customer", "route")


class Handover(SyncModel):
    """A customer or a route given from one manager to another (kjtui hub reassign). The old
    station may still refer to it (records it wrote before it heard), and both stations receive
    it: the new one with everything hanging off the customer or route, the old one so that its
    notebook stops showing it as its own. Manager codes, not keys: no colleague's record travels."""

    kind = pw.CharField(max_length=10)
    record_id = pw.CharField(max_length=32)
    from_station = pw.CharField(max_length=40, default="")
    to_station = pw.CharField(max_length=40, default="")
    at = pw.DateTimeField()

    class Meta:
        indexes = ((("record_id",), False), (("from_station",), False))
        constraints = [one_of("kind", HANDOVER_KINDS)]


class HeldRecord(SyncModel):
    """A station's record the hub did not apply because it breaks a rule of kjtui.models.rules:
    kept with its reason (a catalog key and its parameters) until the administrator decides; the
    rest of the bundle, and every later bundle, applied. Travels back to its station, so the
    laptop shows what waits at the county and why, and then the decision."""

    station = pw.CharField(max_length=40)
    incarnation = pw.IntegerField()
    seq = pw.BigIntegerField()
    table_name = pw.CharField(max_length=40)
    record_id = pw.CharField(max_length=32)
    record_rev = pw.IntegerField()
    reason = pw.CharField(max_length=40)  # catalog key
    params = pw.TextField(default="{}")  # JSON
    incoming = pw.TextField()  # the record as the station sent it, JSON
    current = pw.TextField(default="")  # what the hub held then, JSON ("" when nothing)
    held_at = pw.DateTimeField()
    state = pw.CharField(max_length=10, default="held")
    decided_at = pw.DateTimeField(null=True)
    decided_by = pw.ForeignKeyField(Supervisor, null=True)
    note = pw.TextField(default="")

    class Meta:
        indexes = ((("station", "state"), False), (("table_name", "record_id"), False))
        constraints = [one_of("state", HELD_STATES)]


class Setting(BaseModel):
    """This laptop's settings (language, who is signed in): local, never synced. Migration 0002."""

    key = pw.CharField(max_length=40, primary_key=True)
    value = pw.TextField()


class JournalEntry(BaseModel):
    """This node's own changes in order (migration 0003); sync/ turns a range into a bundle."""

    seq = pw.BigIntegerField(primary_key=True)
    table_name = pw.CharField(max_length=40)
    record_id = pw.CharField(max_length=32)
    rev = pw.IntegerField()
    hlc = pw.BigIntegerField()
    payload = pw.TextField()  # the record as JSON, exactly as written

    class Meta:
        indexes = ((("table_name", "record_id"), False),)



class PinVerifier(BaseModel):
    """Hub only (empty on a station; never synced): K opened from a PIN record's sealed verifier,
    and whether the county accepts that PIN (`refusal` None) or why not. As secret as the hub's
    private keys, which live in the same database."""

    pin = pw.ForeignKeyField(CustomerPin, primary_key=True)
    customer = pw.ForeignKeyField(Customer)
    key = pw.CharField(max_length=64, default="")  # hex; empty when the verifier did not open
    refusal = pw.CharField(max_length=40, null=True)
    opened_at = pw.DateTimeField()


class AckVerdict(BaseModel):
    """Hub only (never synced): the hub's check of a PIN acknowledgement's proof on import. A
    failed one never blocks the bundle; its visit comes first in the spot-check sample."""

    ack = pw.ForeignKeyField(Acknowledgement, primary_key=True)
    visit = pw.ForeignKeyField(Visit)  # its acknowledgement's: no key of its own on PostgreSQL (0014)
    passed = pw.BooleanField()
    reason = pw.CharField(max_length=40, default="")
    checked_at = pw.DateTimeField()


SYNCED = (
    Township, Post, Supervisor, Manager, ManagerStatusChange, Route, Customer, RouteStop,
    MonthlyPlan, PlanDay, DayLog, Visit, PinResetRequest, CustomerPin, Acknowledgement, InfoItem,
    CustomerProposal, ProposalDecision, PinResetDecision, InfoFeedback, SalesTarget, SalesActual,
    WeeklyReview, ReviewFlag, SpotCheck, MonthlyScore, Talk, TrainingSession, ExamScore, Award,
    Candidate, LectureRating, Handover, HeldRecord, MonthClose,
)  # in dependency order: parents first

OWNED_BY_STATION = (
    MonthlyPlan, PlanDay, DayLog, Visit, PinResetRequest, CustomerPin, Acknowledgement, InfoItem,
    CustomerProposal,
)
OWNED_BY_HUB = tuple(m for m in SYNCED if m not in OWNED_BY_STATION)

from kjtui.models.sync_state import SYNC_STATE  # noqa: E402  (sync bookkeeping, migration 0004)

HUB_ONLY = (PinVerifier, AckVerdict)  # hub bookkeeping, never synced (migration 0007)

from kjtui.models.desk import DESK, Account, Decision, ReviewSeen  # noqa: E402, F401  (0013)

ALL_MODELS = (*SYNCED, Setting, JournalEntry, *SYNC_STATE, *HUB_ONLY, *DESK)
