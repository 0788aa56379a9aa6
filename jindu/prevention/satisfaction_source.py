"""The survey's results as the evaluation's public-satisfaction figure (办法第五条、第十四条（六）).

Rectification sits below prevention and cannot import it: it keeps a registry of sources
(``jindu.rectification.satisfaction``), and prevention registers this one at start-up. Kept
apart from ``providers`` (what prevention reads from other areas) so that the selectors can
read the providers without an import circle.
"""

from __future__ import annotations


def _satisfaction(org_unit, year: int):
    from jindu.rectification.satisfaction import SatisfactionFigure

    from . import selectors

    result = selectors.survey_figure_for_unit(org_unit, year)
    if result is None:
        return None
    survey, outcome = result
    return SatisfactionFigure(
        item=outcome["item"],
        rate=outcome["satisfaction_rate"],
        respondents=outcome["responses"],
        sample_reached=outcome["sample_reached"],
        source=survey.title,
        basis=tuple(outcome["basis"]),
    )


def register_satisfaction_source() -> None:
    from jindu.rectification.satisfaction import register_source

    register_source("prevention.survey", _satisfaction)
