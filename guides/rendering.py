"""Markdown to safe HTML for user-written text."""

import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_markdown(text):
    """Renders Markdown with raw HTML escaped, then sanitises the result with nh3.

    Escaping first means a pasted <script> shows as text; nh3 then removes anything
    Markdown itself could produce that is unsafe (javascript: links, attributes).
    """
    html = _converter().reset().convert(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="nofollow ugc noopener",
    )


_local = threading.local()


def _converter():
    """This thread's Markdown converter: building one costs more than converting a guide
    (the dump renders tens of thousands), and one instance must not serve two threads."""
    if not hasattr(_local, "md"):
        md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        _local.md = md
    return _local.md
