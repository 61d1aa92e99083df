"""Open Graph and Twitter card tags as a link-preview crawler reads them."""

from html.parser import HTMLParser


class _HeadTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.append((key, attrs.get("content") or ""))
        elif tag == "link":
            self.links.append(attrs)


def share_tags(html: str) -> dict:
    """{"og:title": "...", ..., "og:locale:alternate": [...]} from a page."""
    parser = _HeadTags()
    parser.feed(html)
    tags: dict = {}
    for key, value in parser.meta:
        if key == "og:locale:alternate":
            tags.setdefault(key, []).append(value)
        else:
            tags.setdefault(key, value)
    tags["canonical"] = next(
        (link.get("href") for link in parser.links if link.get("rel") == "canonical"),
        None,
    )
    tags["hreflang"] = {
        link["hreflang"]: link["href"]
        for link in parser.links
        if link.get("rel") == "alternate" and link.get("hreflang")
    }
    return tags
