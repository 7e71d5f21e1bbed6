"""Every piece of HTML parley writes comes from an autoescaping Jinja2 template in ``parley/report/templates``.

Data is escaped by the template (markupsafe, Jinja2's own escape); HTML that is already safe (a chart's div, a
rendered fragment) is passed in as :class:`markupsafe.Markup`, so trust is marked where it is given, never assumed.

Two ways to write a template, told apart by the file name:

* ``name.j2``: one element or sentence per line; the loader joins the lines without their line breaks and indentation,
  so the page carries no whitespace between tags (``{{ "\\n" }}`` writes a line break where one is wanted). Keep a
  sentence on one line. The page shell, the index and the briefing's sections are written so.
* ``name.html.j2``: prose-like templates whose line breaks are whitespace in the text (the forecast, the track record,
  the outside view); Jinja2's ``trim_blocks``/``lstrip_blocks`` drop the lines of block tags, and the result is
  stripped.
"""
from __future__ import annotations

import functools
import re

import jinja2
from markupsafe import Markup, escape

from parley.report.style import TREND_COLORS

__all__ = ["Markup", "escape", "render"]

_LINE_BREAK = re.compile(r"\n[ \t]*")


class JoinedLinesLoader(jinja2.PackageLoader):
    """The package's templates, each with its line breaks and indentation removed (see the module docstring)."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if template.endswith(".html.j2"):
            return source, filename, uptodate
        return _LINE_BREAK.sub("", source.strip("\n")), filename, uptodate


def blank_if_missing(value):
    """What ``{{ value }}`` writes for a missing value (None, NaN, pandas' NA and NaT): nothing."""
    if value is None or (isinstance(value, float) and value != value) or type(value).__name__ in ("NAType", "NaTType"):
        return ""
    return value


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=JoinedLinesLoader("parley.report", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, finalize=blank_if_missing, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["g"] = lambda value: f"{value:g}"
    env.globals["TREND_COLORS"] = TREND_COLORS
    return env


def render(template: str, /, **context) -> Markup:
    """The template (e.g. ``"briefing/header.j2"``) rendered with ``context``: safe HTML."""
    text = environment().get_template(template).render(**context)
    return Markup(text.strip() if template.endswith(".html.j2") else text)


def macros():
    """The macros of ``macros.j2`` (link, trend_badge, grade_badge, table, event_cell), callable from Python."""
    return environment().get_template("macros.j2").module
