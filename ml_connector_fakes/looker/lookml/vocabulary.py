"""What LookML allows: the subset of parameters, types and timeframes the fake knows (anything else is an
unknown parameter), and the patterns of references, constants and syntax errors.
"""

from __future__ import annotations

import re
from typing import Final


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COMMON_FIELD: Final = _words(
    """type sql label description hidden group_label group_item_label view_label value_format
    value_format_name html link tags drill_fields alias can_filter required_access_grants suggestable
    label_from_parameter required_fields sortable action allowed_value precision order_by_field convert_tz
    datatype"""
)
DIMENSION_PARAMS: Final = _COMMON_FIELD | _words(
    """primary_key case tiers style full_suggestions sql_latitude sql_longitude map_layer_name
    skip_drill_filter allow_fill suggest_dimension suggest_explore suggestions string_datatype
    bypass_suggest_restrictions units end_location_field start_location_field suggest_persist_for
    case_sensitive"""
)
DIMENSION_GROUP_PARAMS: Final = _COMMON_FIELD | _words(
    "timeframes intervals sql_start sql_end fiscal_month_offset week_start_day allow_fill skip_drill_filter"
)
MEASURE_PARAMS: Final = _COMMON_FIELD | _words(
    """filters sql_distinct_key percentile approximate approximate_threshold list_field
    allow_approximate_optimization direction default_value"""
)
FILTER_PARAMS: Final = _COMMON_FIELD | _words("default_value suggestions suggest_dimension suggest_explore")
VIEW_PARAMS: Final = _words(
    """sql_table_name derived_table label extends extension dimension dimension_group measure filter
    parameter set drill_fields suggestions required_access_grants view_label fields_hidden_by_default"""
)
EXPLORE_PARAMS: Final = _words(
    """from view_name label description group_label hidden join fields sql_always_where always_filter
    conditionally_filter persist_with persist_for view_label always_join access_filter extends extension
    symmetric_aggregates tags required_access_grants cancel_grouping_fields case_sensitive
    sql_always_having query aggregate_table sql_preamble final"""
)
JOIN_PARAMS: Final = _words(
    """sql_on relationship type from view_label fields foreign_key sql_where sql_table_name required_joins
    outer_only sql required_access_grants"""
)
MODEL_PARAMS: Final = _words(
    """connection include label datagroup persist_with persist_for explore access_grant week_start_day
    fiscal_month_offset case_sensitive named_value_format map_layer test view"""
)
DATAGROUP_PARAMS: Final = _words("sql_trigger max_cache_age label description interval_trigger")

DIMENSION_TYPES: Final = _words("string number yesno tier zipcode location date date_time time distance bin")
GROUP_TYPES: Final = _words("time duration")
MEASURE_TYPES: Final = _words(
    """count count_distinct sum sum_distinct average average_distinct min max median median_distinct
    percentile percentile_distinct list number string date yesno"""
)
RELATIONSHIPS: Final = _words("many_to_one one_to_one one_to_many many_to_many")
JOIN_TYPES: Final = {
    "left_outer": "LEFT JOIN",
    "inner": "INNER JOIN",
    "full_outer": "FULL OUTER JOIN",
    "cross": "CROSS JOIN",
}
DEFAULT_TIMEFRAMES: Final = ("raw", "time", "date", "week", "month", "quarter", "year")
DEFAULT_INTERVALS: Final = ("day", "hour", "minute", "second")


TIMEFRAME_SQL: Final = {
    "raw": "{x}",
    "time": "CAST({x} AS TIMESTAMP)",
    "date": "CAST({x} AS DATE)",
    "week": "CAST(DATE_TRUNC('week', {x}) AS DATE)",
    "month": "CAST(DATE_TRUNC('month', {x}) AS DATE)",
    "quarter": "CAST(DATE_TRUNC('quarter', {x}) AS DATE)",
    "year": "EXTRACT(YEAR FROM {x})",
    "month_num": "EXTRACT(MONTH FROM {x})",
    "day_of_month": "EXTRACT(DAY FROM {x})",
    "day_of_week_index": "EXTRACT(DOW FROM {x})",
    "day_of_year": "EXTRACT(DOY FROM {x})",
    "week_of_year": "EXTRACT(WEEK FROM {x})",
    "quarter_of_year": "EXTRACT(QUARTER FROM {x})",
    "hour_of_day": "EXTRACT(HOUR FROM {x})",
    "hour": "DATE_TRUNC('hour', {x})",
    "minute": "DATE_TRUNC('minute', {x})",
    "second": "DATE_TRUNC('second', {x})",
}


REFERENCE: Final = re.compile(r"\$\{([^}]*)\}")


CONSTANT: Final = re.compile(r"@\{([A-Za-z_][A-Za-z0-9_]*)\}")


SYNTAX_LINE: Final = re.compile(r"line (\d+)")


# Looker's built-in value formats; a model adds its own with named_value_format.
VALUE_FORMAT_NAMES: Final = _words(
    """decimal_0 decimal_1 decimal_2 decimal_3 decimal_4 usd_0 usd gbp_0 gbp eur_0 eur id
    percent_0 percent_1 percent_2 percent_3 percent_4"""
)


def references(sql: str) -> list[str]:
    return [m.group(1).strip() for m in REFERENCE.finditer(sql)]
