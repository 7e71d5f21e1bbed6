"""Writes the case folders of tests/bad_inputs/ from _base/ (the committed files are the corpus; review the diff).

Run after changing _base/ or a rule: `.venv/bin/python tests/bad_inputs/make_cases.py`. Every case
folder except _base/ is rewritten; expected.txt lines are declared here, by hand, next to each case.
"""
import csv
import io
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BASE = ROOT / "_base"
FORMULA = "=cmd|' /C calc'!A0"


def text(name):
    return (BASE / name).read_text(encoding="utf-8")


def rows(name):
    return list(csv.reader(io.StringIO(text(name), newline="")))


def dump(table, delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(table)
    return buffer.getvalue()


def cell(name, line, column, value, table=None):
    """The base file's rows (or `table`) with one cell changed; line as in the file, header = 1."""
    table = table or rows(name)
    table[line - 1][table[0].index(column)] = value
    return table


cases = {}


def case(name, about, expected, files=None, directives=()):
    """One case: what is broken, the problems parley must report, the files replacing the base's, directives."""
    cases[name] = (about, list(directives), expected, files or {})


# --- conflict.toml ---
toml = text("conflict.toml")
case("toml-missing", "conflict.toml is not there", ["conflict.toml:1: -: file is missing"], directives=["@remove conflict.toml"])
case("toml-syntax", "an unterminated string in conflict.toml",
     ["conflict.toml:2: -: is not valid TOML"], {"conflict.toml": toml.replace('name = "Korean War armistice talks"', 'name = "Korean War armistice talks')})
case("toml-id-dotdot", "a conflict id that climbs out of the report folder",
     ["conflict.toml:1: id: must be an id"], {"conflict.toml": toml.replace('id = "korea-1950"', 'id = "../../../tmp/parley-pwned"')})
case("toml-id-absolute", "a conflict id that is an absolute path",
     ["conflict.toml:1: id: must be an id"], {"conflict.toml": toml.replace('id = "korea-1950"', 'id = "/etc/cron.d/x"')})
case("toml-required-key", "conflict.toml without its summary",
     ["conflict.toml:1: summary: required key is missing"], {"conflict.toml": "".join(l for l in toml.splitlines(True) if not l.startswith("summary"))})
case("toml-unknown-key", "a key conflict.toml does not know",
     ["conflict.toml:7: colour: unknown key"], {"conflict.toml": toml + 'colour = "red"\n'})
case("toml-start-2025-02-30", "start = 2025-02-30, a TOML date that does not exist",
     ["conflict.toml:4: -: is not valid TOML (Invalid date"], {"conflict.toml": toml.replace("start = 1950-06-25", "start = 2025-02-30")})
case("toml-start-25-05-2025", "start written day first, as text",
     ["conflict.toml:4: start: must be a real date written YYYY-MM-DD"], {"conflict.toml": toml.replace("start = 1950-06-25", 'start = "25/05/2025"')})
case("toml-empty-name", "a blank name",
     ["conflict.toml:2: name: must be non-empty text"], {"conflict.toml": toml.replace('name = "Korean War armistice talks"', 'name = "  "')})
case("toml-default-actors-text", "default_actors as one ';'-joined string instead of a list",
     ["conflict.toml:5: default_actors: must be a list of ids"],
     {"conflict.toml": toml.replace('default_actors = ["unc", "north_korea", "china", "south_korea"]', 'default_actors = "unc;china;"')})
case("toml-default-actors-unknown", "default_actors names an actor missing from actors.csv",
     ["conflict.toml:5: default_actors: unknown actor id 'soviet_union'; not in actors.csv"],
     {"conflict.toml": toml.replace('"south_korea"]', '"south_korea", "soviet_union"]')})
case("toml-latin1", "conflict.toml saved as Latin-1 (an accented letter in the summary)",
     ["conflict.toml:3: -: is not UTF-8 (byte 0xe9)"],
     {"conflict.toml": toml.replace("Syngman Rhee", "Syngman Rhee (Yi S\u00e9ung-man)").encode("latin-1")})

# --- actors.csv ---
a = rows("actors.csv")
extra = ["soviet_union", "Soviet Union", "state", "#8c564b", "60", "Analyst coding (test row)"]
case("actors-id-pattern", "an added actor whose id has capitals and a space",
     ["actors.csv:6: actor_id: must be an id: lowercase letters, digits, '_' or '-'"],
     {"actors.csv": dump(a + [["Soviet Union"] + extra[1:]])})
case("actors-duplicate-id", "china twice in actors.csv",
     ["actors.csv:4: actor_id: duplicate value 'china'", "actors.csv:6: actor_id: duplicate value 'china'"],
     {"actors.csv": dump(a + [["china"] + extra[1:]])})
case("actors-kind", "an actor kind outside the list",
     ["actors.csv:2: kind: must be one of: state, bloc, organisation, armed_group, person, got 'alliance'"],
     {"actors.csv": dump(cell("actors.csv", 2, "kind", "alliance"))})
case("actors-color", "a colour name instead of a hex colour",
     ["actors.csv:3: color: must be a hex colour like #1f77b4, got 'red'"], {"actors.csv": dump(cell("actors.csv", 3, "color", "red"))})
case("actors-capability-range", "capability 150 on a 0-100 scale",
     ["actors.csv:4: capability: must be a number from 0 to 100, got '150'"], {"actors.csv": dump(cell("actors.csv", 4, "capability", "150"))})
case("actors-capability-text", "capability written as a word",
     ["actors.csv:5: capability: must be a number, got 'high'"], {"actors.csv": dump(cell("actors.csv", 5, "capability", "high"))})
case("actors-capability-nan", "capability NaN (an empty cell means no figure; NaN is not a figure)",
     ["actors.csv:2: capability: must be a number, got 'NaN'"], {"actors.csv": dump(cell("actors.csv", 2, "capability", "NaN"))})
case("actors-capability-inf", "capability inf",
     ["actors.csv:3: capability: must be a number from 0 to 100, got 'inf'"], {"actors.csv": dump(cell("actors.csv", 3, "capability", "inf"))})
case("actors-source-missing", "an actor without its source",
     ["actors.csv:5: source: required value is missing"], {"actors.csv": dump(cell("actors.csv", 5, "source", ""))})
ju = [r + [u] for r, u in zip(a, ["source_url", "javascript:alert(document.domain)", "", "", ""])]
case("actors-url-javascript", "a javascript: address as source_url",
     ["actors.csv:2: source_url: must be an http:// or https:// address, got 'javascript:alert(document.domain)'"], {"actors.csv": dump(ju)})
case("actors-name-formula", "a spreadsheet DDE formula as an actor name",
     ["actors.csv:2: name: starts like a spreadsheet formula"], {"actors.csv": dump(cell("actors.csv", 2, "name", FORMULA))})
case("actors-unknown-column", "an extra column actors.csv does not have",
     ["actors.csv:1: population: unknown column; expected: actor_id, name, kind, color, capability, source, source_url"],
     {"actors.csv": dump([r + [v] for r, v in zip(a, ["population", "", "", "", ""])])})
case("actors-missing-column", "actors.csv without its color column",
     ["actors.csv:1: color: required column is missing from the header"], {"actors.csv": dump([r[:3] + r[4:] for r in a])})
case("actors-duplicated-header", "the name column twice",
     ["actors.csv:1: name: appears twice in the header"], {"actors.csv": dump([r + [r[1]] for r in a])})
case("actors-latin1", "actors.csv saved as Latin-1",
     ["actors.csv:5: -: is not UTF-8 (byte 0xe9)"],
     {"actors.csv": text("actors.csv").replace("South Korea (Republic of Korea)", "South Korea (R\u00e9publique de Cor\u00e9e)").encode("latin-1")})

# --- issues.csv ---
i = rows("issues.csv")
case("issues-empty-file", "issues.csv of 0 bytes", ["issues.csv:1: -: is empty (0 bytes)"], {"issues.csv": b""})
case("issues-header-only", "issues.csv with its header and no rows", ["issues.csv:1: -: has a header but no rows"], {"issues.csv": dump(i[:1])})
case("issues-blank-lines", "issues.csv of blank lines only", ["issues.csv:1: -: has no header row"], {"issues.csv": "\n  \n\n"})
case("issues-duplicate-id", "an issue id twice",
     ["issues.csv:3: issue_id: duplicate value 'demarcation_line'", "issues.csv:5: issue_id: duplicate value 'demarcation_line'"],
     {"issues.csv": dump(i + [i[2]])})
case("issues-scale-missing", "an issue without scale_low", ["issues.csv:3: scale_low: required value is missing"],
     {"issues.csv": dump(cell("issues.csv", 3, "scale_low", ""))})
case("issues-scale-number", "a scale end given as the bare number 0 instead of words",
     ["issues.csv:2: scale_low: must say in words what this end of the scale means, not a number, got '0'"],
     {"issues.csv": dump(cell("issues.csv", 2, "scale_low", "0"))})
case("issues-description-formula", "a description starting with @SUM(",
     ["issues.csv:4: description: starts like a spreadsheet formula"], {"issues.csv": dump(cell("issues.csv", 4, "description", "@SUM(A1:A9)"))})
case("issues-directory", "issues.csv is a folder", ["issues.csv:1: -: is not a regular file"], directives=["@mkdir issues.csv"])

# --- events.csv ---
e = rows("events.csv")
case("events-semicolons", "events.csv separated by semicolons (a spreadsheet's European export)",
     ["events.csv:1: -: is separated by semicolons; parley reads comma-separated files"], {"events.csv": dump(e, ";")})
case("events-tabs", "events.csv separated by tabs", ["events.csv:1: -: is separated by tabs"], {"events.csv": dump(e, "\t")})
case("events-date-2025-02-30", "an event on 2025-02-30",
     ["events.csv:5: date: must be a real date written YYYY-MM-DD, got '2025-02-30'"], {"events.csv": dump(cell("events.csv", 5, "date", "2025-02-30"))})
case("events-date-25-05-2025", "an event date written day first",
     ["events.csv:6: date: must be a real date written YYYY-MM-DD, got '25/05/2025'"], {"events.csv": dump(cell("events.csv", 6, "date", "25/05/2025"))})
case("events-end-before-date", "an event that ends before it starts",
     ["events.csv:8: end_date: 1953-06-01 is before date 1953-06-18"], {"events.csv": dump(cell("events.csv", 8, "end_date", "1953-06-01"))})
case("events-end-date-invalid", "end_date 1953-06-31",
     ["events.csv:8: end_date: must be a real date written YYYY-MM-DD, got '1953-06-31'"], {"events.csv": dump(cell("events.csv", 8, "end_date", "1953-06-31"))})
case("events-precision", "date_precision week (not in the list)",
     ["events.csv:3: date_precision: must be one of: day, month, year, got 'week'"], {"events.csv": dump(cell("events.csv", 3, "date_precision", "week"))})
case("events-category", "an unknown category",
     ["events.csv:4: category: must be one of: negotiation, ceasefire"], {"events.csv": dump(cell("events.csv", 4, "category", "battle"))})
case("events-importance-4", "importance 4", ["events.csv:9: importance: must be 1, 2 or 3, got '4'"], {"events.csv": dump(cell("events.csv", 9, "importance", "4"))})
case("events-importance-fraction", "importance 2.5 (the other rows' valid importances are not reported)",
     ["events.csv:10: importance: must be a whole number, got '2.5'"], {"events.csv": dump(cell("events.csv", 10, "importance", "2.5"))})
case("events-importance-nan", "importance NaN", ["events.csv:2: importance: must be a whole number, got 'NaN'"],
     {"events.csv": dump(cell("events.csv", 2, "importance", "NaN"))})
case("events-actors-trailing-semicolon", "an actors list ending with ';'",
     ["events.csv:9: actors: must be ';'-separated ids with no empty entry (no trailing ';')"],
     {"events.csv": dump(cell("events.csv", 9, "actors", "unc;south_korea;"))})
case("events-unknown-actor", "an event naming an actor missing from actors.csv",
     ["events.csv:10: actors: unknown actor id 'ussr'; not in actors.csv"], {"events.csv": dump(cell("events.csv", 10, "actors", "unc;north_korea;china;ussr"))})
case("events-unknown-issue", "an event naming an issue missing from issues.csv",
     ["events.csv:11: issues: unknown issue id 'reunification'; not in issues.csv"],
     {"events.csv": dump(cell("events.csv", 11, "issues", "pow_repatriation;reunification"))})
case("events-duplicate-id", "two events with one id",
     ["events.csv:3: event_id: duplicate value '1951-07-10-kaesong-talks-open'", "events.csv:12: event_id: duplicate value '1951-07-10-kaesong-talks-open'"],
     {"events.csv": dump(e + [e[2]])})
case("events-description-formula", "a DDE formula (=cmd|...) as a description",
     ["events.csv:7: description: starts like a spreadsheet formula"], {"events.csv": dump(cell("events.csv", 7, "description", FORMULA))})
case("events-title-formula", "a title starting with -cmd",
     ["events.csv:6: title: starts like a spreadsheet formula"], {"events.csv": dump(cell("events.csv", 6, "title", "-cmd|' /C calc'!A0"))})
case("events-title-missing", "an event without a title", ["events.csv:5: title: required value is missing"], {"events.csv": dump(cell("events.csv", 5, "title", ""))})
case("events-url-javascript", "a javascript: source_url",
     ["events.csv:4: source_url: must be an http:// or https:// address, got 'javascript:alert(1)'"],
     {"events.csv": dump(cell("events.csv", 4, "source_url", "javascript:alert(1)"))})
case("events-url-ftp", "an ftp:// source_url", ["events.csv:3: source_url: must be an http:// or https:// address"],
     {"events.csv": dump(cell("events.csv", 3, "source_url", "ftp://example.org/armistice.txt"))})
lines = text("events.csv").splitlines(True)
lines[4] = lines[4].replace("Truman rules out forced repatriation of prisoners", "Truman rules out forced repatriation, of prisoners")
assert "repatriation, of" in lines[4]
case("events-unquoted-comma", "a title with an unquoted comma (one field too many)",
     ["events.csv:5: -: has 14 fields where the header has 13 (an unquoted comma?)"], {"events.csv": "".join(lines)})
lines = text("events.csv").splitlines(True)
lines[3] = lines[3].replace("Delegations agree the line of contact will be the demarcation line", '"Delegations agree" the line of contact will be the demarcation line')
assert '"Delegations agree" the' in lines[3]
case("events-stray-quote", "a quoted field with text after its closing quote",
     ["events.csv:4: -: is not valid CSV (',' expected after '\"')"], {"events.csv": "".join(lines)})
lines = text("events.csv").splitlines(True)
lines[10] = lines[10].replace(",https://", ',"https://')
assert ',"https://' in lines[10]
case("events-unclosed-quote", "a quote opened in the last field of line 11 and never closed",
     ["events.csv:11: -: is not valid CSV (unexpected end of data)"], {"events.csv": "".join(lines)})
q = cell("events.csv", 4, "description", "First paragraph of the account.\nSecond paragraph, after a line break.\n\nFourth line, after a blank one.")
q = cell("events.csv", 7, "category", "battle", q)
case("events-quoted-newlines", "a description with quoted line breaks; a later row's error keeps its real line number",
     ["events.csv:10: category: must be one of: negotiation"], {"events.csv": dump(q)})
lines = text("events.csv").splitlines(True)
lines[8] = lines[8].replace("Rhee agrees", "Rhee\x00agrees")
case("events-nul-byte", "a NUL byte inside events.csv", ["events.csv:9: -: contains a NUL byte"], {"events.csv": "".join(lines)})
case("events-missing", "events.csv is not there", ["events.csv:1: -: file is missing"], directives=["@remove events.csv"])
case("events-200mb", "a 200 MB events.csv (written at test time, not committed)",
     ["events.csv:1: -: above the 50 MB limit for curated tables"], directives=["@generate events.csv 200"])

# --- positions.csv ---
case("positions-nan", "position NaN", ["positions.csv:3: position: must be a number, got 'NaN'"], {"positions.csv": dump(cell("positions.csv", 3, "position", "NaN"))})
case("positions-inf", "salience inf", ["positions.csv:4: salience: must be a number from 0 to 100, got 'inf'"], {"positions.csv": dump(cell("positions.csv", 4, "salience", "inf"))})
case("positions-negative-salience", "salience -5", ["positions.csv:8: salience: must be a number from 0 to 100, got '-5'"],
     {"positions.csv": dump(cell("positions.csv", 8, "salience", "-5"))})
case("positions-position-text", "position written as words", ["positions.csv:9: position: must be a number, got 'about half'"],
     {"positions.csv": dump(cell("positions.csv", 9, "position", "about half"))})
case("positions-unknown-actor", "a position of an actor missing from actors.csv",
     ["positions.csv:10: actor_id: unknown actor id 'soviet_union'; not in actors.csv"], {"positions.csv": dump(cell("positions.csv", 10, "actor_id", "soviet_union"))})
case("positions-unknown-issue", "a position on an issue missing from issues.csv",
     ["positions.csv:11: issue_id: unknown issue id 'reunification'; not in issues.csv"], {"positions.csv": dump(cell("positions.csv", 11, "issue_id", "reunification"))})
case("positions-duplicate-key", "two positions of one actor on one issue at one date",
     ["positions.csv:24: date: second position of china on demarcation_line at 1951-11-27 (first on line 17)"],
     {"positions.csv": dump(rows("positions.csv") + [cell("positions.csv", 17, "statement", "A second coding of the same day.")[16]])})
case("positions-date", "a position dated 1953-13-01", ["positions.csv:12: date: must be a real date written YYYY-MM-DD, got '1953-13-01'"],
     {"positions.csv": dump(cell("positions.csv", 12, "date", "1953-13-01"))})
case("positions-statement-formula", "a statement starting with +HYPERLINK(",
     ["positions.csv:13: statement: starts like a spreadsheet formula"],
     {"positions.csv": dump(cell("positions.csv", 13, "statement", '+HYPERLINK("http://example.org/x","click")'))})
case("positions-statement-missing", "a position without its statement", ["positions.csv:14: statement: required value is missing"],
     {"positions.csv": dump(cell("positions.csv", 14, "statement", ""))})
case("positions-symlink-out", "positions.csv is a symlink to a file outside the conflict folder",
     ["positions.csv:1: -: is a link to a file outside the conflict folder"], directives=["@symlink positions.csv"])

# --- accepted variants ---
for name, about, fn in (
    ("accept-bom", "every file with a UTF-8 byte-order mark (as Excel saves): valid, loads like the base", lambda b: b"\xef\xbb\xbf" + b),
    ("accept-crlf", "every file with Windows line ends: valid, loads like the base", lambda b: b.replace(b"\n", b"\r\n")),
):
    files = {p.name: fn(p.read_bytes()) for p in sorted(BASE.iterdir())}
    case(name, about, [], files, ["@valid"])

if __name__ == "__main__":
    for folder in ROOT.iterdir():
        if folder.is_dir() and folder.name != "_base":
            shutil.rmtree(folder)
    for name, (about, directives, expected, files) in cases.items():
        folder = ROOT / name
        folder.mkdir()
        for file_name, content in files.items():
            (folder / file_name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        (folder / "expected.txt").write_text("\n".join([f"# {about}"] + directives + expected) + "\n", encoding="utf-8")
    print(len(cases), "cases written")
