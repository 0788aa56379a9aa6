"""Search keys for pickers: the pinyin initials of a Chinese name (衡阳县 → ``hyx``).

A clerk types "xd" for 西渡镇 or "zs" for 张三. The key is stored on the row (computed on save
and backfilled by a migration), so a picker's search is an indexed prefix match on the key,
never a scan that converts every name.

Most names are read character by character from pypinyin's dictionary (fast: the demo county
saves thousands of rows); a name with a character of several readings (重庆, 长沙) goes through
pypinyin's phrase-aware conversion, which picks the reading the words call for.
"""

from __future__ import annotations

import re
import unicodedata

_KEEP = re.compile(r"[a-z0-9]")


def search_key(text: str, max_length: int = 60) -> str:
    """Lower-case initials of every Chinese character; Latin letters and digits kept."""
    if not text:
        return ""
    from pypinyin.constants import PINYIN_DICT

    out = []
    for index, ch in enumerate(text):
        reading = PINYIN_DICT.get(ord(ch))
        if reading is None:
            out.extend(_KEEP.findall(ch.lower()))
            continue
        if "," in reading:
            reading = _in_phrase(text, index) or reading.split(",")[0]
        out.append(_initial(reading))
    return "".join(out)[:max_length]


def _initial(reading: str) -> str:
    return unicodedata.normalize("NFKD", reading)[0].lower()


def _in_phrase(text: str, index: int) -> str | None:
    """The reading of ``text[index]`` in a known phrase around it (重庆 → chóng), if any."""
    from pypinyin.constants import PHRASES_DICT

    for start, end in (
        (index, index + 2),
        (index - 1, index + 1),
        (index, index + 3),
        (index - 2, index + 1),
        (index - 1, index + 2),
    ):
        if start < 0 or end > len(text):
            continue
        readings = PHRASES_DICT.get(text[start:end])
        if readings:
            return readings[index - start][0]
    return None
