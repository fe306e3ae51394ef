"""A deterministic demo county (the seed county's figures) with a year of notebook history.

Everything is a pure function of the seed and `today`: ids come from a seeded random.Random (a
UUIDv7 shape whose time part is the record's own time), the clock stamps from the record's time.
The generator writes what people write — plans, day logs, visits, reviews, checks, lectures — and
the monthly scores, ranks, awards and eliminations come from kjtui.services.scoring run on that
history month by month, exactly as the county office would run it. An eliminated manager's routes
go to a new hire from the training class, so the team that remains today has the seed's figures.

Rows are written directly (bulk insert_many in a few big transactions, no journal): the demo is
the county's existing state, not this node's own changes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from kjtui.models import (
    GRADES,
    HUB,
    RETAIL_FORMATS,
    SYNCED,
    Acknowledgement,
    Customer,
    CustomerPin,
    CustomerProposal,
    DayLog,
    ExamScore,
    Handover,
    InfoFeedback,
    InfoItem,
    Manager,
    MonthlyPlan,
    PinVerifier,
    PlanDay,
    Post,
    ProposalDecision,
    ReviewFlag,
    Route,
    RouteStop,
    SalesActual,
    SalesTarget,
    SpotCheck,
    Supervisor,
    Talk,
    Township,
    TrainingSession,
    Visit,
    WeeklyReview,
    database,
    derived_id,
    hlc,
    pins,
    uuid7,
)
from kjtui.services import demo_names as N
from kjtui.services import elimination, periods, recognition, scoring
from kjtui.services import rules as rules_file

# --- scales ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    counties: int
    managers: int
    female: int
    urban: int  # urban managers; the rest are rural
    stationed: int  # rural managers stationed at a post of their own
    college: int  # college education or above
    regular: int  # regular staff; the rest are contract staff
    townships: int  # one urban (the county seat) and the rest rural
    customers: int
    urban_customers: int
    months: int  # complete months of history before the current one
    history_counties: int = 1  # counties whose notebooks are written (the others: master data)


_RULES = rules_file.default()  # the elimination numbers the demo steers its history by

AVERAGE_AGE = 28
SCALES = {
    # The seed's county: 23 managers (16 men, 7 women; 5 urban, 18 rural of whom 11 stationed;
    # 83% college or above), 32 townships, 4,222 customers.
    "county": Scale(1, 23, 7, 5, 11, 19, 14, 32, 4222, 1150, 12),
    # A province for benchmarks of customer search: a hundred such counties (2,300 managers,
    # 422,200 customers); notebooks only for the demo county and only this month, so it builds
    # in minutes (a month of every county's visits is 1.5 GB).
    "province": Scale(100, 23, 7, 5, 11, 19, 14, 32, 4222, 1150, 0),
    # For fast tests only (hidden from --help).
    "tiny": Scale(1, 6, 2, 2, 2, 5, 4, 4, 300, 90, 3),
    # The quick benchmark's province (hidden too): eight tiny counties, 48 managers.
    "tiny-province": Scale(8, 6, 2, 2, 2, 5, 4, 4, 300, 90, 0),
}
XINHUA = "431322"  # the county's administrative code starts its licence numbers

# The seed's year of bottom elimination 末位淘汰: 6 managers adjusted, 2 regular staff to standby
# study or another post, 4 contract staff dismissed. The history is steered so that the rule,
# run on it month by month, finds exactly those: (index of the complete month whose close
# eliminates, employment). A manager to be eliminated slumps two months running (bottom two
# twice); the other places of the bottom three go to managers for whom it is no second
# bottom-two month running and no third bottom-three month; whom one more bad month would
# eliminate works hard; everyone else works at FLOOR effort or better. A scale with fewer months
# keeps the entries that fit.
ELIMINATION_PLAN = ((2, "contract"), (4, "regular"), (6, "contract"), (7, "contract"),
                    (9, "regular"), (11, "contract"))
SLUMP, LOW, FLOOR, BOOST = 0.0, 0.5, 0.7, 1.0  # effort: a slump, a low month, the rest, at risk

P_ORDER = {"A": 0.92, "B": 0.82, "C": 0.66, "D": 0.5, "E": 0.35}
QTY = {"A": (12, 40), "B": (6, 20), "C": (3, 12), "D": (2, 8), "E": (1, 4)}
GRADE_W = {"urban": (8, 20, 40, 24, 8), "rural": (4, 13, 40, 31, 12)}
FORMAT_W = {"urban": (25, 30, 10, 20, 10, 5), "rural": (55, 15, 5, 10, 10, 5)}
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    if n <= 10:
        return "十" if n == 10 else CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


class Ids:
    """UUIDv7-shaped ids from a seeded generator: the record's time, then 74 seeded bits."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def __call__(self, at: datetime) -> str:
        return uuid7(hlc.ms_of(at), self.rng.getrandbits(74))

    def at(self, at: datetime):
        return lambda: self(at)


# --- rows -----------------------------------------------------------------------------------------

