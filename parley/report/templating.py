"""HTML from autoescaping Jinja2 templates (parley/report/templates/*.j2): data never reaches a page unescaped."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(name: str, **context) -> str:
    """The template `name` filled with `context`, every value escaped."""
    return environment().get_template(name).render(**context).strip()
