"""The catalog and the code agree: every key the code names exists, in both languages with the
same parameters, and every key is used somewhere (a dead key is deleted, not kept "in case").

The code is read, not run: a key is used when it is a string in the code (kjtui, sync,
benchmarks; not the catalog, not the tests), or when it belongs to a family the code builds from
a prefix and a value (`f"flag.visit.{flag}"`, `"tx." + words`). Those families are listed in
FAMILIES by hand, so that a new one is a decision: a test fails when the code builds a family
that is not listed, or when a listed one is built nowhere any more."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from kjtui.catalog import messages

ROOT = Path(__file__).parent.parent

# The calls whose argument at this position is a catalog key.
KEY_ARGS = {
    "t": 0, "text": 0, "Key": 2, "Refused": 0, "unless_confirmed": 0, "KjtuiError": 0,
    "BundleError": 0, "DatabaseError": 0, "Violation": 0, "Bad": 0, "problem": 3, "refusal": 0,
    "Refusal": 0,
}

# The key families the code builds, `*` standing for the value: where, and (when a module lists
# them) the values, so that each key built is checked to exist too.
FAMILIES = {
    "ack.short.*": "screens/today.py: the way a visit was acknowledged",
    "check.*": "widgets/visit_form.py, ack_dialog.py: visits.CHECKS",
    "checkin.unreport_*": "services/day.py: first, last",
    "choice.*.*": "i18n.choice(field, code), county_import.template",
    "choice.ack.*": "screens/today.py, widgets/ack_dialog.py",
    "choice.candidate.*": "commands/staff.py",
    "cust.decision.*": "screens/customers.py",
    "demo.step.*": "commands/demo.py",
    "desk.kind.*": "screens/desk/month.py: the kinds of record behind a part",
    "desk.outcome.*": "screens/desk/month.py: what a close, reopen or decision did",
    "desk.state.*": "screens/desk/month.py: the month's state",
    "field.*": "screens/customers.py, widgets/proposal_dialog.py: a proposal's field",
    "fig.*": "screens/today.py: the odometer figures",
    "flag.visit.*": "screens/today.py, week.py: visits.FLAGS",
    "home.warning.*": "screens/home.py",
    "import.kind.*": "commands/template.py, services/county_import.py: import_columns.KINDS",
    "import.step.*": "commands/importing.py",
    "kind.*": "screens/week.py: the kinds of record",
    "md.what.*": "screens/desk/master_data.py: the kind of record a form makes or changes",
    "month.award.*": "commands/month.py",
    "month.outcome.*": "commands/month.py",
    "month.warning.*": "commands/month.py",
    "nav.*": "app.py: the binding ids of the places (their keys are written out too)",
    "office.feedback.none.*": "screens/desk/feedback.py: waiting, answered",
    "office.feedback.title.*": "screens/desk/feedback.py: waiting, answered",
    "office.talk.*": "widgets/office_dialogs.py, screens/desk/talks.py: a talk's five fields",
    "office.why.*": "screens/desk/spot_checks.py: why spotcheck.priorities weighs a visit",
    "odo.*_title": "widgets/odometer_dialog.py: start, end",
    "plan.skip.*": "screens/plan.py",
    "push.status.*": "commands/sync.py",
    "record.*": "display.held_reason: the kind of a record held at the county",
    "rep.award.*": "reports/month.py: monthly star, quarterly excellent, ...",
    "rep.rule.*": "reports/month.py: the elimination rules",
    "review.week_state.*": "screens/week.py: review.ReviewWeek.state",
    "review.concern.*": "services/review_checks.py: Concern.key, its reasons and visits.FLAGS",
    "score.missing.*": "commands/month.py",
    "score.part.*": "commands/month.py: scoring.PARTS",
    "score.short.*": "screens/desk/month.py: a part's short name in the bars' legend",
    "score.unranked.*": "commands/month.py",
    "sheet.col.*": "commands/importing.py, staff.py: the sheets' column keys",
    "staff.outcome.*": "commands/staff.py",
    "table.*": "commands/importing.py: the tables an import writes",
    "tx.*": "bindings.in_language: Textual's own words, by their English",
    "weekday.*": "screens/plan.py, week.py: 0 to 6",
}


def family_values() -> dict[str, set[str]]:
    """The keys of the families whose values a module lists."""
    from kjtui.services import import_columns, scoring, visits

    kinds = import_columns.KINDS.values()
    return {
        "check.*": {f"check.{n}" for n in visits.CHECKS},
        "flag.visit.*": {f"flag.visit.{f}" for f in visits.FLAGS},
        "import.kind.*": {f"import.kind.{k}" for k in import_columns.KINDS},
        "sheet.col.*": {f"sheet.col.{c.key}" for k in kinds for c in k.columns},
        "score.part.*": {f"score.part.{p}" for p in scoring.PARTS},
        "weekday.*": {f"weekday.{i}" for i in range(7)},
        "choice.*.*": {f"choice.{c.hint[1]['field']}.{code}" for k in kinds for c in k.columns
                       if "codes" in c.hint[1] for code in c.hint[1]["codes"]},
    }


def _pattern(family: str) -> re.Pattern:
    return re.compile("[^ ]+".join(re.escape(part) for part in family.split("*")))


@cache
def code() -> tuple[frozenset[str], frozenset[str], tuple[tuple[str, int, str], ...]]:
    """The strings of the code, the families it builds, and the literal keys it passes to a call
    that takes a key (file, line, key)."""
    namespaces = {k.split(".")[0] for k in messages()}
    strings, families, named = set(), set(), []

    def family(head: str, star: str) -> None:
        if re.match(r"[a-z_]+\.", head) and head.split(".")[0] in namespaces:
            families.add(star)

    def literals(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.IfExp):
            yield from literals(node.body)
            yield from literals(node.orelse)

    files = [p for top in ("kjtui", "sync", "benchmarks") for p in (ROOT / top).rglob("*.py")
             if "catalog" not in p.relative_to(ROOT).parts]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_fstring = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                parts = [v.value if isinstance(v, ast.Constant) else "*" for v in node.values]
                in_fstring.update(id(v) for v in node.values)
                family(parts[0], "".join(parts))
            elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)
                  and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
                  and node.left.value.endswith(".")):
                family(node.left.value, node.left.value + "*")
            elif isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                at = KEY_ARGS.get(name)
                if at is not None and len(node.args) > at:
                    named += [(str(path.relative_to(ROOT)), node.lineno, key)
                              for key in literals(node.args[at])]
        strings.update(node.value for node in ast.walk(tree)
                       if isinstance(node, ast.Constant) and isinstance(node.value, str)
                       and id(node) not in in_fstring)
    return frozenset(strings), frozenset(families), tuple(named)


def test_every_key_has_both_languages_with_the_same_parameters():
    param = re.compile(r"\{(\w+)(?:\|[^{}|]*\|[^{}|]*)?\}")
    wrong = []
    for key, pair in messages().items():
        if not (isinstance(pair, tuple) and len(pair) == 2
                and all(isinstance(s, str) and s.strip() for s in pair)):
            wrong.append((key, pair))
        elif set(param.findall(pair[0])) != set(param.findall(pair[1])):
            wrong.append((key, *pair))
    assert not wrong, wrong


def test_every_key_the_code_names_exists():
    keys = messages()
    missing = [f"{path}:{line}: {key}" for path, line, key in code()[2] if key not in keys]
    assert code()[2], "no key found in the code: the reader of the code is broken"
    missing += [f"{family}: {key}" for family, built in family_values().items()
                for key in sorted(built) if key not in keys]
    assert not missing, missing


def test_the_key_families_the_code_builds_are_the_listed_ones():
    built = code()[1]
    assert built - FAMILIES.keys() == set(), "list these in FAMILIES (and say where they are built)"
    assert FAMILIES.keys() - built == set(), "built nowhere any more: take them out of FAMILIES"


def test_no_key_is_dead():
    strings = code()[0]
    patterns = [_pattern(f) for f in FAMILIES]
    dead = sorted(k for k in messages()
                  if k not in strings and not any(p.fullmatch(k) for p in patterns))
    assert not dead, f"defined but used nowhere: delete them from kjtui/catalog/ {dead}"
