"""The data contract, declared once.

Every table of a conflict folder is a pandera schema here. The loader validates against these
schemas, the error messages come from the checks' own ``error`` texts, and
``docs/data-format.md`` is generated from the same objects (``python -m parley schema-docs``).
Nothing else in parley names a column's type, range or allowed values.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass

pa = None  # pandera, imported on first use of a table schema: light modules need only the constants


def _pandera():
    global pa
    if pa is None:
        import pandera.pandas as pandera_pandas
        pa = pandera_pandas
    return pa

ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]{0,63}$"
ID_RE = re.compile(ID_PATTERN)
HEX_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LIST_SEPARATOR = ";"

ACTOR_KINDS = ("state", "bloc", "organisation", "armed_group", "person")
DATE_PRECISIONS = ("day", "month", "year")
CATEGORIES = (
    "negotiation", "ceasefire", "agreement", "prisoner_exchange", "sanctions", "aid",
    "military", "territorial", "political", "election", "leader_contact", "statement",
    "humanitarian", "other",
)
# Lanes of the timeline: each category belongs to exactly one group (tested).
CATEGORY_GROUPS = {
    "Talks and ceasefires": ("negotiation", "ceasefire", "agreement", "prisoner_exchange", "leader_contact"),
    "Military and territory": ("military", "territorial"),
    "Sanctions and aid": ("sanctions", "aid"),
    "Politics and statements": ("political", "election", "statement", "humanitarian", "other"),
}
WAR_KINDS = ("interstate", "intrastate", "internationalised_intrastate")
WAR_REGIONS = ("europe", "middle_east", "asia", "africa", "americas")
# UCDP Conflict Termination scheme, plus "ongoing".
WAR_OUTCOMES = ("peace_agreement", "ceasefire", "victory", "low_activity", "actor_ceased", "ongoing")
YES_NO = ("yes", "no")
# UCDP Conflict Termination data (data/reference/ucdp-term-acd-3-2021.csv) and the outlook's reference class.
# UCDP/PRIO codes -> parley's words (docs/outlook.md); conflict.toml's optional class fields take these words.
UCDP_TYPES = {1: "extrasystemic", 2: "interstate", 3: "intrastate", 4: "internationalized"}
UCDP_INCOMPATIBILITIES = {1: "territory", 2: "government", 3: "both"}
UCDP_INTENSITIES = {1: "minor", 2: "war"}
UCDP_OUTCOMES = {1: "peace_agreement", 2: "ceasefire", 3: "victory", 4: "victory", 5: "low_activity", 6: "actor_ceased"}
CONFLICT_TYPES = ("interstate", "internationalized", "intrastate")
CONFLICT_INCOMPATIBILITIES = ("territory", "government", "both")
CONFLICT_INTENSITIES = ("war", "minor")
CONFLICT_CLASS_FIELDS = {"type": CONFLICT_TYPES, "incompatibility": CONFLICT_INCOMPATIBILITIES,
                         "intensity": CONFLICT_INTENSITIES}
# The outlook's outcome keys: war_outcomes.csv's words, with actor_ceased (and anything else) counted as other.
OUTLOOK_OUTCOMES = ("peace_agreement", "ceasefire", "victory", "low_activity", "other")
DMY_DATE_RE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
TRUE_FALSE = ("true", "false")
# How far a source can be trusted, by kind (docs/sourcing.md). Optional on every sourced table:
# a folder without the column still validates and counts as ungraded.
# Each grade: (what it is, examples). The order is the order of trust; docs/sourcing.md and
# docs/data-format.md show this table (generated, tested), so the docs cannot drift from the code.
SOURCE_TYPE_DEFINITIONS = {
    "official": ("The text of a government, institution, court or agreement, from its own site or an official "
                 "collection.",
                 "kremlin.ru transcripts, whitehouse.gov statements, EUR-Lex regulations, Council of the European "
                 "Union conclusions, United Nations Security Council resolutions, FRUS documents"),
    "wire": ("A news agency's own story on the agency's own site (a copy on another site takes that site's grade).",
             "Reuters, Associated Press, Agence France-Presse"),
    "major": ("An outlet of record with its own reporting and corrections policy.",
              "BBC, New York Times, Washington Post, Guardian, Financial Times, Economist, Le Monde, Al Jazeera, "
              "CNN, NPR, Deutsche Welle, Kyiv Independent, Meduza"),
    "specialist": ("Research institute, data set, peer-reviewed work or think tank.",
                   "UCDP, SIPRI, ISW, Chatham House, Journal of Peace Research"),
    "regional": ("A smaller national or regional outlet with its own reporting.",
                 "Ukrainska Pravda, Africanews, The Moscow Times"),
    "party_media": ("Media of a party to the conflict (state media, a party's own paper or site): usable only for "
                    "that party's own statements.",
                    "TASS, RIA Novosti, RT, Sputnik (Russia); Ukrinform (Ukraine); Tabnak (Iran)"),
    "other": ("Anything else: blogs, reprint sites, private copies of documents. Avoid; `parley sources` reports "
              "every such row.",
              "OilPrice.com reprints, a personal blog"),
}
SOURCE_TYPES = tuple(SOURCE_TYPE_DEFINITIONS)
UNGRADED = "ungraded"  # how `parley sources` and the briefing count a row without source_type
# The outlet registry (parley/data/sourcing/outlets.csv) grades outlets with the grades above and two more, for
# sites that are never a source: a row citing them is a problem (denied) or is refused at validation (mirror).
REGISTRY_ONLY_DEFINITIONS = {
    "denied": ("An aggregator, content farm, press-release reposter or encyclopedia: a finding aid, never a source; "
               "`parley sources` reports every row citing one.",
               "Mirage News, Yahoo, Wikipedia"),
    "mirror": ("A copy of another site's pages at another address (mirror, CDN origin, CMS preview host): refused "
               "when a folder is validated, with the original address asked for.",
               "wikiwand.com, softbeam.net, Arc Publishing CDN"),
}
REGISTRY_GRADES = SOURCE_TYPES + tuple(REGISTRY_ONLY_DEFINITIONS)
OUTLET_DOMAIN_PATTERN = r"^[a-z0-9][a-z0-9.-]*\.[a-z0-9-]+(/[^\s,]+)?$"  # example.org or example.org/path/prefix

# Largest curated CSV accepted; bigger event tables belong in Parquet (importers).
MAX_CSV_BYTES = 50 * 1024 * 1024


# --- element checks: each returns True for a good value; pandera reports the rest ---------------

def is_iso_date(value: str) -> bool:
    if not isinstance(value, str) or not ISO_DATE_RE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


TEXT_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


def text_dates(source: str) -> list[dt.date]:
    """The real YYYY-MM-DD dates written in a source text ('Reuters, 2025-05-16', 'report of 2025-05-16'): when a
    source was written, for the sourcing audit and for influence rows' valid_from."""
    return [dt.date.fromisoformat(m) for m in TEXT_DATE.findall(source or "") if is_iso_date(m)]


