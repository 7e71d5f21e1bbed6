"""The outside view: how wars like this one ended, and how soon, from the UCDP Conflict Termination data.

A forecaster starts from base rates of comparable cases, then adjusts. The comparable cases here are the conflict
episodes of the UCDP Conflict Termination data (parley.data.termination) that match what conflict.toml declares
(type, incompatibility, intensity) and had lasted at least as long as this war has on the given date. The chance
that the war ends within 6, 12 or 24 more months is read from a Kaplan-Meier estimate over that class (scikit-survival,
with its log-log 90% pointwise interval); episodes still active at the end of the data are censored there.

The widening rule (docs/outlook.md): when fewer than MIN_CLASS episodes match, drop intensity; if still too few, drop
incompatibility; if still too few, drop type (every state-based conflict episode of at least this duration). The
result says in words which fields were used and what was dropped, with the count at every step.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

from parley.data import schema, termination
from parley.errors import DataError, Problem, UsageError

FIELDS = ("type", "incompatibility", "intensity")
WIDENING = ("intensity", "incompatibility", "type")  # dropped in this order while the class is too small
MIN_CLASS = 20
HORIZONS = (6, 12, 24)  # months
DAYS_PER_MONTH = 365.2425 / 12  # the mean Gregorian month
CONFIDENCE = 0.90
PEACE_AFTER_CEASEFIRE_YEARS = 5
RECENT_FROM = 2001  # "21st-century wars", as the seed analyst puts it

FIELD_WORDS = {
    "type": {"interstate": "interstate", "internationalized": "internationalized intrastate", "intrastate": "intrastate"},
    "incompatibility": {"territory": "over territory", "government": "over government", "both": "over territory and government"},
    "intensity": {"war": "that reached war intensity (1,000 battle-related deaths in a year)",
                  "minor": "that stayed minor (under 1,000 battle-related deaths in every year)"},
}


def missing_fields(meta) -> list[str]:
    """The reference-class fields conflict.toml does not declare, in FIELDS order."""
    return [field for field in FIELDS if getattr(meta, field, None) is None]


def lasted_days(meta, date: dt.date) -> int:
    """Days from the war's start (conflict.toml) to the date; a date before the start is a usage error."""
    if date < meta.start:
        raise UsageError(f"--date {date} is before the war's start {meta.start} (conflict.toml)")
    return (date - meta.start).days


def _matches(episodes: pd.DataFrame, fields: dict) -> pd.Series:
    keep = pd.Series(True, index=episodes.index)
    for field, value in fields.items():
        keep &= episodes[field] == value
    return keep


def reference_class(episodes: pd.DataFrame, fields: dict, days: int, minimum: int = MIN_CLASS) -> dict:
    """The episodes matching `fields` that lasted at least `days`, widened by WIDENING while fewer than `minimum`.

    Returns {"episodes": the selected rows, "fields": the fields used, "dropped": the fields dropped in order,
    "steps": [(fields used, count)] for every class tried}. When even the widest class is smaller, it is used and
    the steps say so."""
    long_enough = episodes["duration_days"] >= days
    used = dict(fields)
    steps, dropped = [], []
    while True:
        selected = episodes[long_enough & _matches(episodes, used)]
        steps.append((dict(used), len(selected)))
        droppable = [f for f in WIDENING if f in used]
        if len(selected) >= minimum or not droppable:
            return {"episodes": selected, "fields": used, "dropped": dropped, "steps": steps, "minimum": minimum}
        dropped.append(droppable[0])
        del used[droppable[0]]


def kind_in_words(fields: dict) -> str:
    """'interstate conflicts over territory that reached war intensity (...)'; 'state-based conflicts' when none."""
    if not fields:
        return "state-based armed conflicts of every type"
    parts = []
    if "type" in fields:
        parts.append(FIELD_WORDS["type"][fields["type"]])
    parts.append("conflicts")
    for field in ("incompatibility", "intensity"):
        if field in fields:
            parts.append(FIELD_WORDS[field][fields[field]])
    return " ".join(parts)


def class_in_words(found: dict, days: int) -> str:
    """The reference class in one sentence, with the widening when it happened."""
    years = days / 365.2425
    sentence = (f"UCDP conflict episodes of {kind_in_words(found['fields'])} that had lasted at least "
                f"{years:.1f} years ({days:,} days), as this war has")
    if not found["dropped"]:
        return sentence + f": {len(found['episodes'])} episodes."
    tried = "; ".join(f"{_fields_short(f)}: {n}" for f, n in found["steps"])
    minimum = found["minimum"]
    short = len(found["episodes"]) < minimum
    return (sentence + f": {len(found['episodes'])} episodes. Widened because fewer than {minimum} matched "
            f"(dropped {', then '.join(found['dropped'])}; matches at each step: {tried})"
            + (f"; even the widest class has fewer than {minimum}." if short else "."))


