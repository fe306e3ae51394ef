"""How a shop or owner name is spelt in pinyin, for a manager without a Chinese input method:
万福商店 is found by `wanfu` (full pinyin) or `wfsd` (initials), its owner 张红梅 by `zhang`,
`hongmei` or `zhm`.

Two steps, so that the index can always take out exactly what it put in:

1. `syllables(shop, owner)` reads each character with pypinyin, every reading of a polyphonic
   one (heteronym=True): 长 is `chang` and `zhang`, 重 `zhong` and `chong`. Bounded: at most
   MAX_READINGS readings a character, and readings are dropped (the rarest of the character
   with most, the rightmost first) until a name has at most MAX_SPELLINGS spellings. Letters and
   digits spell themselves; brackets, spaces and punctuation nothing. ü is typed `v`, as on every
   pinyin keyboard. The result is stored with the customer: "wan/mo fu shang dian|zhang hong
   mei" (names split by `|`, characters by a space, readings by `/`).
2. `tokens(syllables)` spells that out, with no pypinyin: every full spelling and every initials
   spelling, each from each of its syllables to the end ("wanfushangdian fushangdian shangdian
   dian wfsd fsd sd d ..."). A query matches a customer when it starts one of these tokens: so
   `wa`, `wanf`, `wfs`, `fsd` and `shangdian` find 万福商店, and `anfu` does not.

pypinyin is imported on the first name spelt, never at start-up. The SQLite index calls both
through SQL functions that kjtui.models.db registers on every connection it opens
(kjtui.models.search_index says why); PostgreSQL stores the tokens.

Changing step 1 (the bounds, or a pypinyin whose data differ) changes what a search finds but
never breaks the index: it takes out the tokens of the syllables it stored. Step 2 must spell
the same tokens from the same syllables for good: a change to it comes with a migration that
rebuilds the pinyin index (as search.bulk_load does), or the index takes out other tokens than
it put in.
"""

from __future__ import annotations

import itertools
import unicodedata
from functools import lru_cache

MAX_READINGS = 3  # readings of one character, commonest first
MAX_SPELLINGS = 8  # full spellings of one name (its initials spellings are no more)


@lru_cache(maxsize=32768)
def readings(char: str) -> tuple[str, ...]:
    """Every way `char` is spelt, commonest first; () for what has no spelling."""
    if char.isascii():
        return (char.lower(),) if char.isalnum() else ()
    if not char.isalpha():
        return ()
    from pypinyin import Style, pinyin

    got = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    found = [r.lower() for r in (got[0] if got else ()) if r.isascii() and r.isalnum()]
    return tuple(_unique(found))[:MAX_READINGS]


def _unique(items) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _bounded(choices: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """`choices` with readings dropped until they combine into at most MAX_SPELLINGS: from the
    character with the most readings, its last (rarest) reading; the rightmost on a tie."""
    out = [list(c) for c in choices]
    while _product(out) > MAX_SPELLINGS:
        i = max(range(len(out)), key=lambda j: (len(out[j]), j))
        out[i].pop()
    return [tuple(c) for c in out]


def _product(choices) -> int:
    n = 1
    for c in choices:
        n *= len(c)
    return n


def name_syllables(name: str) -> list[tuple[str, ...]]:
    """The readings of each character of `name` that has one, bounded."""
    text = unicodedata.normalize("NFKC", name or "")
    return _bounded([r for r in map(readings, text) if r])


def syllables(shop: str, owner: str) -> str:
    """The stored form: 万福商店, 张红梅 → "wan/mo fu shang dian|zhang hong/gong mei"."""
    return "|".join(" ".join("/".join(c) for c in name_syllables(name)) for name in (shop, owner))


def _suffixes(choices: list[tuple[str, ...]]) -> list[str]:
    """Each spelling of `choices`, from each of its syllables to the end."""
    out = []
    for combo in itertools.product(*choices):
        out += ["".join(combo[i:]) for i in range(len(combo))]
    return out


@lru_cache(maxsize=4096)
def tokens(stored: str) -> str:
    """What a query may start, space-separated, from the stored syllables (no pypinyin)."""
    out: list[str] = []
    for name in (stored or "").split("|"):
        choices = [tuple(c.split("/")) for c in name.split(" ") if c]
        if not choices:
            continue
        # Fewer initials than readings: as bounded as the stored syllables, with no bound here
        # (a bound that changed would make the index take out other tokens than it put in).
        out += _suffixes(choices) + _suffixes([tuple(_unique(r[0] for r in c)) for c in choices])
    return " ".join(_unique(out))


def query_text(word: str) -> str:
    """`word` as typed, as tokens spell: full-width letters (a Chinese keyboard's) made plain."""
    return unicodedata.normalize("NFKC", word).lower()


def is_pinyin_query(word: str) -> bool:
    """Whether `word` (no space) may be pinyin: letters, with digits allowed, nothing else."""
    text = query_text(word)
    return text.isascii() and text.isalnum() and not text.isdigit()