FIELDS = {
    Township: ("code", "name", "is_urban"),
    Post: ("code", "name", "kind", "township"),
    Supervisor: ("code", "name", "title", "phone"),
    Manager: ("code", "name", "gender", "birth_date", "education", "employment", "post", "status",
              "hired_on", "phone", "model_worker"),
    Route: ("code", "name", "manager", "township"),
    Customer: ("licence_no", "shop_name", "owner_name", "phone", "address", "township", "area",
               "retail_format", "grade", "manager", "route", "active"),
    RouteStop: ("route", "customer", "position"),
    MonthlyPlan: ("manager", "month", "submitted_at"),
    PlanDay: ("plan", "day", "route", "note"),
    DayLog: ("manager", "day", "route", "odometer_start", "odometer_end", "first_phoned",
             "first_phoned_at", "last_phoned", "last_phoned_at", "note"),
    Visit: ("day", "manager", "customer", "on_route", "arrived_at", "departed_at", "ordered",
            "quantity", "price_tags", "agreement_sales", "retail_format_ok", "brand_cultivation",
            "satisfaction", "note"),
    Acknowledgement: ("visit", "method", "handbook_page", "reason", "at", "pin", "proof"),
    InfoItem: ("manager", "customer", "category", "content", "summary", "state", "collected_on",
               "organized_at"),
    CustomerProposal: ("customer", "manager", "field", "old_value", "new_value", "proposed_at"),
    ProposalDecision: ("proposal", "accepted", "note", "decided_by", "decided_at"),
    InfoFeedback: ("item", "supervisor", "text", "at"),
    SalesTarget: ("manager", "month", "quantity"),
    SalesActual: ("manager", "month", "quantity"),
    WeeklyReview: ("manager", "week", "supervisor", "state", "comment", "at", "supersedes"),
    ReviewFlag: ("review", "record_kind", "record_id", "reason"),
    SpotCheck: ("manager", "visit", "day", "method", "result", "note", "supervisor", "at"),
    Talk: ("manager", "supervisor", "month", "held_on", "gains", "suggestions", "shortcomings",
           "causes", "advice"),
    TrainingSession: ("held_on", "kind", "topic", "lecturer", "lecture_rating"),
    ExamScore: ("session", "manager", "score"),
    Handover: ("kind", "record_id", "from_station", "to_station", "at"),
}
COMMON = ("id", "owner", "rev", "hlc", "deleted")


class Sink:
    """Rows waiting to be written, flushed parents first in a few big transactions."""

    def __init__(self):
        self.rows: dict = {m: [] for m in FIELDS}
        self.written = 0

    def add(self, model, rid: str, owner: str, at: datetime, *values) -> str:
        self.rows[model].append((rid, owner, 1, hlc.at(at), False, *values))
        return rid

    def flush(self) -> None:
        # peewee writes the statement once; executemany runs it for every row. insert_many
        # builds SQL text per value and took four times as long for a county.
        cursor = database.obj.cursor()
        with database.atomic():
            for model in SYNCED:
                rows = self.rows.get(model)
                if not rows:
                    continue
                names = COMMON + FIELDS[model]
                fields = [model._meta.fields[n] for n in names]
                sql, _ = model.insert_many(rows[:1], fields=fields).sql()
                cursor.executemany(sql, rows)
                self.written += len(rows)
                rows.clear()


# --- people and places ----------------------------------------------------------------------------


@dataclass
class Person:
    id: str
    code: str
    name: str
    gender: str
    birth: date
    education: str
    employment: str
    diligence: float  # 0..1: drives visits, orders, check-ins, reviews, lectures
    hired_on: date
    odometer: int = 0  # km on the manager's motorbike


@dataclass
class RouteInfo:
    id: str
    township: str
    km: int
    stops: list  # [(customer_id, grade)]


@dataclass
class Slot:
    """A manager's place in the team: a post and its routes, held by one person at a time."""

    county: County
    kind: str  # urban / rural / stationed
    post_id: str
    supervisor: str
    holders: list  # [(from_day, Person)]
    planned: dict  # the identity the team's figures need (for whoever holds the slot today)
    routes: list = field(default_factory=list)
    customers: list = field(default_factory=list)  # [customer_id]
    cursor: int = 0

    def holder_on(self, day: date) -> Person:
        person = self.holders[0][1]
        for since, p in self.holders:
            if since <= day:
                person = p
        return person

    def working(self, day: date) -> bool:
        # Stationed managers live at their post and ride six days a week.
        return day.weekday() < (6 if self.kind == "stationed" else 5)


@dataclass
class County:
    index: int
    tag: str
    supervisors: list
    slots: list = field(default_factory=list)
    next_code: int = 0
    lecture_cursor: int = 0


@dataclass
class Summary:
    managers: int
    customers: int
    rows: int
    first_stationed: str | None
    months_scored: int


