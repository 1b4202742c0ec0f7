"""The lint: LAMS rule ids mean LAMS's rules, the project's own are ``mlc-``; the generated project is clean.

Each rule fires on a small LookML snippet that breaks it (written as LookML text, the way LAMS reads it),
and stays quiet on the same snippet fixed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lookml.generate import generate_lookml, lams_opt_in
from lookml.lint import LAMS_RULES, lint_lookml

GOOD_VIEW = """view: users {
  sql_table_name: s.users ;;
  dimension: pk1_user_id {
    primary_key: yes
    hidden: yes
    sql: ${TABLE}.id ;;
  }
  dimension: name {
    description: "Name."
    sql: ${TABLE}.name ;;
  }
  measure: count {
    type: count
    filters: [pk1_user_id: "-NULL"]
    description: "Users."
  }
}
"""

GOOD_MODEL = """connection: "c"
datagroup: nightly {
  sql_trigger: SELECT 1 ;;
  max_cache_age: "24 hours"
}
persist_with: nightly
explore: orders {
  join: users {
    relationship: many_to_one
    sql_on: ${orders.user_id} = ${users.pk1_user_id} ;;
  }
}
"""

ORDERS_VIEW = """view: orders {
  sql_table_name: s.orders ;;
  dimension: pk1_order_id {
    primary_key: yes
    hidden: yes
    sql: ${TABLE}.id ;;
  }
  dimension: user_id {
    hidden: yes
    sql: ${TABLE}.user_id ;;
  }
}
"""

# Each case: the rule, the file it breaks, the text that breaks it (replacing the good one).
BROKEN: dict[str, tuple[str, str]] = {
    "K1": ("users.view.lkml", GOOD_VIEW.replace("pk1_user_id", "user_id")),
    "K3": (
        "users.view.lkml",
        GOOD_VIEW.replace(
            "  dimension: pk1_user_id {",
            "  dimension: early {\n    hidden: yes\n    sql: 1 ;;\n  }\n  dimension: pk1_user_id {",
        ),
    ),
    "K4": (
        "users.view.lkml",
        GOOD_VIEW.replace("    primary_key: yes\n    hidden: yes\n", "    primary_key: yes\n"),
    ),
    "K7": (
        "users.view.lkml",
        GOOD_VIEW.replace('description: "Name."', 'primary_key: yes\n    description: "Name."'),
    ),
    "K8": (
        "users.view.lkml",
        GOOD_VIEW.replace("    primary_key: yes\n", "").replace(
            '    description: "Name."', '    primary_key: yes\n    hidden: yes\n    description: "Name."'
        ),
    ),
    "F1": ("users.view.lkml", GOOD_VIEW.replace("${TABLE}.name", "${orders.user_id}")),
    "F1 html": (
        "users.view.lkml",
        GOOD_VIEW.replace(
            'description: "Name."', 'description: "Name."\n    html: {{ orders.user_id._value }} ;;'
        ),
    ),
    "F2": (
        "users.view.lkml",
        GOOD_VIEW.replace('description: "Name."', 'description: "Name."\n    view_label: "X"'),
    ),
    "F3": ("users.view.lkml", GOOD_VIEW.replace('    filters: [pk1_user_id: "-NULL"]\n', "")),
    "F4": ("users.view.lkml", GOOD_VIEW.replace('    description: "Name."\n', "")),
    "E1": ("m.model.lkml", GOOD_MODEL.replace("${orders.user_id}", "orders.user_id")),
    "E2": ("m.model.lkml", GOOD_MODEL.replace("${users.pk1_user_id}", "${users.name}")),
    "E6": (
        "m.model.lkml",
        GOOD_MODEL.replace(
            "sql_on: ${orders.user_id} = ${users.pk1_user_id} ;;", "foreign_key: user_id"
        ).replace("many_to_one", "one_to_many"),
    ),
    "T1": (
        "users.view.lkml",
        GOOD_VIEW.replace(
            "  sql_table_name: s.users ;;",
            "  derived_table: {\n    sql: SELECT * FROM s.users ;;\n    sql_trigger_value: SELECT 1 ;;\n  }",
        ),
    ),
    "mlc-model-caching": ("m.model.lkml", GOOD_MODEL.replace("persist_with: nightly\n", "")),
    "mlc-indentation": ("users.view.lkml", GOOD_VIEW.replace("  sql_table_name", "   sql_table_name")),
}
# mlc-join-whole-key reads the SQL: the key is id and org, but the join (E2-clean by the names) meets id only.
BROKEN["mlc-join-whole-key"] = (
    "users.view.lkml",
    GOOD_VIEW.replace("    primary_key: yes\n", "").replace(
        "  dimension: name {",
        "  dimension: key {\n    primary_key: yes\n    hidden: yes\n"
        "    sql: ${pk1_user_id} || ${TABLE}.org ;;\n  }\n  dimension: name {",
    ),
)
# What else the same mistake breaks: a join off the key misses its columns too; a visible key has no text.
ALSO = {
    "E2": ("mlc-join-whole-key",),
    "K1": ("K8", "mlc-join-whole-key"),
    "K4": ("F4",),
    "K7": ("K8",),
    "K8": ("mlc-join-whole-key",),
}
REPORTED_IN = {
    "E1": "m.model.lkml",
    "E2": "m.model.lkml",
    "E6": "m.model.lkml",
    "mlc-join-whole-key": "m.model.lkml",
}


def _write(root: Path, replaced: dict[str, str]) -> None:
    files = {"users.view.lkml": GOOD_VIEW, "orders.view.lkml": ORDERS_VIEW, "m.model.lkml": GOOD_MODEL}
    for name, text in {**files, **replaced}.items():
        (root / name).write_text(text)


def test_the_good_snippets_are_clean(tmp_path: Path) -> None:
    _write(tmp_path, {})
    assert [str(f) for f in lint_lookml(tmp_path)] == []


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_reports_the_snippet_that_breaks_it(rule: str, tmp_path: Path) -> None:
    file, text = BROKEN[rule]
    _write(tmp_path, {file: text})
    found = {(f.rule, f.file) for f in lint_lookml(tmp_path)}
    lams_id = rule.split()[0]
    assert (lams_id, REPORTED_IN.get(rule, file)) in found, found
    assert {r for r, _ in found} == {lams_id, *ALSO.get(rule, ())}, found


def test_every_lams_rule_and_every_own_rule_is_tested() -> None:
    own = {r for r in BROKEN if r.startswith("mlc-")}
    assert {r.split()[0] for r in BROKEN} == set(LAMS_RULES) | own
    assert not any(r.startswith("mlc-") for r in LAMS_RULES)


def test_generated_project_has_no_lint_errors_or_warnings(fixture_build: Any, tmp_path: Path) -> None:
    generate_lookml(fixture_build.manifest, tmp_path)
    assert [str(f) for f in lint_lookml(tmp_path)] == []
    manifest = (tmp_path / "manifest.lkml").read_text()
    assert "#LAMS\n" + "".join(f"#rule: {r}{{}}\n" for r in LAMS_RULES) in manifest


def test_the_manifest_opens_one_lams_block_and_no_comment_is_taken_for_another() -> None:
    # LAMS's parser reads any comment whose first word is LAMS as the opening of its block of rules; a prose
    # note starting with that word made it reject the whole manifest (P1) and run no rule at all.
    lines = lams_opt_in().splitlines()
    openers = [line for line in lines if line.lstrip("# ").upper().startswith("LAMS")]
    assert openers == ["#LAMS"]
    rules = [line for line in lines if line.startswith("#rule: ")]
    assert [line.removeprefix("#rule: ").removesuffix("{}") for line in rules] == list(LAMS_RULES)
