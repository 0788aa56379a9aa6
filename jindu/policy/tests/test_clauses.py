"""docs/clauses.md accounts for every article of the rule book (issue 11, item 14)."""

import tomllib
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)


def rows():
    found = {}
    for line in (BASE / "docs" / "clauses.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[1] in ("operative", "guidance"):
            found[cells[0]] = cells
    return found


def test_every_article_of_the_rule_book_is_carried_or_explained():
    articles = tomllib.loads((BASE / "policies" / "hengyang-2018.toml").read_text("utf-8"))[
        "articles"
    ]
    table = rows()
    missing = [number for number in articles if number not in table]
    assert not missing, f"add these articles to docs/clauses.md: {missing}"
    for number, (_, status, _book, _rule, tests, reason) in table.items():
        if status == "operative":
            assert tests and (BASE / tests).exists(), (number, tests)
            assert number in (BASE / tests).read_text(encoding="utf-8"), (
                number,
                f"{tests} does not name the article",
            )
        else:
            assert reason and reason != "—", (number, "a guidance clause needs its reason")