def _fields_short(fields: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in fields.items()) or "any type"


def survival(selected: pd.DataFrame):
    """Kaplan-Meier estimate over the episodes: (days, still active, low, high) with the 90% log-log interval."""
    from sksurv.nonparametric import kaplan_meier_estimator  # imports scikit-learn: only when an outlook is asked for

    days, still, band = kaplan_meier_estimator(selected["ended"].to_numpy(bool), selected["duration_days"].to_numpy(float),
                                               conf_type="log-log", conf_level=CONFIDENCE)
    return days, still, band[0], band[1]


def ending_within(selected: pd.DataFrame, days: int, horizons=HORIZONS) -> dict:
    """{"6": {"p", "ci90"}, ...}: the chance an episode of the class, having lasted `days`, ends within that many
    more months. The class has all lasted `days`, so the chance is 1 - S(days + horizon) of its Kaplan-Meier curve;
    None where the horizon lies past the class's longest observed episode and that one is censored (unknown)."""
    out = {}
    if selected.empty:
        return {str(h): {"p": None, "ci90": None} for h in horizons}
    times, still, low, high = survival(selected)
    longest = selected["duration_days"].max()
    last_censored = not selected.loc[selected["duration_days"] == longest, "ended"].any()
    for months in horizons:
        at = days + months * DAYS_PER_MONTH
        if at > longest and last_censored:
            out[str(months)] = {"p": None, "ci90": None}
            continue
        i = int(np.searchsorted(times, at, side="right")) - 1
        s, lo, hi = (1.0, 1.0, 1.0) if i < 0 else (float(still[i]), float(low[i]), float(high[i]))
        lo, hi = (s if np.isnan(lo) else lo), (s if np.isnan(hi) else hi)
        out[str(months)] = {"p": 1.0 - s, "ci90": [1.0 - hi, 1.0 - lo]}
    return out


def outcome_shares(selected: pd.DataFrame) -> dict | None:
    """Shares of the class's ended episodes by how they ended (schema.OUTLOOK_OUTCOMES, summing to 1); None when
    none ended."""
    done = selected[selected["ended"]]
    if done.empty:
        return None
    keys = done["outcome"].map(lambda o: o if o in schema.OUTLOOK_OUTCOMES else "other")
    counts = keys.value_counts()
    return {key: int(counts.get(key, 0)) / len(done) for key in schema.OUTLOOK_OUTCOMES}


def ceasefire_then_peace(_selected: pd.DataFrame) -> dict:
    """The share of ceasefire endings followed by a peace agreement within five years, where the data allow.

    The conflict-level termination file records how each episode of fighting ended, not agreements signed after the
    fighting stopped (an agreement that ends no renewed fighting leaves no row), so it cannot answer this: the share
    is None and `why` says so, rather than a count of the few agreements that ended a later episode."""
    return {"share": None, "within_years": PEACE_AFTER_CEASEFIRE_YEARS,
            "why": "the conflict-level termination data record how each episode of fighting ended, not agreements "
                   "signed after it; a later peace agreement without renewed fighting leaves no trace in them"}


def recent_without_peace(episodes: pd.DataFrame, since: int = RECENT_FROM) -> dict:
    """The seed analyst's claim as a number: of the episodes that ended from `since` to the data's last year, how
    many ended without a peace agreement, and how many in a ceasefire agreement or by low activity."""
    done = episodes[episodes["ended"] & (episodes["end"].dt.year >= since)]
    count = {key: int((done["outcome"] == key).sum()) for key in ("peace_agreement", "ceasefire", "low_activity")}
    ended = len(done)
    return {"since": since, "ended": ended, "without_peace_agreement": ended - count["peace_agreement"],
            "ceasefire": count["ceasefire"], "low_activity": count["low_activity"],
            "share": (ended - count["peace_agreement"]) / ended if ended else None}