class Generator:
    def __init__(self, seed: int, scale: Scale, today: date, progress=None):
        self.rng = random.Random(seed)
        self.ids = Ids(random.Random(seed * 7919 + 1))
        self.scale = scale
        self.today = today
        self.yesterday = today - timedelta(days=1)
        self.now_limit = datetime.combine(today, time(0, 0))
        self.current = today.replace(day=1)
        self.months = [periods.add_months(self.current, i - scale.months)
                       for i in range(scale.months)]
        self.start = self.months[0] if self.months else self.current
        self.master_at = datetime.combine(self.start - timedelta(days=30), time(9, 0))
        self.sink = Sink()
        self.counties: list[County] = []
        self.slot_of: dict[str, Slot] = {}  # manager id -> slot
        self.customer: dict[str, dict] = {}
        self.progress = progress or (lambda step, done, total: None)
        self.steer: dict[str, float] = {}  # person id -> this month's effort (see ELIMINATION_PLAN)
        self.slumping: dict[str, int] = {}  # person id -> the month index whose close eliminates

    # names ---------------------------------------------------------------------------------

    def person_name(self, gender: str) -> str:
        r = self.rng
        surname = r.choice(N.COMPOUND_SURNAMES) if r.random() < 0.02 else r.choice(N.SURNAMES)
        chars = N.MALE_GIVEN if gender == "M" else N.FEMALE_GIVEN
        return surname + "".join(r.choice(chars) for _ in range(r.choice((1, 2, 2))))

    def mobile(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def birth_for_age(self, age: int) -> date:
        anniversary = self.today.replace(year=self.today.year - age, day=min(self.today.day, 28))
        return anniversary - timedelta(days=self.rng.randint(1, 330))

    # master data ---------------------------------------------------------------------------

    def build_master(self) -> None:
        codes = [c for c in range(100) if c != 22]
        for k in range(self.scale.counties):
            prefix = XINHUA if k == 0 else f"4313{codes[k - 1]:02d}"
            tag = "XH" if k == 0 else f"C{k:02d}"
            self.build_county(k, tag, prefix)
            self.progress("master", k + 1, self.scale.counties)
            if (k + 1) % 10 == 0:
                self.sink.flush()
        self.sink.flush()

    def township_names(self, k: int) -> list[str]:
        n = self.scale.townships
        if k == 0:
            return list(N.XINHUA_TOWNSHIPS[:n])
        names, seen = ["城关镇"], {"城关镇"}
        while len(names) < n:
            name = self.rng.choice(N.PLACE_FIRST) + self.rng.choice(N.PLACE_SECOND)
            name += self.rng.choice("镇乡")
            if name not in seen:
                seen.add(name)
                names.append(name)
        return names

    def build_county(self, k: int, tag: str, prefix: str) -> None:
        r, s, at = self.rng, self.scale, self.master_at
        add = self.sink.add
        sups = []
        for i, (title, name) in enumerate(N.SUPERVISORS):
            if k:
                name = self.person_name(r.choice("MF"))
            sid = self.ids(at)
            add(Supervisor, sid, HUB, at, f"{tag}S{i + 1}", name, title,
                f"0738-32{r.randrange(10**5):05d}")
            sups.append(sid)
        county = County(k, tag, sups, next_code=s.managers + 1)
        self.counties.append(county)

        towns = []
        for i, name in enumerate(self.township_names(k)):
            tid = self.ids(at)
            add(Township, tid, HUB, at, f"{tag}T{i + 1:02d}", name, i == 0)
            towns.append((tid, name))
        urban_town, rural_towns = towns[0], towns[1:]

        # The team's figures are fixed per slot; who first holds each slot is drawn below.
        n = s.managers
        genders = ["F"] * s.female + ["M"] * (n - s.female)
        education = (["master"] + ["bachelor", "college"] * n)[: s.college]
        education += (["high_school", "technical"] * n)[: n - s.college]
        employment = ["regular"] * s.regular + ["contract"] * (n - s.regular)
        ages = [r.randint(23, 34) for _ in range(n)]
        while sum(ages) != AVERAGE_AGE * n:
            i = r.randrange(n)
            step = 1 if sum(ages) < AVERAGE_AGE * n else -1
            if 22 <= ages[i] + step <= 35:
                ages[i] += step
        for values in (genders, education, employment):
            r.shuffle(values)
        kinds = ["urban"] * s.urban + ["stationed"] * s.stationed
        kinds += ["rural"] * (n - s.urban - s.stationed)

        city_post = self.ids(at)
        add(Post, city_post, HUB, at, f"{tag}P00", "城区客户服务部", "urban", urban_town[0])
        rural_post = self.ids(at)
        add(Post, rural_post, HUB, at, f"{tag}P99", "农村客户服务组", "rural", None)

        rural_slots = [i for i in range(n) if kinds[i] != "urban"]
        weights = [r.uniform(0.6, 1.4) for _ in rural_towns]
        per_town = {urban_town[0]: s.urban_customers}
        per_town.update(zip((t[0] for t in rural_towns),
                            apportion(s.customers - s.urban_customers, weights)))
        areas: dict[int, list] = {i: [urban_town] if kinds[i] == "urban" else [] for i in range(n)}
        if len(rural_towns) >= len(rural_slots):
            # Biggest township first to the least loaded manager: even workloads.
            load = {i: 0 for i in rural_slots}
            for town in sorted(rural_towns, key=lambda t: (-per_town[t[0]], t[1])):
                i = min(rural_slots, key=lambda j: (load[j], j))
                areas[i].append(town)
                load[i] += per_town[town[0]]
        else:  # fewer townships than managers (tiny scale): managers share them
            for j, i in enumerate(rural_slots):
                areas[i].append(rural_towns[j % len(rural_towns)])

        for i in range(n):
            kind = kinds[i]
            post = city_post if kind == "urban" else rural_post
            if kind == "stationed":
                post = self.ids(at)
                town_id, town_name = areas[i][0]
                add(Post, post, HUB, at, f"{tag}P{i + 1:02d}",
                    town_name.rstrip("镇乡") + "驻点", "stationed", town_id)
            planned = dict(gender=genders[i], birth=self.birth_for_age(ages[i]),
                           education=education[i])
            person = Person(
                id=self.ids(at), code=f"{tag}{i + 1:02d}", name=self.person_name(genders[i]),
                gender=genders[i], birth=planned["birth"], education=education[i],
                employment=employment[i], diligence=round(0.6 + 0.4 * r.random() ** 0.7, 3),
                hired_on=self.start - timedelta(days=r.randint(200, 2500)),
            )
            person.odometer = r.randint(3000, 40000)
            slot = Slot(county, kind, post, sups[i % 3], [(date.min, person)], planned)
            county.slots.append(slot)
            self.slot_of[person.id] = slot
            self.add_manager(person, slot, at)

        # Customers: the county seat's for the urban managers, the rest over rural townships.
        sharing: dict[str, list] = {}
        for i in range(n):
            for town in areas[i]:
                sharing.setdefault(town[0], []).append(i)
        share = {}  # (slot, township) -> customers
        for town_id, _ in towns:
            holders = sharing.get(town_id, [])
            for i, count in zip(holders, apportion(per_town[town_id], [1.0] * len(holders))):
                share[i, town_id] = count
        routes_in = {}  # (slot, township) -> routes: 10-16 a manager, of 10 customers or more
        for i in range(n):
            mine = [(t[0], share[i, t[0]]) for t in areas[i]]
            total = sum(c for _, c in mine)
            k = min(16, max(10, round(total / r.uniform(12, 18))), max(1, total // 10))
            k = max(k, len(mine))
            for (town_id, _), m in zip(mine, apportion(k - len(mine), [c for _, c in mine])):
                routes_in[i, town_id] = m + 1
        licences = iter(r.sample(range(100000, 1000000), s.customers))
        for town_id, town_name in towns:
            holders = sharing.get(town_id, [])
            villages = [r.choice(N.PLACE_FIRST) + r.choice(N.PLACE_SECOND) for _ in range(10)]
            route_no = 0
            for i in holders:
                slot, count = county.slots[i], share[i, town_id]
                for size in apportion(count, [1.0] * routes_in[i, town_id]):
                    route_no += 1
                    route = self.add_route(slot, town_id, town_name, route_no, size, at)
                    for pos in range(size):
                        cid = self.add_customer(slot, route, town_name, town_id == urban_town[0],
                                                villages, prefix + f"{next(licences)}", at)
                        add(RouteStop, self.ids(at), HUB, at, route.id, cid, pos)

    def add_manager(self, p: Person, slot: Slot, at: datetime) -> None:
        self.sink.add(Manager, p.id, HUB, at, p.code, p.name, p.gender, p.birth, p.education,
                      p.employment, slot.post_id, "active", p.hired_on, self.mobile(),
                      self.rng.random() < 0.15)

    def add_route(self, slot, town_id, town_name, number, size, at) -> RouteInfo:
        r = self.rng
        km = {"urban": (12, 30), "stationed": (20, 60), "rural": (35, 90)}[slot.kind]
        route = RouteInfo(self.ids(at), town_id, r.randint(*km), [])
        person = slot.holders[0][1]
        code = f"{slot.county.tag}R{person.code[-2:]}{len(slot.routes) + 1:02d}"
        self.sink.add(Route, route.id, HUB, at, code,
                      f"{town_name.rstrip('镇乡')}{cn_number(number)}线", person.id, town_id)
        slot.routes.append(route)
        return route

    def add_customer(self, slot, route, town_name, urban, villages, licence, at) -> str:
        r = self.rng
        area = "urban" if urban else "rural"
        fmt = r.choices(RETAIL_FORMATS, FORMAT_W[area])[0]
        grade = r.choices(GRADES, GRADE_W[area])[0]
        owner = self.person_name(r.choice("MF"))
        kind = r.choice(N.SHOP_KINDS[fmt])
        if urban:
            place = r.choice(N.STREETS)
            address = f"{town_name}{place}{r.randint(1, 380)}号"
        else:
            place = r.choice(villages)
            address = f"{town_name}{place}村{r.randint(1, 12)}组"
        roll = r.random()
        if roll < 0.3:
            shop = owner[0] + "记" + kind
        elif roll < 0.55:
            shop = r.choice(N.LUCKY) + kind
        elif roll < 0.75:
            shop = place.removesuffix("路").removesuffix("街") + kind
        else:
            shop = owner[-2:] + kind
        cid = self.ids(at)
        phone = self.mobile()
        person = slot.holders[0][1]
        self.sink.add(Customer, cid, HUB, at, licence, shop, owner, phone, address, route.township,
                      area, fmt, grade, person.id, route.id, True)
        self.customer[cid] = dict(shop_name=shop, owner_name=owner, phone=phone, address=address,
                                  retail_format=fmt, grade=grade)
        route.stops.append((cid, grade))
        slot.customers.append(cid)
        return cid

    # history -------------------------------------------------------------------------------

    def build_history(self) -> int:
        scored = 0
        months = [*self.months, self.current]
        for i, month in enumerate(months):
            complete = month != self.current
            self.build_month(month, complete)
            self.sink.flush()
            if complete:
                self.close_month(month)
                scored += 1
            self.progress("months", i + 1, len(months))
        return scored

    def build_month(self, month: date, complete: bool) -> None:
        self.steer = self.plan_efforts(self.months.index(month)) if complete else {}
        end = scoring.month_end(month)
        days = [month + timedelta(days=i) for i in range((end - month).days + 1)]
        self.worked: dict = {}  # (person id, monday) -> [(kind, id)]
        for county in self.counties[: self.scale.history_counties]:
            for slot in county.slots:
                self.slot_month(slot, month, days, complete)
            self.training(county, month, days)

    def slot_month(self, slot: Slot, month: date, days: list, complete: bool) -> None:
        r, add = self.rng, self.sink.add
        by_person: dict[str, tuple] = {}
        for d in days:
            if slot.working(d):
                p = slot.holder_on(d)
                by_person.setdefault(p.id, (p, []))[1].append(d)
        for p, pdays in by_person.values():
            effort = min(1.0, max(0.3, p.diligence + r.gauss(0, 0.1)))
            if self.steer:
                effort = self.steer.get(p.id, max(FLOOR, effort))
            submitted = min(datetime.combine(max(pdays[0], p.hired_on), time(7, 30)),
                            self.now_limit - timedelta(hours=4))
            plan = add(MonthlyPlan, self.ids(submitted), p.code, submitted, p.id, month, submitted)
            expected = 0.0
            visits_of_month = []
            sold = 0
            for d in pdays:
                route = slot.routes[slot.cursor % len(slot.routes)]
                slot.cursor += 1
                add(PlanDay, self.ids(submitted), p.code, submitted, plan, d, route.id,
                    r.choice(N.PLAN_NOTES))
                expected += sum(P_ORDER[g] * 0.95 * sum(QTY[g]) / 2 for _, g in route.stops)
                if d < self.today:
                    got = self.day(slot, p, d, route, effort)
                    if got:
                        visits_of_month.extend(got[0])
                        sold += got[1]
            target_at = datetime.combine(month, time(8, 0))
            target = int(round(expected * 1.25 / 10.0)) * 10
            add(SalesTarget, self.ids(target_at), HUB, target_at, p.id, month, target)
            if complete:
                actual_at = datetime.combine(periods.add_months(month, 1), time(6, 0))
                actual = sold + round(sold * r.uniform(0.18, 0.32))
                add(SalesActual, self.ids(actual_at), HUB, actual_at, p.id, month, actual)
            self.information(slot, p, pdays, effort)
            self.proposals(slot, p, pdays, effort)
            self.spot_checks(slot, p, visits_of_month, effort)
            self.reviews(slot, p, month, effort)

    def plan_efforts(self, i: int) -> dict[str, float]:
        """This complete month's steered efforts (ELIMINATION_PLAN): who slumps, who has a low
        month; everyone else works at FLOOR or better. Decided from the ranks the scoring
        service wrote for the months before, so the rule finds exactly the planned managers."""
        month = self.months[i]
        first = month
        people = [slot.holder_on(first) for county in self.counties[: self.scale.history_counties]
                  for slot in county.slots]
        active = {m.id for m in Manager.select(Manager.id).where(Manager.status == "active")}
        people = [p for p in people if p.id in active]
        before = [self.months[j] for j in range(max(0, i - _RULES.window_months + 1), i)]
        last_two = elimination.bottom(self.months[i - 1], _RULES.bottom_consecutive) \
            if i else set()
        threes = [elimination.bottom(m, _RULES.bottom_repeated) for m in before]

        def hits(p) -> int:
            return sum(p.id in t for t in threes)

        # The slump of the manager the next planned close eliminates starts a month before it.
        for close, employment in ELIMINATION_PLAN:
            if close == i + 1 and close < len(self.months):
                chosen = set(self.slumping)
                fits = [p for p in people if p.employment == employment and p.id not in chosen
                        and p.id not in last_two and hits(p) <= 1
                        and (first - p.hired_on).days > 60]
                if fits:
                    target = min(fits, key=lambda p: (hits(p), p.diligence, p.code))
                    self.slumping[target.id] = close
        steer = {pid: SLUMP for pid, close in self.slumping.items()
                 if close in (i, i + 1) and pid in active}
        # The rest of the bottom three: managers for whom it is neither a second bottom-two
        # month in a row nor a third bottom-three month.
        lows = [p for p in people if p.id not in steer and p.id not in self.slumping
                and p.id not in last_two and hits(p) <= 1]
        lows.sort(key=lambda p: (hits(p), p.diligence, p.code))
        for p in lows[: max(0, _RULES.bottom_repeated - len(steer))]:
            steer[p.id] = LOW
        # Whom one more bad month would eliminate works hard this one.
        for p in people:
            if p.id not in steer and (p.id in last_two or hits(p) >= 2):
                steer[p.id] = BOOST
        return steer

    def day(self, slot: Slot, p: Person, d: date, route: RouteInfo, effort: float):
        r, add, ids = self.rng, self.sink.add, self.ids
        if r.random() < 0.05 * (1.3 - effort):
            return None  # sick, or simply not out: a planned day without a log
        if r.random() < 0.03:
            route = r.choice(slot.routes)
        start = p.odometer + r.randint(0, 6)
        end = start + max(3, route.km + r.randint(-5, 8))
        p.odometer = end
        t = datetime.combine(d, time(8, 0)) + timedelta(minutes=r.randint(0, 50))
        log_id = ids(t)
        stops = list(route.stops)
        if r.random() < 0.06:  # an extra customer off the route (a call, a complaint)
            cid = r.choice(slot.customers)
            stops.append((cid, self.customer[cid]["grade"]))
        gap = max(4, 480 // max(1, len(stops)) - 12)
        visits, sold = [], 0
        first_at = last_at = None
        for n, (cid, grade) in enumerate(stops):
            if r.random() > 0.78 + 0.22 * effort:
                t += timedelta(minutes=r.randint(2, 6))
                continue
            arrived = t
            departed = arrived + timedelta(minutes=r.randint(6, 14))
            t = departed + timedelta(minutes=r.randint(3, gap))
            ordered = r.random() < P_ORDER[grade] * (0.7 + 0.35 * effort)
            quantity = r.randint(*QTY[grade]) if ordered else 0
            sold += quantity
            roll = r.random()
            satisfaction = 5 if roll < 0.6 else 4 if roll < 0.975 else 3 if roll < 0.995 else 2
            vid = ids(arrived)
            add(Visit, vid, p.code, arrived, log_id, p.id, cid, n < len(route.stops), arrived,
                departed, ordered, quantity, r.random() < 0.85 + 0.14 * effort,
                (r.random() < 0.9 + 0.1 * effort) if grade in "AB" else None,
                r.random() < 0.93,
                (r.random() < 0.6 + 0.38 * effort) if grade in "ABC" else None,
                satisfaction, "")
            roll = r.random()
            # History before this laptop: PIN acknowledgements without a proof for the hub, as
            # a notebook from before migration 0007 holds them.
            if roll < 0.86:
                add(Acknowledgement, ids(departed), p.code, departed, vid, "pin", "", "",
                    departed, None, "")
            elif roll < 0.985:
                add(Acknowledgement, ids(departed), p.code, departed, vid, "paper",
                    str(r.randint(1, 120)), "", departed, None, "")
            else:
                add(Acknowledgement, ids(departed), p.code, departed, vid, "declined", "",
                    r.choice(N.DECLINE_REASONS), departed, None, "")
            visits.append((vid, d))
            first_at = first_at or arrived
            last_at = departed
        first_ok = first_at is not None and r.random() < 0.5 + 0.5 * effort
        last_ok = last_at is not None and r.random() < 0.5 + 0.5 * effort
        add(DayLog, log_id, p.code, datetime.combine(d, time(8, 0)), p.id, d, route.id, start, end,
            first_ok, first_at + timedelta(minutes=r.randint(2, 12)) if first_ok else None,
            last_ok, last_at + timedelta(minutes=r.randint(2, 20)) if last_ok else None, "")
        week = self.worked.setdefault((p.id, d - timedelta(days=d.weekday())), [])
        week.append(("day_log", log_id))
        week.extend(("visit", v) for v, _ in visits[:3])
        return visits, sold

    def before_today(self, at: datetime) -> bool:
        return at < self.now_limit

    def information(self, slot, p, pdays, effort) -> None:
        r, add = self.rng, self.sink.add
        past = [d for d in pdays if d < self.today]
        if not past:
            return
        for _ in range(r.randint(0, 2) + round(5 * effort * r.random())):
            d = r.choice(past)
            at = datetime.combine(d, time(r.randint(9, 17), r.randint(0, 59)))
            category = r.choice(tuple(N.INFO))
            content, summary = r.choice(N.INFO[category])
            age = (self.today - d).days
            roll = r.random()
            if age > 30:
                state = "fed_back" if roll < 0.75 else "organized" if roll < 0.95 else "collected"
            elif age > 7:
                state = "fed_back" if roll < 0.4 else "organized" if roll < 0.8 else "collected"
            else:
                state = "organized" if roll < 0.3 else "collected"
            organized = at + timedelta(days=r.randint(1, 4), hours=2)
            if state != "collected" and not self.before_today(organized):
                state, organized = "collected", None
            if state == "collected":
                organized = None
            customer = r.choice(slot.customers) if r.random() < 0.7 else None
            item = add(InfoItem, self.ids(at), p.code, at, p.id, customer, category, content,
                       summary if organized else "", state, d, organized)
            if state == "fed_back":
                fed = organized + timedelta(days=r.randint(1, 6))
                if self.before_today(fed):
                    add(InfoFeedback, self.ids(fed), HUB, fed, item,
                        r.choice(slot.county.supervisors), r.choice(N.FEEDBACK), fed)

    def proposals(self, slot, p, pdays, effort) -> None:
        r, add = self.rng, self.sink.add
        past = [d for d in pdays if d < self.today]
        if not past:
            return
        for _ in range(sum(r.random() < 0.2 + 0.55 * effort for _ in range(6))):
            d = r.choice(past)
            at = datetime.combine(d, time(r.randint(9, 17), r.randint(0, 59)))
            cid = r.choice(slot.customers)
            field_name = r.choice(("phone", "phone", "address", "retail_format", "grade",
                                   "owner_name", "shop_name"))
            current = self.customer[cid][field_name]
            other = {
                "phone": self.mobile,
                "address": lambda current=current: current.rsplit("组", 1)[0][:-1]
                + f"{r.randint(1, 12)}组"
                if current.endswith("组") else current[:-3] + f"{r.randint(1, 380)}号",
                "retail_format": lambda current=current: r.choice(
                    [f for f in RETAIL_FORMATS if f != current]),
                "grade": lambda current=current: r.choice([g for g in GRADES if g != current]),
                "owner_name": lambda: self.person_name(r.choice("MF")),
                "shop_name": lambda: r.choice(N.LUCKY) + r.choice(N.SHOP_KINDS["grocery"]),
            }[field_name]()
            accepted = r.random() < 0.85
            # The record shows today's master data: an accepted change is the current value.
            old, new = (other, current) if accepted else (current, other)
            proposal = add(CustomerProposal, self.ids(at), p.code, at, cid, p.id, field_name,
                           old, new, at)
            decided = at + timedelta(days=r.randint(1, 5))
            if self.before_today(decided):
                add(ProposalDecision, self.ids(decided), HUB, decided, proposal, accepted,
                    "" if accepted else "核实不符", r.choice(slot.county.supervisors), decided)

    def spot_checks(self, slot, p, visits, effort) -> None:
        r, add = self.rng, self.sink.add
        if not visits:
            return
        for _ in range(r.randint(1, 3)):
            vid, d = r.choice(visits)
            method = r.choices(("phone", "onsite", "inquiry"), (60, 25, 15))[0]
            roll = r.random()
            result = ("unreachable" if method == "phone" and roll < 0.05 else
                      "discrepancy" if r.random() < 0.3 * (1 - effort) else "confirmed")
            at = datetime.combine(d + timedelta(days=r.randint(0, 2)), time(r.randint(15, 17)))
            if self.before_today(at):
                add(SpotCheck, self.ids(at), HUB, at, p.id, vid, d, method, result,
                    r.choice(N.SPOT_NOTES[result]), slot.supervisor, at)

    def reviews(self, slot, p, month, effort) -> None:
        """按周批阅流转: each week the manager worked, read the Monday after."""
        r, add = self.rng, self.sink.add
        for (pid, monday), records in list(self.worked.items()):
            if pid != p.id or monday < month:
                continue
            at = datetime.combine(monday + timedelta(days=7), time(r.randint(9, 16)))
            if not self.before_today(at):
                continue
            returned = r.random() < 0.04 + 0.35 * (1 - effort)
            state = "returned" if returned else "reviewed"
            review = add(WeeklyReview, self.ids(at), HUB, at, p.id, monday, slot.supervisor, state,
                         r.choice(N.REVIEW_COMMENTS[state]), at, None)
            if returned:
                for kind, rid in r.sample(records, min(len(records), r.randint(1, 2))):
                    add(ReviewFlag, self.ids(at), HUB, at, review, kind, rid,
                        r.choice(N.FLAG_REASONS[kind]))
                again = at + timedelta(days=3)
                if self.before_today(again):
                    add(WeeklyReview, self.ids(again), HUB, again, p.id, monday, slot.supervisor,
                        "reviewed", "已更正。", again, review)

    def training(self, county: County, month: date, days: list) -> None:
        r, add = self.rng, self.sink.add
        fridays = [d for d in days if d.weekday() == 4]
        for d in days:
            if d >= self.today:
                break
            at = datetime.combine(d, time(8, 30))
            if d.weekday() == 0:  # the weekly department meeting; managers lecture in turn
                slot = county.slots[county.lecture_cursor % len(county.slots)]
                county.lecture_cursor += 1
                p = slot.holder_on(d)
                rating = round(min(100.0, max(0.0, 62 + 33 * p.diligence + r.gauss(0, 4))), 1)
                add(TrainingSession, self.ids(at), HUB, at, d, "weekly_meeting",
                    r.choice(N.TRAINING_TOPICS["weekly_meeting"]), p.id, rating)
            elif d.weekday() == 5 and d.day <= 7 and d.month in (3, 9):  # holiday classes
                add(TrainingSession, self.ids(at), HUB, at, d, "class",
                    r.choice(N.TRAINING_TOPICS["class"]), None, None)
            elif d == fridays[-1]:  # the month's stage exam
                session = add(TrainingSession, self.ids(at), HUB, at, d, "exam",
                              r.choice(N.TRAINING_TOPICS["exam"]), None, None)
                for slot in county.slots:
                    p = slot.holder_on(d)
                    score = round(min(100.0, max(0.0, 52 + 44 * p.diligence + r.gauss(0, 5))), 1)
                    add(ExamScore, self.ids(at), HUB, at, session, p.id, score)

    # after a month: scores, awards, talks, elimination ------------------------------------------

    def close_month(self, month: date) -> None:
        r = self.rng
        day = min(periods.add_months(month, 1) + timedelta(days=7), self.yesterday)
        now = datetime.combine(day, time(9, 0) if day.day == 8 else time(18, 0))
        scores = scoring.score_month(month, now=now, make_id=self.ids.at(now))
        recognition.grant_awards(month, awarded_on=day, make_id=self.ids.at(now))
        for s in scores:
            slot = self.slot_of[s.manager_id]
            held = day + timedelta(days=r.randint(1, 6))
            if held >= self.today:
                continue
            present = {k: v for k, v in s.parts.items() if v is not None} or s.stored_parts()
            parts = sorted(present.items(), key=lambda kv: (kv[1], kv[0]))
            worst, best = parts[0], parts[-1]
            at = datetime.combine(held, time(15, 0))
            self.sink.add(
                Talk, self.ids(at), HUB, at, s.manager_id, slot.supervisor, month, held,
                N.TALK["gains"].format(best=N.PART_WORDS[best[0]], rank=s.rank),
                r.choice(N.TALK["suggestions"]),
                N.TALK["shortcomings"].format(worst=N.PART_WORDS[worst[0]], score=worst[1]),
                r.choice(N.TALK["causes"]),
                N.TALK["advice"].format(worst=N.PART_WORDS[worst[0]]),
            )
        effective = min(day + timedelta(days=1), self.today)
        decided = now + timedelta(hours=1)
        out = elimination.apply_eliminations(
            month, effective_on=effective, decided_by=self.counties[0].supervisors[0],
            now=decided, make_id=self.ids.at(decided))
        for c in out:
            self.replace(self.slot_of[c.manager_id], c.manager_id, effective, decided)
        self.sink.flush()

    def replace(self, slot: Slot, leaver_id: str, effective: date, at: datetime) -> None:
        """The slot goes to a new hire from the training class, who gets the identity the team's
        figures call for; the one who leaves is given an identity of the old staff."""
        r = self.rng
        county = slot.county
        leaver = slot.holder_on(effective)
        gender = r.choice("MF")
        Manager.update(
            name=self.person_name(gender), gender=gender,
            birth_date=self.birth_for_age(r.randint(36, 48)),
            education=r.choice(("high_school", "technical", "college")),
        ).where(Manager.id == leaver_id).execute()
        code = f"{county.tag}{county.next_code:02d}"
        county.next_code += 1
        person = Person(
            id=self.ids(at), code=code, name=self.person_name(slot.planned["gender"]),
            gender=slot.planned["gender"], birth=slot.planned["birth"],
            education=slot.planned["education"], employment="contract",
            diligence=round(0.8 + 0.2 * r.random(), 3), hired_on=effective,
            odometer=r.randint(3000, 30000),
        )
        self.add_manager(person, slot, at)
        # The leaver's routes and customers change hands as `kjtui hub reassign` records it, so
        # the leaver's records written before still refer to them (kjtui.models.rules).
        for model, kind in ((Route, "route"), (Customer, "customer")):
            for (rid,) in model.select(model.id).where(model.manager == leaver.id).tuples():
                self.sink.add(Handover, derived_id("handover", f"{rid}|{effective}"), HUB, at,
                              kind, rid, leaver.code, code, at)
        self.sink.flush()
        Route.update(manager=person.id).where(Route.manager == leaver.id).execute()
        Customer.update(manager=person.id).where(Customer.manager == leaver.id).execute()
        slot.holders.append((effective, person))
        self.slot_of[person.id] = slot


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` into whole numbers that add up exactly."""
    if not weights:
        return []
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


# --- the demo customers' PINs -----------------------------------------------------------------


def demo_pin(licence_no: str) -> str:
    """The rule of the demo county (README, and the demo's first message): a customer's PIN is
    the last six digits of the licence number shown beside the shop, 431322123456 → 123456."""
    return licence_no[-pins.PIN_DIGITS:]


def write_demo_pins(seed: int, code: str, today: date) -> int:
    """PIN records, by the demo rule, for the customers of the route `code` rides today (or on
    the next planned day): the route a new user starts on. Each costs one scrypt (tens of ms),
    so not the whole county; any other customer chooses a PIN at the first acknowledgement, and
    the same rule is an easy one to choose. Returns the number written."""
    manager = Manager.get(Manager.code == code)
    planned = (PlanDay.select(PlanDay.route).join(MonthlyPlan)
               .where((MonthlyPlan.manager == manager.id) & (PlanDay.day >= today)
                      & PlanDay.route.is_null(False))
               .order_by(PlanDay.day).first())
    route = planned.route_id if planned else (
        Route.select(Route.id).where(Route.manager == manager.id).order_by(Route.code).scalar())
    customers = list(Customer.select(Customer.id, Customer.licence_no).join(
        RouteStop, on=RouteStop.customer == Customer.id).where(RouteStop.route == route)
        .order_by(RouteStop.position))
    rng = random.Random(seed * 7919 + 2)
    at = datetime.combine(today - timedelta(days=400), time(9, 0))
    rows, verifiers = [], []
    for c in customers:
        salt = rng.randbytes(pins.SALT_BYTES)
        key = pins.derive_key(demo_pin(c.licence_no), salt)
        pin_id = uuid7(hlc.ms_of(at), rng.getrandbits(74))
        rows.append(dict(id=pin_id, owner=code, rev=1, hlc=hlc.at(at), deleted=False,
                         customer=c.id, salt=salt.hex(), check_bits=pins.check_of(key),
                         verifier="", set_at=at))
        # The demo database is its own hub: it holds K, as the county's hub would.
        verifiers.append(dict(pin=pin_id, customer=c.id, key=key.hex(), refusal=None,
                              opened_at=at))
    with database.atomic():
        if rows:
            CustomerPin.insert_many(rows).execute()
            PinVerifier.insert_many(verifiers).execute()
    return len(rows)


def build(*, seed: int = 1, scale: str = "county", today: date | None = None,
          progress=None) -> Summary:
    """Write the demo into the bound (empty) database. `progress(step, done, total)`."""
    from kjtui.services.search import bulk_load

    gen = Generator(seed, SCALES[scale], today or date.today(), progress)
    with bulk_load():  # the search index is built once, not row by row through its triggers
        gen.build_master()
    scored = gen.build_history()
    first = (
        Manager.select(Manager.code).join(Post)
        .where((Post.kind == "stationed") & (Manager.status == "active"))
        .order_by(Manager.code).scalar()
    )
    if first:
        write_demo_pins(seed, first, gen.today)
    return Summary(
        managers=Manager.select().where(Manager.status == "active").count(),
        customers=len(gen.customer), rows=gen.sink.written, first_stationed=first,
        months_scored=scored,
    )


def is_empty() -> bool:
    """No synced record at all (a fresh or never-used notebook)."""
    tables = set(database.obj.get_tables())
    return not any(m.select().exists() for m in SYNCED if m._meta.table_name in tables)


def wipe() -> None:
    """Remove every synced record, children first (a --force rebuild on a server database)."""
    from kjtui.models import HUB_ONLY

    with database.atomic():
        for model in (*HUB_ONLY, *reversed(SYNCED)):  # the hub's verdicts point at records
            model.delete().execute()
