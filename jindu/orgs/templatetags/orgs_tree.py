"""One node of the organisation tree (orgs/tree_node.html)."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import template

register = template.Library()


@register.inclusion_tag("orgs/tree_node.html")
def tree_node(node, pick=None):
    pick_url = ""
    if pick:
        target, field = pick
        parts = urlsplit(target)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k not in (field, "page")]
        query.append((field, str(node.pk)))
        pick_url = urlunsplit(("", "", parts.path, urlencode(query), ""))
    return {"node": node, "pick": pick, "pick_url": pick_url}
