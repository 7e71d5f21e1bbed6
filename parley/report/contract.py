"""What a briefing notebook hands back to the pipeline, typed: the render contract.

The notebook's last cell displays a :class:`BriefingResult` under :data:`RESULT_MIME` (an output papermill records in
the executed notebook and the page leaves out). ``parley.pipeline.render`` reads it from there, never from the HTML:
the trend and coverage the notebook computed, and every data file the kernel read with the sha256 of the bytes it
read (``None``: looked for and absent), keyed by its path relative to the conflict folder.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

RESULT_MIME = "application/vnd.parley.result+json"


@dataclass(frozen=True)
class BriefingResult:
    trend: str
    coverage: str
    covered_until: str = ""
    inputs: dict[str, str | None] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data) -> "BriefingResult":
        """The result from its JSON; ValueError naming the field when it is not what the contract says."""
        if not isinstance(data, dict):
            raise ValueError(f"a briefing result is a JSON object, not {type(data).__name__}")
        for name in ("trend", "coverage", "covered_until"):
            if not isinstance(data.get(name, ""), str):
                raise ValueError(f"{name} must be a string")
        inputs = data.get("inputs", {})
        if not isinstance(inputs, dict) or not all(isinstance(k, str) and (v is None or isinstance(v, str))
                                                   for k, v in inputs.items()):
            raise ValueError("inputs must map file paths to sha256 digests (or null)")
        missing = [name for name in ("trend", "coverage") if name not in data]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        return cls(data["trend"], data["coverage"], data.get("covered_until", ""), dict(inputs))
