"""Every posting rule has a dbt unit test, and DECISIONLOG's worked examples match them line by line (D105).

A dbt unit test per posting rule, the worked examples in DECISIONLOG matching them.
Read from the repository's own files, no build: each ``int_gl_entries__*`` model has at least one unit
test; each of those unit tests is named (in backticks) by an entry of DECISIONLOG.md; and every line the test
expects (its base amount, ``net_base``) is written in the entries naming it, so an example that drifts from
its test, or a rule added without one, fails here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "dbt_project" / "models"
RULE_PREFIX = "int_gl_entries__"


def _unit_tests() -> list[dict[str, Any]]:
    tests: list[dict[str, Any]] = []
    for path in sorted(MODELS.rglob("_*unit_tests.yml")):
        tests += yaml.safe_load(path.read_text(encoding="utf-8"))["unit_tests"]
    return tests


def _rule_models() -> set[str]:
    return {path.stem for path in MODELS.rglob(f"{RULE_PREFIX}*.sql")}


def _entries() -> dict[str, str]:
    """DECISIONLOG's entries by heading, each with its text; digits' thousands separators dropped (the log
    writes rupees in the Indian grouping, ₹1,18,000.00)."""
    text = (ROOT / "DECISIONLOG.md").read_text(encoding="utf-8")
    entries: dict[str, str] = {}
    for block in re.split(r"^(?=##+ )", text, flags=re.MULTILINE):
        heading, _, body = block.partition("\n")
        entries[heading] = re.sub(r"(?<=\d),(?=\d)", "", body)
    return entries


def _expected_amounts(test: dict[str, Any]) -> set[str]:
    rows = test["expect"]["rows"]
    return {f"{abs(Decimal(str(row['net_base']))):.2f}" for row in rows if Decimal(str(row["net_base"])) != 0}


def test_every_posting_rule_has_a_unit_test() -> None:
    tested = {test["model"] for test in _unit_tests()}
    rules = _rule_models()
    assert len(rules) >= 14
    assert sorted(rules - tested) == []


def test_every_posting_rule_unit_test_is_a_worked_example_in_the_decision_log() -> None:
    entries = _entries()
    rule_tests = [test for test in _unit_tests() if test["model"].startswith(RULE_PREFIX)]
    assert len(rule_tests) >= 24
    missing: dict[str, list[str]] = {}
    for test in rule_tests:
        naming = [body for body in entries.values() if f"`{test['name']}`" in body]
        if not naming:
            missing[test["name"]] = ["not named in DECISIONLOG.md"]
            continue
        written = "\n".join(naming)
        absent = sorted(amount for amount in _expected_amounts(test) if amount not in written)
        if absent:
            missing[test["name"]] = absent
    assert missing == {}


def test_the_check_reads_amounts_as_the_log_writes_them() -> None:
    """The amount check is not vacuous: a rupee amount in the Indian grouping is found, a wrong one is not."""
    entries = _entries()
    d81 = next(body for heading, body in entries.items() if heading.startswith("### D81."))
    assert "118000.00" in d81
    assert "118001.00" not in d81
    test = next(t for t in _unit_tests() if t["name"] == "customer_payment_tds_withheld")
    expected = {"108000.00", "10000.00", "118000.00", "54000.00", "5000.00", "59000.00"}
    assert _expected_amounts(test) == expected