def is_id_list(value: str) -> bool:
    parts = value.split(LIST_SEPARATOR)
    return all(ID_RE.match(p.strip()) for p in parts)


def is_http_url(value: str) -> bool:
    return bool(re.match(r"^https?://[^\s/$.?#][^\s<>\"']*$", value))


def is_not_formula(value: str) -> bool:
    """Spreadsheet programs execute cells starting with these; data must never carry them."""
    return not re.match(r"^\s*([=@\t\r]|[+\-][^\d\s.])", value)


def is_dmy_date(value: str) -> bool:
    """A real date written DD/MM/YYYY, as the stored UCDP termination copy writes them."""
    if not isinstance(value, str) or not DMY_DATE_RE.match(value):
        return False
    try:
        dt.datetime.strptime(value, "%d/%m/%Y")
    except ValueError:
        return False
    return True


def dmy_date() -> pa.Check:
    return pa.Check(is_dmy_date, element_wise=True, ignore_na=True, error="must be a real date written DD/MM/YYYY")


def code_of(codes: dict[int, str], decimal: bool = False) -> pa.Check:
    """One of UCDP's numeric codes; `decimal`: as the exporting program wrote them, e.g. `4.0`."""
    allowed = tuple(f"{c}.0" if decimal else str(c) for c in codes)
    return pa.Check.isin(allowed, error="must be one of: " + ", ".join(allowed))


