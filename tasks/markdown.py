"""Comment text as safe HTML: Markdown (markdown-it-py, raw HTML off) then nh3's allow-list.

Two layers: markdown-it escapes any HTML in the text and refuses javascript:/data: links; nh3 then
keeps only the tags and attributes below, so a bug in either alone lets no script through.
"""

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
# No images: a comment must not make every reader's browser fetch a URL of its author's choosing.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> str:
    """`text` (Markdown) as HTML safe to put in a page."""
    return nh3.clean(
        _MARKDOWN.render(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
