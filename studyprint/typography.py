"""Chinese typography: source text -> HTML the engine sets by the clreq rules.

Issue 2 keeps this to escaping; justification, punctuation compression and Latin spacing go here.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def markup(text: str) -> Markup:
    """Escaped HTML for one run of plain source text."""
    return escape(text)