def iso_date() -> pa.Check:
    return pa.Check(is_iso_date, element_wise=True, ignore_na=True,
                    error="must be a real date written YYYY-MM-DD")


def id_value() -> pa.Check:
    return pa.Check.str_matches(ID_PATTERN, error="must be an id: lowercase letters, digits, '_' or '-'")


def id_list() -> pa.Check:
    return pa.Check(is_id_list, element_wise=True, ignore_na=True,
                    error="must be ';'-separated ids with no empty entry (no trailing ';')")


def plain_text() -> pa.Check:
    return pa.Check(is_not_formula, element_wise=True, ignore_na=True,
                    error="starts like a spreadsheet formula (=, @, +, -); rephrase the text")


def http_url() -> pa.Check:
    return pa.Check(is_http_url, element_wise=True, ignore_na=True,
                    error="must be an http:// or https:// address")


def one_of(values: tuple[str, ...]) -> pa.Check:
    return pa.Check.isin(values, error="must be one of: " + ", ".join(values))


def score() -> pa.Check:
    return pa.Check.in_range(0, 100, error="must be a number from 0 to 100")


def url(description: str = "Address of the source (http or https only); optional.") -> pa.Column:
    return pa.Column(str, http_url(), nullable=True, description=description)


def source_type() -> pa.Column:
    """The grade of a row's source; optional so that folders written before it keep validating."""
    return pa.Column(str, one_of(SOURCE_TYPES), nullable=True, required=False,
                     description="Grade of the source, optional: where the outlet registry "
                     "(parley/data/sourcing/outlets.csv) knows the address's domain, the row takes the outlet's "
                     "grade and a different value here is reported by `parley sources`; empty and unknown = "
                     "ungraded. One of: " + ", ".join(SOURCE_TYPES) + "; see docs/sourcing.md.")


def in_words(description: str) -> pa.Column:
    """A scale end: words a reader understands, not the bare number the scale already shows."""
    words = pa.Check(lambda v: not re.fullmatch(r"\s*[-+]?[\d.]+\s*%?\s*", v), element_wise=True, ignore_na=True,
                     error="must say in words what this end of the scale means, not a number")
    return pa.Column(str, [plain_text(), words], nullable=False, description=description)


def text(description: str, *, required: bool = True, title: str | None = None) -> pa.Column:
    return pa.Column(str, plain_text(), nullable=not required, required=True,
                     description=description, title=title)


# --- tables ---------------------------------------------------------------------------------

TABLE_NAMES = ("ACTORS", "ISSUES", "EVENTS", "POSITIONS", "INFLUENCE", "WAR_OUTCOMES_SCHEMA", "OUTCOME", "UCDP_TERMINATION",
               "OUTLETS")


