"""Schema post-processing: make the OpenAPI document say what the API answers."""

TIME_PATTERN = r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"


def _walk(node):
    if isinstance(node, dict):
        # JSON Schema's "time" format demands a UTC offset (RFC 3339); the API answers local
        # wall-clock times ("22:30:00"), so describe them by pattern instead.
        if node.get("type") == "string" and node.get("format") == "time":
            node.pop("format")
            node["pattern"] = TIME_PATTERN
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)


def local_times(result, generator, request, public):
    _walk(result)
    return result