def outlook(meta, date: dt.date, episodes: pd.DataFrame, last_year: int, release) -> dict:
    """The outside view for a war on a date; the keys `python -m parley outlook --format json` prints.

    `meta` must declare every field of FIELDS (missing_fields is empty): the caller refuses it otherwise."""
    days = lasted_days(meta, date)
    found = reference_class(episodes, {f: getattr(meta, f) for f in FIELDS}, days)
    selected = found["episodes"]
    return {
        "reference_class": {"fields": found["fields"], "dropped": found["dropped"],
                            "steps": [{"fields": f, "n": n} for f, n in found["steps"]],
                            "lasted_days": days, "in_words": class_in_words(found, days)},
        "n": len(selected),
        "episodes": selected["episode"].tolist(),
        "ending_within": ending_within(selected, days),
        "outcomes": outcome_shares(selected),
        "ended": int(selected["ended"].sum()),
        "ceasefire_then_peace": ceasefire_then_peace(selected),
        "data": {"name": release.name, "version": release.version, "last_year": last_year,
                 "citation": release.citation, "licence": release.licence},
    }


def curve(selected: pd.DataFrame) -> pd.DataFrame:
    """The Kaplan-Meier curve of the episodes as a table: years (since the episode's start), still (share still
    fighting), low, high (90% interval); starting at 0 years, 100%."""
    if selected.empty:
        return pd.DataFrame({"years": [0.0], "still": [1.0], "low": [1.0], "high": [1.0]})
    days, still, low, high = survival(selected)
    frame = pd.DataFrame({"years": days / 365.2425, "still": still, "low": low, "high": high})
    start = pd.DataFrame({"years": [0.0], "still": [1.0], "low": [1.0], "high": [1.0]})
    return pd.concat([start, frame[frame["years"] > 0]], ignore_index=True).fillna({"low": 1.0, "high": 1.0})


def same_kind(episodes: pd.DataFrame, fields: dict) -> pd.DataFrame:
    """Every episode with the fields the class used, whatever its duration: how long wars of this kind last."""
    return episodes[_matches(episodes, fields)]


def load_episodes(conflict_folder=None) -> tuple[pd.DataFrame, int]:
    """The episodes of the termination file beside the folder (else parley's), validated, and its last year.

    Cached by the file's path and content digest: the briefing and the command read it once per process."""
    path = termination.find(conflict_folder)
    if path is None:
        raise DataError([Problem("reference/" + termination.RELEASE.file, 1, "-", "file is missing")])
    return _episodes_of(str(path), termination.digest(path))


@functools.lru_cache(maxsize=4)
def _episodes_of(path: str, _digest: str) -> tuple[pd.DataFrame, int]:
    table = termination.load_termination(path)
    return termination.episodes(table), termination.last_year(table)


def for_conflict(meta, date: dt.date, conflict_folder=None) -> dict:
    """outlook() for a conflict on a date with the termination file found beside its folder: the result, plus the
    curves the briefing draws (`_curves`, left out of the command's JSON)."""
    episodes, last = load_episodes(conflict_folder)
    result = outlook(meta, date, episodes, last, termination.RELEASE)
    chosen = episodes[episodes["episode"].isin(result["episodes"])]
    result["_curves"] = {"class": curve(chosen), "kind": curve(same_kind(episodes, result["reference_class"]["fields"])),
                         "kind_n": len(same_kind(episodes, result["reference_class"]["fields"]))}
    return result


def require_fields(meta, label: str) -> None:
    """Refuse a conflict.toml without the class fields: one line naming the first missing key."""
    missing = missing_fields(meta)
    if missing:
        raise UsageError(f"{label}: {missing[0]}: required for the outlook is missing (declare "
                         f"{', '.join(FIELDS)} in conflict.toml; docs/outlook.md)")


def _pct(value) -> str:
    return "unknown" if value is None else f"{value * 100:.0f}%"


def format_table(result: dict) -> str:
    """The command's table: the class, the chances with their intervals, the outcome shares, the data."""
    lines = ["Reference class: " + result["reference_class"]["in_words"], "",
             f"{'ends within':<14}{'chance':>8}   90% interval"]
    for months, chance in result["ending_within"].items():
        ci = chance["ci90"]
        lines.append(f"{months + ' months':<14}{_pct(chance['p']):>8}   "
                     + (f"{_pct(ci[0])} to {_pct(ci[1])}" if ci else "-"))
    lines += ["", f"How the {result['ended']} ended episodes of the {result['n']} ended:"]
    for key, share in (result["outcomes"] or {}).items():
        lines.append(f"  {key.replace('_', ' '):<16}{_pct(share):>6}")
    peace = result["ceasefire_then_peace"]
    lines += ["", f"Ceasefire endings followed by a peace agreement within {peace['within_years']} years: "
              + (_pct(peace["share"]) if peace["share"] is not None else f"not available ({peace['why']})")]
    data = result["data"]
    lines += [f"Data: {data['name']} v.{data['version']}, last year covered {data['last_year']} ({data['licence']})"]
    return "\n".join(lines) + "\n"
