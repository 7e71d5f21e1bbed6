"""Importers of published event datasets (ACLED, UCDP GED) into a conflict folder.

Imported events are kept apart from the hand-curated ``events.csv``: they go to
``imported_events.parquet`` in the conflict folder (schema: :mod:`.tables`), each row with its
``origin`` (``acled`` / ``ucdp-ged``) and an id prefixed ``acled:`` / ``ucdp:``. Re-importing an
updated export adds new events, updates changed ones and removes those the export no longer
holds (of that origin only); importing the same file twice changes nothing and leaves the file
untouched. Category mappings: :mod:`.acled` and :mod:`.ucdp` (also :func:`mapping_markdown`).
"""

from __future__ import annotations

from parley.data.importers.acled import import_acled
from parley.data.importers.common import ImportReport
from parley.data.importers.tables import ALIASES_FILE, IMPORTED_FILE, ORIGINS
from parley.data.importers.ucdp import import_ucdp_ged

IMPORTERS = {"acled": import_acled, "ucdp-ged": import_ucdp_ged}

__all__ = ["ALIASES_FILE", "IMPORTED_FILE", "IMPORTERS", "ORIGINS", "ImportReport", "import_acled",
           "import_ucdp_ged", "mapping_markdown"]


def mapping_markdown() -> str:
    """The category mappings as Markdown tables, generated from the importers' own tables."""
    from parley.data.importers import acled, ucdp
    out = ["## ACLED -> parley categories", "", "| event type | sub-event type | category |", "|---|---|---|"]
    for event_type, category in acled.EVENT_TYPES.items():
        out.append(f"| {event_type} | (any other) | {category} |")
        out += [f"| {t} | {s} | {c} |" for (t, s), c in acled.SUB_EVENT_TYPES.items() if t == event_type]
    out += ["", "## UCDP GED -> parley categories", "", "| type_of_violence | meaning | category |", "|---|---|---|"]
    out += [f"| {code} | {name} | {category} |" for code, (name, category) in ucdp.VIOLENCE.items()]
    return "\n".join(out) + "\n"
