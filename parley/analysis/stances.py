"""Positions in force at a date, moves between dates, gaps: pure functions on the positions table.

A position row holds from its date until the same actor's next row on the same issue, so the
position in force at a date is the latest row on or before it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

STANCE_COLUMNS = ["actor_id", "issue_id", "since", "position", "salience", "statement", "source", "source_url",
                  "source_type"]
MOVE_COLUMNS = ["actor_id", "issue_id", "before", "after", "change", "direction", "since", "statement", "source",
                "source_url", "source_type"]
GAP_COLUMNS = ["issue_id", "gap", "low_actor", "low", "high_actor", "high", "actors"]


def timestamp(day: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(day)


def select(frame: pd.DataFrame, actors=(), issues=()) -> pd.DataFrame:
    """Rows of the chosen actors and issues (empty choice = all)."""
    mask = pd.Series(True, index=frame.index)
    if actors:
        mask &= frame["actor_id"].isin(list(actors))
    if issues:
        mask &= frame["issue_id"].isin(list(issues))
    return frame[mask]


def positions_at(positions: pd.DataFrame, day) -> pd.DataFrame:
    """The row in force for each (actor, issue) on `day`; pairs with no row yet are absent."""
    known = positions[positions["date"] <= timestamp(day)]
    latest = known.sort_values("date", kind="stable").groupby(["actor_id", "issue_id"], sort=True).tail(1)
    return (latest.rename(columns={"date": "since"}).reindex(columns=STANCE_COLUMNS)  # source_type may be absent
            .sort_values(["issue_id", "actor_id"], kind="stable").reset_index(drop=True))


def moves(positions: pd.DataFrame, start, end) -> pd.DataFrame:
    """Actors whose position on an issue changed between the day before `start` and `end`.

    An actor's first ever position (no earlier row) is reported with `before` and `change` NaN and
    `direction` "new"; the numeric columns are floats whatever the mix.
    """
    before = positions_at(positions, timestamp(start) - pd.Timedelta(days=1)).set_index(["actor_id", "issue_id"])
    after = positions_at(positions, end).set_index(["actor_id", "issue_id"])
    rows = []
    for key, now in after.iterrows():
        was = before["position"].get(key)
        if now["since"] < timestamp(start) or (was is not None and was == now["position"]):
            continue
        change = None if was is None else float(now["position"] - was)
        direction = "new" if was is None else ("up" if change > 0 else "down")
        rows.append([*key, was, float(now["position"]), change, direction, now["since"],
                     now["statement"], now["source"], now["source_url"], now["source_type"]])
    frame = pd.DataFrame(rows, columns=MOVE_COLUMNS)
    # Numbers even when every move is a first position (all None would stay object and break abs()).
    frame[["before", "after", "change"]] = frame[["before", "after", "change"]].astype(float)
    frame["since"] = pd.to_datetime(frame["since"]).astype("datetime64[s]")  # a date column even when empty
    order = frame["change"].abs().fillna(0)
    return frame.assign(_order=order).sort_values(["_order", "issue_id", "actor_id"], ascending=[False, True, True],
                                                 kind="stable").drop(columns="_order").reset_index(drop=True)


def gaps(stances: pd.DataFrame) -> pd.DataFrame:
    """Per issue, the span between the two farthest actors: the distance a deal must bridge."""
    rows = []
    for issue_id, group in stances.groupby("issue_id", sort=True):
        low = group.loc[group["position"].idxmin()]
        high = group.loc[group["position"].idxmax()]
        rows.append([issue_id, float(high["position"] - low["position"]), low["actor_id"], float(low["position"]),
                     high["actor_id"], float(high["position"]), len(group)])
    frame = pd.DataFrame(rows, columns=GAP_COLUMNS)
    return frame.sort_values(["gap", "issue_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def all_steps(positions: pd.DataFrame, until) -> dict[tuple[str, str], pd.DataFrame]:
    """Every (actor, issue) position history as step points, each held flat until `until`."""
    until = timestamp(until)
    known = positions[positions["date"] <= until].sort_values("date", kind="stable")
    paths = {}
    for key, rows in known.groupby(["actor_id", "issue_id"], sort=False):
        tail = rows.iloc[[-1]].copy()
        tail["date"] = until
        paths[key] = pd.concat([rows, tail], ignore_index=True)
    return paths


def steps(positions: pd.DataFrame, actor_id: str, issue_id: str, until) -> pd.DataFrame:
    """One actor's position on one issue as step points, held flat until `until`."""
    mine = positions[(positions["actor_id"] == actor_id) & (positions["issue_id"] == issue_id)]
    return all_steps(mine, until).get((actor_id, issue_id), mine.iloc[0:0])