def _declare_tables() -> dict:
    """The table schemas. Built on first access (module __getattr__) so constants stay cheap to import."""
    _pandera()
    ACTORS = pa.DataFrameSchema(
        {
            "actor_id": pa.Column(str, id_value(), unique=True, description="Stable id used by events and positions, e.g. `russia`."),
            "name": text("Display name."),
            "kind": pa.Column(str, one_of(ACTOR_KINDS), description="One of: " + ", ".join(ACTOR_KINDS) + "."),
            "color": pa.Column(str, pa.Check.str_matches(HEX_COLOR_RE.pattern, error="must be a hex colour like #1f77b4"),
                               description="Hex colour used for this actor in every chart, e.g. `#1f77b4`."),
            "capability": pa.Column(float, score(), coerce=True, nullable=True,
                                    description="Relative clout 0-100 (weights the bargaining model); empty = no "
                                                "confirmed figure, left out of the model."),
            "source": text("Where the actor's capability figure comes from (outlet or document and date)."),
            "source_url": url("Address of that source (http or https only); optional."),
            "source_type": source_type(),
        },
        name="actors", strict=True, ordered=False,
    )

    ISSUES = pa.DataFrameSchema(
        {
            "issue_id": pa.Column(str, id_value(), unique=True, description="Stable id, e.g. `territory`."),
            "name": text("Display name."),
            "scale_low": in_words("What position 0 means, in words."),
            "scale_high": in_words("What position 100 means, in words."),
            "description": text("What the issue covers.", required=False),
            "status_quo": pa.Column(float, score(), coerce=True, nullable=True, required=False,
                                    description="Optional, 0-100: where the issue stands if no deal is made "
                                                "(a baseline of `python -m parley backtest`); empty = not defined."),
        },
        name="issues", strict=True, ordered=False,
    )

    EVENTS = pa.DataFrameSchema(
        {
            "event_id": pa.Column(str, id_value(), unique=True, description="Unique id, e.g. `2025-05-16-istanbul-talks`."),
            "date": pa.Column(str, iso_date(), description="First day, YYYY-MM-DD (any year: 1950 works as well as 2025)."),
            "end_date": pa.Column(str, iso_date(), nullable=True,
                                  description="Last day of a ranged event; empty for one-day events; not before `date`."),
            "date_precision": pa.Column(str, one_of(DATE_PRECISIONS), description="How exactly `date` is known: " + ", ".join(DATE_PRECISIONS) + "."),
            "category": pa.Column(str, one_of(CATEGORIES), description="One of: " + ", ".join(CATEGORIES) + "."),
            "title": text("Short headline (shown on the timeline)."),
            "description": text("One or two sentences of checked facts.", required=False),
            "actors": pa.Column(str, id_list(), description="`;`-separated actor ids; each must be in actors.csv."),
            "issues": pa.Column(str, id_list(), nullable=True, description="`;`-separated issue ids (may be empty); each must be in issues.csv."),
            "location": text("Place, if any.", required=False),
            "importance": pa.Column(int, pa.Check.isin([1, 2, 3], error="must be 1, 2 or 3"), coerce=True,
                                    description="1 minor, 2 significant, 3 milestone (annotated on the timeline)."),
            "source": text("Outlet or document and its date, e.g. `Reuters, 2025-05-16`."),
            "source_url": url(),
            "source_type": source_type(),
        },
        name="events", strict=True, ordered=False,
    )

    POSITIONS = pa.DataFrameSchema(
        {
            "actor_id": pa.Column(str, id_value(), description="Actor holding the position; must be in actors.csv."),
            "issue_id": pa.Column(str, id_value(), description="Issue; must be in issues.csv."),
            "date": pa.Column(str, iso_date(), description="From this date on the position holds, until the actor's next row on the issue."),
            "position": pa.Column(float, score(), coerce=True, description="0-100 on the issue's scale (scale_low = 0, scale_high = 100)."),
            "salience": pa.Column(float, score(), coerce=True, description="0-100: how much the issue matters to the actor."),
            "statement": text("Short quote or faithful paraphrase that anchors the coding."),
            "source": text("Outlet or document and its date."),
            "source_url": url(),
            "source_type": source_type(),
        },
        name="positions", strict=True, ordered=False,
    )

    INFLUENCE = pa.DataFrameSchema(
        {
            "actor_id": pa.Column(str, id_value(), description="Actor; must be in actors.csv."),
            "issue_id": pa.Column(str, id_value(), description="Issue; must be in issues.csv."),
            "influence": pa.Column(float, score(), coerce=True,
                                   description="0-100: how far the actor can make or block the outcome on this "
                                               "issue; replaces its actors.csv capability in the bargaining model "
                                               "for this issue."),
            "veto": pa.Column(str, one_of(TRUE_FALSE),
                              description="`true` if the actor can in fact block any settlement of the issue, "
                                          "else `false`."),
            "valid_from": pa.Column(str, iso_date(), nullable=True, required=False,
                                    description="Optional: first day the row is in force, YYYY-MM-DD; its source "
                                                "must be dated on or before it (a YYYY-MM-DD in `source`). A "
                                                "forecast for a day uses only rows in force that day. Empty or no "
                                                "column = undated (in force always; `backtest` warns of look-ahead)."),
            "valid_until": pa.Column(str, iso_date(), nullable=True, required=False,
                                     description="Optional: last day the row is in force, YYYY-MM-DD, not before "
                                                 "`valid_from`; empty = open-ended."),
            "rationale": text("Why this figure: which instrument or decision right the actor holds on the issue."),
            "source": text("Outlet or document and its date."),
            "source_url": url(),
            "source_type": source_type(),
        },
        name="influence", strict=True, ordered=False,
    )

    WAR_OUTCOMES_SCHEMA = pa.DataFrameSchema(
        {
            "war_id": pa.Column(str, id_value(), unique=True, description="Unique id, e.g. `korea-1950`."),
            "name": text("Common name of the war."),
            "kind": pa.Column(str, one_of(WAR_KINDS), description="One of: " + ", ".join(WAR_KINDS) + "."),
            "region": pa.Column(str, one_of(WAR_REGIONS), description="One of: " + ", ".join(WAR_REGIONS) + "."),
            "start": pa.Column(str, iso_date(), description="Start of the fighting, YYYY-MM-DD."),
            "end": pa.Column(str, iso_date(), nullable=True, description="When the outcome took effect; empty while ongoing."),
            "outcome": pa.Column(str, one_of(WAR_OUTCOMES),
                                 description="UCDP Conflict Termination scheme plus ongoing: " + ", ".join(WAR_OUTCOMES) + "."),
            "peace_treaty": pa.Column(str, one_of(YES_NO), description="`yes` if a final peace treaty or comprehensive "
                                                                        "agreement was signed (even later)."),
            "parties": text("`;`-separated main parties (plain names)."),
            "note": text("One sentence with the checked key fact.", required=False),
            "source": text("Outlet or document and its date."),
            "source_url": url("Address of the source (http or https only)."),
            "source_type": source_type(),
        },
        name="war_outcomes", strict=True, ordered=False,
    )
    OUTCOME = pa.DataFrameSchema(
        {
            "issue_id": pa.Column(str, id_value(), unique=True, report_duplicates="exclude_first",
                                  description="Issue settled; must be in issues.csv; one row per issue."),
            "date": pa.Column(str, iso_date(), description="When the outcome was fixed (e.g. a signature), YYYY-MM-DD; "
                                                           "the backtest forecasts from months before it."),
            "outcome": pa.Column(float, score(), coerce=True, nullable=True,
                                 description="0-100 on the issue's scale, coded on the agreed text as signed "
                                             "(docs/codebook.md, section 6); empty only when `deal` is `false`."),
            "implemented": pa.Column(float, score(), coerce=True, nullable=True, required=False,
                                     description="Optional, 0-100 on the same scale: where implementation actually "
                                                 "ended (reported beside the outcome, never scored in its place); "
                                                 "empty = not coded."),
            "deal": pa.Column(str, one_of(TRUE_FALSE), nullable=True, required=False,
                              description="Optional: `false` when the negotiation produced no agreement on the "
                                          "issue (then `outcome` stays empty and the backtest scores the row in "
                                          "its deal / no-deal step); empty or no column = `true`."),
            "description": text("What was settled (or not), in a sentence of checked facts."),
            "source": text("Outlet or document and its date."),
            "source_url": url(),
            "source_type": source_type(),
        },
        name="outcome", strict=True, ordered=False,
    )
    OUTLETS = pa.DataFrameSchema(
        {
            "domain": pa.Column(str, pa.Check.str_matches(OUTLET_DOMAIN_PATTERN, error="must be a lower-case domain "
                                                          "such as example.org, or a domain with a path prefix such "
                                                          "as github.com/owner/repo (no scheme, no www.)"),
                                unique=True, description="The registrable domain, or a domain with a path prefix "
                                "where one site hosts several outlets; a subdomain is covered by its domain."),
            "outlet": text("The outlet's name, as the briefing prints it."),
            "grade": pa.Column(str, one_of(REGISTRY_GRADES), description="One of: " + ", ".join(REGISTRY_GRADES)
                               + " (docs/sourcing.md)."),
            "party": pa.Column(str, id_value(), nullable=True, description="For party_media: the actor it speaks "
                               "for (an actor id); empty otherwise."),
            "notes": text("Why this grade; for party_media, the label the briefing prints (e.g. Russian state "
                          "media); for denied and mirror, the reason a row citing it is refused.", required=False),
        },
        name="outlets", strict=True, ordered=False,
    )
    def ucdp(check_or_dtype, description: str, *, nullable: bool = False) -> pa.Column:
        """A column of the UCDP file, kept as text (its codes are compared as written)."""
        checks = [check_or_dtype] if isinstance(check_or_dtype, pa.Check) else []
        return pa.Column(str, checks, nullable=nullable, description=description)

    whole = pa.Check.str_matches(r"^\d+$", error="must be a whole number")
    ids = pa.Check.str_matches(r"^\d+(, \d+)*$", error="must be whole numbers separated by ', '")
    precision = pa.Check.str_matches(r"^[1-7](\.0)?$", error="must be a precision code 1-7")
    UCDP_TERMINATION = pa.DataFrameSchema(
        {
            "": ucdp(whole, "Row number written by the program that exported the copy (not UCDP's)."),
            "conflictep_id": ucdp(whole, "Conflict episode id: the conflict id followed by the two-digit episode number."),
            "conflictepisode": ucdp(whole, "Episode number within the conflict (1 = first)."),
            "type_of_conflict2": ucdp(code_of({1: "", 2: "", 3: ""}), "Type with internationalized intrastate counted "
                                      "as intrastate: 1 extrasystemic, 2 interstate, 3 intrastate."),
            "dyadcount": ucdp(whole, "Number of dyads active in the conflict that year."),
            "confterm": ucdp(code_of({0: "", 1: ""}), "1 if the episode ends this year (its last active year), else 0."),
            "ependdate": ucdp(dmy_date(), "Date the episode ended; only on the year it ends.", nullable=True),
            "ependprec": ucdp(precision, "Precision of ependdate (UCDP's code, 1 = exact day).", nullable=True),
            "outcome": ucdp(code_of(UCDP_OUTCOMES, decimal=True), "How the episode ended: 1 peace agreement, 2 ceasefire "
                            "agreement, 3 victory for side A, 4 victory for side B, 5 low activity, 6 actor ceases "
                            "to exist; only on the year it ends.", nullable=True),
            "recur": ucdp(code_of({0: "", 1: ""}), "1 on the first year of an episode that is not the conflict's first."),
            "version": ucdp(whole, "Release number of the termination data (3)."),
            "conflict_id": ucdp(whole, "UCDP conflict id."),
            "year": ucdp(pa.Check.str_matches(r"^(19[4-9]\d|20\d\d)$", error="must be a year from 1940 to 2099"),
                         "Calendar year of the row."),
            "location": ucdp(plain_text(), "Country or countries whose government(s) are a primary party."),
            "side_a": ucdp(plain_text(), "Primary party on side A (a government)."),
            "side_a_id": ucdp(ids, "UCDP actor id(s) of side A."),
            "side_a_2nd": ucdp(plain_text(), "States supporting side A with troops.", nullable=True),
            "side_b": ucdp(plain_text(), "Primary party or parties on side B."),
            "side_b_id": ucdp(ids, "UCDP actor id(s) of side B."),
            "side_b_2nd": ucdp(plain_text(), "States supporting side B with troops.", nullable=True),
            "incompatibility": ucdp(code_of(UCDP_INCOMPATIBILITIES), "What is fought over: 1 territory, 2 government, 3 both."),
            "territory_name": ucdp(plain_text(), "Name of the contested territory.", nullable=True),
            "intensity_level": ucdp(code_of(UCDP_INTENSITIES), "1 minor (25-999 battle-related deaths that year), 2 war "
                                    "(1,000 or more)."),
            "type_of_conflict": ucdp(code_of(UCDP_TYPES), "1 extrasystemic, 2 interstate, 3 intrastate, "
                                     "4 internationalized intrastate."),
            "start_date": ucdp(dmy_date(), "Date of the conflict's first battle-related death."),
            "start_prec": ucdp(precision, "Precision of start_date."),
            "start_date2": ucdp(dmy_date(), "Date the current episode began."),
            "start_prec2": ucdp(precision, "Precision of start_date2."),
            "gwno_loc": ucdp(ids, "Gleditsch-Ward number(s) of the location."),
            "region": ucdp(ids, "Region(s): 1 Europe, 2 Middle East, 3 Asia, 4 Africa, 5 Americas."),
        },
        name="ucdp_termination", strict=True, ordered=False,
    )
    return {"ACTORS": ACTORS, "ISSUES": ISSUES, "EVENTS": EVENTS, "POSITIONS": POSITIONS, "INFLUENCE": INFLUENCE,
            "WAR_OUTCOMES_SCHEMA": WAR_OUTCOMES_SCHEMA, "OUTCOME": OUTCOME, "UCDP_TERMINATION": UCDP_TERMINATION,
            "OUTLETS": OUTLETS}


