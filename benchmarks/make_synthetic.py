"""Synthetic ACLED- and UCDP GED-format CSV exports, for tests and benchmarks.

Neither real dataset may be committed (licences), so everything that reads them is tested on
files made here: the exports' own column names and value vocabularies, invented rows.

    python benchmarks/make_synthetic.py acled 1000000 benchmarks/out/acled.csv --seed 1
    python benchmarks/make_synthetic.py ucdp-ged 10000 benchmarks/out/ged.csv

Every file carries awkward rows on purpose, at fixed intervals (see ``AWKWARD``): notes with a
quoted newline (LF and CRLF), an empty actor2, HTML/script markup, spreadsheet-formula-like
text, quotes and commas, non-Latin script. Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

import numpy as np

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
UCDP_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
    "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a",
    "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates", "where_description",
    "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)

# (admin1, centroid latitude, longitude, towns)
REGIONS = (
    ("Donetsk", 48.0, 37.8, ("Bakhmut", "Avdiivka", "Pokrovsk", "Kramatorsk", "Toretsk", "Chasiv Yar")),
    ("Kharkiv", 49.6, 36.5, ("Kharkiv", "Kupiansk", "Vovchansk", "Izium")),
    ("Zaporizhia", 47.5, 35.6, ("Zaporizhzhia", "Huliaipole", "Orikhiv", "Robotyne")),
    ("Kherson", 46.7, 33.4, ("Kherson", "Beryslav", "Krynky")),
    ("Luhansk", 48.8, 38.9, ("Sievierodonetsk", "Lysychansk", "Kreminna")),
    ("Sumy", 50.9, 34.8, ("Sumy", "Shostka", "Bilopillia")),
    ("Dnipropetrovsk", 48.4, 35.0, ("Dnipro", "Nikopol", "Marhanets")),
    ("Kyiv City", 50.45, 30.52, ("Kyiv",)),
    ("Odesa", 46.5, 30.7, ("Odesa", "Izmail")),
    ("Mykolaiv", 47.0, 32.0, ("Mykolaiv", "Ochakiv")),
    ("Chernihiv", 51.5, 31.3, ("Chernihiv", "Novhorod-Siverskyi")),
    ("Lviv", 49.84, 24.03, ("Lviv",)),
)
RUSSIA = "Military Forces of Russia (2000-)"
UKRAINE = "Military Forces of Ukraine (2019-)"
SHELLING = "On {date}, Russian forces shelled {town} ({admin1}) with artillery and MLRS. {fat} fatalities reported."
CLASH = "On {date}, Ukrainian and Russian forces clashed near {town} ({admin1}). Casualties unknown."
DRONE = "On {date}, a Russian Shahed drone hit a residential building in {town}, {admin1} oblast; {fat} civilians killed."
PROTEST = "On {date}, around 40 people protested in {town} ({admin1}), demanding the return of prisoners of war."
ACLED_TYPES = (  # (event_type, sub_event_type, disorder_type, weight, actor1, actor2, notes template)
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence", 40, RUSSIA, UKRAINE, SHELLING),
    ("Explosions/Remote violence", "Air/drone strike", "Political violence", 16, RUSSIA, "Civilians (Ukraine)", DRONE),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Political violence", 3, "Unidentified Armed Group (Ukraine)", "",
     "On {date}, a landmine exploded near {town} ({admin1}); {fat} killed."),
    ("Battles", "Armed clash", "Political violence", 24, RUSSIA, UKRAINE, CLASH),
    ("Battles", "Government regains territory", "Political violence", 1, UKRAINE, RUSSIA,
     "On {date}, Ukrainian forces regained control of {town} ({admin1}) [size=no report]."),
    ("Battles", "Non-state actor overtakes territory", "Political violence", 1, "Wagner Group", UKRAINE,
     "On {date}, Wagner Group fighters took positions near {town} ({admin1})."),
    ("Violence against civilians", "Attack", "Political violence", 3, RUSSIA, "Civilians (Ukraine)",
     "On {date}, Russian soldiers shot at civilians in {town} ({admin1}); {fat} killed."),
    ("Violence against civilians", "Abduction/forced disappearance", "Political violence", 1, RUSSIA, "Civilians (Ukraine)",
     "On {date}, Russian forces detained a local official in {town} ({admin1}); whereabouts unknown."),
    ("Protests", "Peaceful protest", "Demonstrations", 4, "Protesters (Ukraine)", "", PROTEST),
    ("Riots", "Mob violence", "Demonstrations", 1, "Rioters (Ukraine)", "Civilians (Ukraine)",
     "On {date}, a crowd attacked a conscription officer in {town} ({admin1})."),
    ("Strategic developments", "Agreement", "Strategic developments", 1, "Government of Ukraine (2019-)", "Government of Russia (2000-)",
     "On {date}, Ukraine and Russia agreed to exchange prisoners of war; the exchange route passed {town} ({admin1})."),
    ("Strategic developments", "Non-violent transfer of territory", "Strategic developments", 1, RUSSIA, "",
     "On {date}, Russian forces withdrew from {town} ({admin1}) without fighting."),
    ("Strategic developments", "Arrests", "Strategic developments", 1, "Police Forces of Ukraine (2019-)", "Civilians (Ukraine)",
     "On {date}, police in {town} ({admin1}) arrested a man accused of spotting for Russian artillery."),
    ("Strategic developments", "Disrupted weapons use", "Strategic developments", 2, UKRAINE, RUSSIA,
     "On {date}, Ukrainian air defence shot down drones over {town} ({admin1}) [size=no report]."),
    ("Strategic developments", "Other", "Strategic developments", 1, "Government of Ukraine (2019-)", "",
     "On {date}, authorities announced an evacuation of children from {town} ({admin1})."),
)
SOURCES = ("Ukrinform", "Suspilne", "Ukrainska Pravda", "Kyiv Independent", "Ministry of Defence of Ukraine",
           "Telegram channel", "Interfax", "Hromadske")
# Every n-th row (by row number) gets an awkward value; offsets differ so they rarely coincide.
AWKWARD = {
    "newline": (97, 3),          # notes with a quoted newline
    "crlf": (389, 11),           # notes with a quoted CRLF
    "empty_actor2": (13, 5),     # actor2 (and inter2) empty
    "markup": (211, 7),          # HTML/script in notes
    "formula": (223, 17),        # spreadsheet formula-like notes and source
    "quotes": (53, 29),          # quotes and commas inside notes
    "cyrillic": (61, 31),        # non-Latin script in location and notes
}
MARKUP = '<script>alert("x")</script><b>bold</b> & <img src=x onerror=alert(1)> {{7*7}}'
FORMULAS = ('=HYPERLINK("http://example.invalid","click")', "@SUM(A1:A9)", "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", '=1+1')
START, END = dt.date(2022, 2, 24), dt.date(2025, 12, 31)


def _awkward(n: int, kind: str) -> np.ndarray:
    step, offset = AWKWARD[kind]
    return (np.arange(n) % step) == offset


def _dates(rng: np.random.Generator, n: int) -> np.ndarray:
    days = rng.integers(0, (END - START).days + 1, n)
    return np.datetime64(START.isoformat()) + days.astype("timedelta64[D]")


def acled_rows(n: int, seed: int = 1, *, date_style: str = "iso"):
    """Yield the header then ``n`` ACLED-format rows (lists of strings)."""
    rng = np.random.default_rng(seed)
    weights = np.array([t[3] for t in ACLED_TYPES], dtype=float)
    kind = rng.choice(len(ACLED_TYPES), n, p=weights / weights.sum())
    region = rng.integers(0, len(REGIONS), n)
    town = rng.integers(0, 6, n)
    dates = _dates(rng, n)
    lat_jitter, lon_jitter = rng.normal(0, 0.25, n), rng.normal(0, 0.35, n)
    fatalities = np.where(rng.random(n) < 0.75, 0, rng.poisson(3, n))
    precision = rng.choice([1, 2, 3], n, p=[0.9, 0.08, 0.02])
    source_pick = rng.integers(0, len(SOURCES), (n, 2))
    stamps = 1_650_000_000 + rng.integers(0, 120_000_000, n)
    flags = {k: _awkward(n, k) for k in AWKWARD}
    yield list(ACLED_COLUMNS)
    for i in range(n):
        event_type, sub_event_type, disorder, _, actor1, actor2, template = ACLED_TYPES[kind[i]]
        admin1, lat, lon, towns = REGIONS[region[i]]
        place = towns[town[i] % len(towns)]
        day = dates[i].item()
        date_text = day.isoformat() if date_style == "iso" else f"{day.day} {day:%B %Y}"
        notes = template.format(date=f"{day.day} {day:%B %Y}", town=place, admin1=admin1, fat=int(fatalities[i]))
        source = "; ".join(sorted({SOURCES[source_pick[i, 0]], SOURCES[source_pick[i, 1]]}))
        if flags["newline"][i]:
            notes += "\nSecond paragraph: local authorities confirmed the report."
        if flags["crlf"][i]:
            notes += "\r\nUpdate: figures revised."
        if flags["empty_actor2"][i]:
            actor2 = ""
        if flags["markup"][i]:
            notes = MARKUP + " " + notes
        if flags["formula"][i]:
            notes = FORMULAS[i % len(FORMULAS)]
            source = FORMULAS[(i + 1) % len(FORMULAS)]
        if flags["quotes"][i]:
            notes += ' Officials said: "no comment, for now", and left.'
        if flags["cyrillic"][i]:
            place = "Харків"
            notes += " Джерело: місцева влада."
        assoc1 = "Military Forces of Belarus (1994-)" if i % 1009 == 5 else ""
        assoc2 = "Civilians (Ukraine); Journalists (Ukraine)" if i % 503 == 9 else ""
        inter1 = "State forces" if actor1.startswith(("Military", "Government", "Police")) else "Rebel group"
        inter2 = "" if not actor2 else ("Civilians" if actor2.startswith("Civilians") else "State forces")
        yield [
            f"UKR{100000 + i}", date_text, str(day.year), str(precision[i]), disorder, event_type, sub_event_type,
            actor1, assoc1, inter1, actor2, assoc2, inter2, f"{inter1}-{inter2}" if inter2 else f"{inter1} only",
            "Civilian targeting" if actor2.startswith("Civilians") else "", "804", "Europe", "Ukraine", admin1,
            f"{place} raion", "", place, f"{lat + lat_jitter[i]:.4f}", f"{lon + lon_jitter[i]:.4f}",
            str(1 + i % 3), source, "National", notes, str(int(fatalities[i])), "", str(int(stamps[i])),
        ]


UCDP_SIDES = {  # type_of_violence -> (conflict_name, dyad_name, side_a, side_b)
    1: ("Russia - Ukraine", "Government of Russia (Soviet Union) - Government of Ukraine",
        "Government of Russia (Soviet Union)", "Government of Ukraine"),
    2: ("DPR - LPR", "DPR - LPR", "DPR", "LPR"),
    3: ("Government of Russia (Soviet Union) - Civilians", "Government of Russia (Soviet Union) - Civilians",
        "Government of Russia (Soviet Union)", "Civilians"),
}


def ucdp_rows(n: int, seed: int = 1):
    """Yield the header then ``n`` UCDP GED-format rows (lists of strings)."""
    rng = np.random.default_rng(seed)
    violence = rng.choice([1, 2, 3], n, p=[0.85, 0.03, 0.12])
    region = rng.integers(0, len(REGIONS), n)
    town = rng.integers(0, 6, n)
    dates = _dates(rng, n)
    span = np.where(rng.random(n) < 0.8, 0, rng.integers(1, 6, n))
    lat_jitter, lon_jitter = rng.normal(0, 0.25, n), rng.normal(0, 0.35, n)
    best = rng.poisson(4, n)
    low = np.maximum(best - rng.integers(0, 3, n), 0)
    high = best + rng.integers(0, 10, n)
    precision = rng.choice([1, 2, 3, 4, 5], n, p=[0.8, 0.1, 0.05, 0.04, 0.01])
    flags = {k: _awkward(n, k) for k in AWKWARD}
    yield list(UCDP_COLUMNS)
    for i in range(n):
        conflict, dyad, side_a, side_b = UCDP_SIDES[int(violence[i])]
        admin1, lat, lon, towns = REGIONS[region[i]]
        place = towns[town[i] % len(towns)]
        day = dates[i].item()
        end = day + dt.timedelta(days=int(span[i]))
        article = f'"{SOURCES[i % len(SOURCES)]},{day:%Y-%m-%d},Shelling in {place}"'
        where = f"{place} town, {admin1} oblast"
        if flags["newline"][i]:
            article += "\nKyiv Independent, follow-up"
        if flags["empty_actor2"][i]:
            side_b = ""
        if flags["markup"][i]:
            where = MARKUP + " " + where
        if flags["formula"][i]:
            article = FORMULAS[i % len(FORMULAS)]
        if flags["cyrillic"][i]:
            place = "Харків"
        la, lo = lat + lat_jitter[i], lon + lon_jitter[i]
        deaths = [0, 0, 0, 0]
        deaths[i % 4] = int(best[i])
        yield [
            str(500000 + i), f"UKR-{day.year}-1-{i}", str(day.year), "TRUE", "Clear", str(int(violence[i])),
            "13243", "13243", conflict, "15588", "15588", dyad, "57", "57", side_a, "43", "43", side_b, "2",
            article, "", "", "", "", "1", f"{place} town", where, f"{admin1} oblast", f"{place} raion",
            f"{la:.4f}", f"{lo:.4f}", f"POINT ({lo:.4f} {la:.4f})", "176543", "Ukraine", "369", "Europe", "1",
            str(int(precision[i])), f"{day:%Y-%m-%d} 00:00:00.000", f"{end:%Y-%m-%d} 00:00:00.000",
            *(str(d) for d in deaths), str(int(best[i])), str(int(high[i])), str(int(low[i])), "365", "369",
        ]


def write(kind: str, n: int, path: str | Path, seed: int = 1, *, date_style: str = "iso") -> Path:
    """Write a synthetic export of ``kind`` ('acled' or 'ucdp-ged') with ``n`` rows; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = acled_rows(n, seed, date_style=date_style) if kind == "acled" else ucdp_rows(n, seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=("acled", "ucdp-ged"))
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--date-style", choices=("iso", "text"), default="iso",
                        help="ACLED event_date as 2024-03-15 (iso, current exports) or '15 March 2024' (text, older ones)")
    args = parser.parse_args(argv)
    print(write(args.kind, args.rows, args.out, args.seed, date_style=args.date_style))
    return 0


if __name__ == "__main__":
    sys.exit(main())
