"""The layering contract in pyproject.toml holds, and it would catch an upward import.

``lint-imports`` (run by ``make lint`` and ``make test``) checks the real code; this test
checks the same contracts through import-linter's API on the real import graph, then adds one
upward import (core → a domain app, and a circle inside control) and proves each contract
breaks. No timing, no network."""

import copy
import tomllib
from pathlib import Path

import grimp
import pytest
from importlinter.configuration import configure
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.layers import LayersContract

configure()  # import-linter's own settings (timer, printer) as lint-imports sets them

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_TYPES = {"layers": LayersContract, "acyclic_siblings": AcyclicSiblingsContract}


def _contracts():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    found = {}
    for options in config["contracts"]:
        options = dict(options)
        kind = CONTRACT_TYPES[options.pop("type")]
        name = options.pop("name")
        options.pop("id", None)
        found[kind] = kind(
            name=name, session_options={"root_packages": ["jindu"]}, contract_options=options
        )
    return found


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("jindu", include_external_packages=False)


def test_the_code_keeps_both_contracts(graph):
    for contract in _contracts().values():
        assert contract.check(copy.deepcopy(graph), verbose=False).kept, contract.name


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("jindu.core.scoping", "jindu.control.models"),  # core imports a domain app
        ("jindu.supervision.services", "jindu.rectification.rules"),  # the old upward call
        ("jindu.orgs.views", "jindu.accountability.selectors"),
        ("jindu.rectification.services", "jindu.accountability.services"),
    ],
)
def test_an_upward_import_breaks_the_layers(graph, importer, imported):
    broken = copy.deepcopy(graph)
    broken.add_import(importer=importer, imported=imported, line_number=1, line_contents="x")
    assert not _contracts()[LayersContract].check(broken, verbose=False).kept


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        # control.selectors is imported by control.services.registry: the reverse closes a
        # circle between two modules of control.
        ("jindu.control.selectors", "jindu.control.services.registry"),
        # control.services.orders imports followups: the reverse closes a circle inside the
        # services package.
        ("jindu.control.services.followups", "jindu.control.services.orders"),
        # the API's viewsets import its serializers.
        ("jindu.control.api.serializers", "jindu.control.api.viewsets"),
    ],
)
def test_a_circle_inside_an_area_breaks_the_acyclic_contract(graph, importer, imported):
    broken = copy.deepcopy(graph)
    broken.add_import(importer=importer, imported=imported, line_number=1, line_contents="x")
    assert not _contracts()[AcyclicSiblingsContract].check(broken, verbose=False).kept