def __getattr__(name: str):
    if name in TABLE_NAMES:
        tables = _declare_tables()
        globals().update(tables)
        return tables[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class TableSpec:
    """A file of a conflict folder and the schema it must meet."""

    file: str
    schema_name: str
    purpose: str
    required: bool = True

    @property
    def schema(self):
        return getattr(sys.modules[__name__], self.schema_name)


CONFLICT_TABLES = (
    TableSpec("actors.csv", "ACTORS", "Who takes part: states, blocs, organisations, armed groups, persons."),
    TableSpec("issues.csv", "ISSUES", "What is bargained over; each issue a 0-100 continuum."),
    TableSpec("events.csv", "EVENTS", "Dated events, every row with its source."),
    TableSpec("positions.csv", "POSITIONS", "Each actor's stated position on each issue over time, every row with its source."),
    TableSpec("influence.csv", "INFLUENCE", "Optional: issue-specific influence of an actor, which replaces its "
              "capability in the bargaining model for that issue (capability stays the fallback). A folder without "
              "the file is valid.", required=False),
    TableSpec("outcome.csv", "OUTCOME", "Optional: how each issue was settled, for negotiations whose outcome is known "
              "(read by `python -m parley backtest`); a folder without it still validates.", required=False),
)

# conflict.toml: key -> (required, type name, description)
CONFLICT_META = {
    "id": (True, "id", "Conflict id (lowercase letters, digits, '_' or '-'); names the report folder."),
    "name": (True, "text", "Display name, e.g. `Russia-Ukraine war`."),
    "summary": (True, "text", "One paragraph shown at the top of briefings."),
    "start": (True, "date", "Start of the conflict, YYYY-MM-DD."),
    "default_actors": (False, "list of actor ids", "Actors shown when a notebook's `actors` parameter is empty; default all."),
    "default_issues": (False, "list of issue ids", "Issues shown when a notebook's `issues` parameter is empty; default all."),
    "covered_until": (False, "date", "Date up to which the data is kept current, YYYY-MM-DD; events or positions dated "
                                     "after it are errors, and briefing days after it are `not covered` (no trend "
                                     "verdict). Default: the latest event (or event end) or position date."),
    "type": (False, "choice", "UCDP/PRIO type of the war, for the outside view (docs/outlook.md): "
                              + ", ".join(CONFLICT_TYPES) + ". Optional; without it `parley outlook` refuses the folder."),
    "incompatibility": (False, "choice", "What the war is fought over, in UCDP/PRIO's terms: "
                                         + ", ".join(CONFLICT_INCOMPATIBILITIES) + ". Optional, for the outside view."),
    "intensity": (False, "choice", "UCDP/PRIO intensity: `war` (1,000 or more battle-related deaths in a year) or "
                                   "`minor`. Optional, for the outside view."),
}

# Cross-table rules enforced by parley.data.load (listed in the generated documentation).
CROSS_TABLE_RULES = (
    "`events.actors` and `positions.actor_id` name actors of actors.csv.",
    "`events.issues` and `positions.issue_id` name issues of issues.csv.",
    "`events.end_date` is not before `events.date`.",
    "`events.date`, `events.end_date` and `positions.date` are not after `covered_until` (conflict.toml).",
    "One position row per (actor_id, issue_id, date).",
    "`influence.actor_id` and `influence.issue_id` name an actor of actors.csv and an issue of issues.csv; "
    "one influence row per (actor_id, issue_id) in force on any day (rows of one pair need `valid_from` and "
    "periods that do not overlap); `valid_until` is not before `valid_from`, and the row's source is dated "
    "(a YYYY-MM-DD in `source`) on or before `valid_from`.",
    "`outcome.issue_id` names issues of issues.csv, one outcome row per issue; `outcome` is given unless `deal` is "
    "`false`, and empty when it is.",
    "For every issue with an outcome.csv row, the positions dated before the outcome's date include a 0 and a 100: "
    "the scale's ends are the most extreme positions parties took before the outcome (docs/codebook.md).",
    "`source_url` is the outlet's own public address: no bare IP address, no staging, preprod or dev host, no "
    "domain graded `mirror` in the outlet registry.",
    "Files are UTF-8 (with or without BOM), comma-delimited, with one header row and no duplicated column; "
    f"at most {MAX_CSV_BYTES // (1024 * 1024)} MB; inside the conflict folder (no symlinks out of it).",
)


def is_required(column: pa.Column) -> bool:
    return not column.nullable


def type_name(column: pa.Column) -> str:
    """The column's type in a reader's words, derived from its checks and dtype."""
    errors = " ".join(str(check.error) for check in column.checks)
    if "YYYY-MM-DD" in errors:
        return "date"
    if "';'-separated" in errors:
        return "id list"
    if errors.startswith("must be an id"):
        return "id"
    if errors.startswith("must be one of") or "must be 1, 2 or 3" in errors:
        return "choice"
    if "http" in errors:
        return "URL"
    return {"float64": "number", "int64": "integer"}.get(str(column.dtype), "text")


def source_grades_markdown() -> str:
    """The grade table shown in docs/data-format.md and docs/sourcing.md (tests keep both equal to this)."""
    rows = ["| grade | what it is | examples |", "|---|---|---|"]
    rows += [f"| `{grade}` | {meaning} | {examples} |"
             for grade, (meaning, examples) in SOURCE_TYPE_DEFINITIONS.items()]
    rows += [f"| `{grade}` (registry only) | {meaning} | {examples} |"
             for grade, (meaning, examples) in REGISTRY_ONLY_DEFINITIONS.items()]
    return "\n".join(rows)


def markdown_docs() -> str:
    """The data-format reference, generated from the schemas above (docs/data-format.md)."""
    out = [
        "# Data format",
        "",
        "_Generated by `python -m parley schema-docs` from `parley/data/schema.py`; do not edit by hand._",
        "",
        "A conflict is a folder `data/<conflict-id>/` holding `conflict.toml`, four CSV tables and, optionally, "
        "the tables marked optional below.",
        "",
        "## conflict.toml",
        "",
        "| key | required | type | meaning |",
        "|---|---|---|---|",
    ]
    for key, (required, kind, description) in CONFLICT_META.items():
        out.append(f"| `{key}` | {'yes' if required else 'no'} | {kind} | {description} |")
    for spec in CONFLICT_TABLES + (TableSpec("data/reference/war_outcomes.csv", "WAR_OUTCOMES_SCHEMA",
                                             "How comparable wars ended (reference table, not part of a conflict folder)."),
                                   TableSpec("data/reference/ucdp-term-acd-3-2021.csv", "UCDP_TERMINATION",
                                             "UCDP Conflict Termination Dataset v.3-2021, conflict-years 1946-2020, kept "
                                             "as obtained (data/reference/README.md); read by the outside view "
                                             "(docs/outlook.md). Not part of a conflict folder."),
                                   TableSpec("parley/data/sourcing/outlets.csv", "OUTLETS",
                                             "The outlet registry: one row per outlet, the grade every row citing it "
                                             "takes (shipped with parley, not part of a conflict folder).")):
        out += ["", f"## {spec.file}", "", spec.purpose, "", "| column | required | type | meaning |", "|---|---|---|---|"]
        for name, column in spec.schema.columns.items():
            out.append(f"| `{name}` | {'yes' if is_required(column) else 'no'} | {type_name(column)} | {column.description} |")
    out += ["", "## Source grades (`source_type`)", "", "Policy and audit rules: [sourcing.md](sourcing.md).", "",
            source_grades_markdown()]
    out += ["", "## Rules across tables", ""] + [f"- {rule}" for rule in CROSS_TABLE_RULES]
    out += ["", "Every problem is reported as `file:line: column: message`, line numbers as in the file (header = line 1).",
            "Blank lines and comment lines (first cell starting with `#`, such as the example rows `python -m parley new`",
            "writes) are skipped and keep the line numbers of the rows after them. A table with a header and no rows is",
            "refused as truncated, unless it holds comment lines: then it is an empty table still to be filled.", ""]
    return "\n".join(out)
