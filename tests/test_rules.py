"""The score's rules file: the packaged defaults load, an override replaces them, a bad file is
refused on load with rules.bad_file and says what is wrong."""

import pytest

from kjtui import i18n
from kjtui.exception import KjtuiError
from kjtui.services import rules


def test_the_packaged_defaults():
    r = rules.default()
    assert sum(r.weights.values()) == 100 and r.weights["sales"] == 25
    assert r.missing == "exclude" and r.tie_break[0] == "sales"
    assert (r.bottom_consecutive, r.consecutive_months, r.bottom_repeated, r.repeated_times,
            r.window_months) == (2, 2, 3, 3, 12)


def _override(tmp_path, old, new):
    text = rules.DEFAULT_PATH.read_text(encoding="utf-8").replace(old, new)
    path = tmp_path / "county.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_override_file_replaces_the_defaults(tmp_path):
    path = _override(tmp_path, "sales = 25", "sales = 35")
    path.write_text(path.read_text(encoding="utf-8").replace("training = 10", "training = 0"),
                    encoding="utf-8")
    r = rules.load(path)
    assert r.weights["sales"] == 35 and r.weights["training"] == 0
    assert r.digest != rules.default().digest and r.source == str(path)


@pytest.mark.parametrize("old,new,problem", [
    ("sales = 25", "sales = 26", "add up to 101"),
    ("sales = 25", "sales = -5", "weights.sales must be a whole number"),
    ("sales = 25", "sales = 25.5", "weights.sales must be a whole number"),
    ("sales = 25", "sales = 25\ncharm = 0", "unknown keys: charm"),
    ('missing = "exclude"', 'missing = "hundred"', "total.missing must be one of"),
    ('tie_break = ["sales"', 'tie_break = ["sales", "sales"', "ranking.tie_break"),
    ("window_months = 12", "window_months = 2", "window_months is shorter"),
    ("[maintenance]\nper_proposal = 25", "", "[maintenance] is missing"),
    ("[weights]", "[weights", "not TOML"),
])
def test_a_bad_file_is_refused_with_what_is_wrong(tmp_path, old, new, problem):
    path = _override(tmp_path, old, new)
    with pytest.raises(KjtuiError) as err:
        rules.load(path)
    assert err.value.key == "rules.bad_file"
    assert problem in err.value.params["problem"]
    assert str(path) in i18n.t(err.value.key, **err.value.params)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(KjtuiError) as err:
        rules.load(tmp_path / "nowhere.toml")
    assert err.value.key == "rules.bad_file"
