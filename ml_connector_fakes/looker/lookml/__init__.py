"""The fake's LookML engine: parse a project's files with ``lkml``, validate them, list explore fields and
compile explore queries to SQL.

It is written independently of the connector's own LookML reader on purpose: it plays Looker, so a mistake
in the generator or the client is caught by a second implementation rather than agreed with.

Supported: models (``connection``, ``include`` globs, ``explore``, ``datagroup``, ``persist_with``), views
(``sql_table_name``, ``derived_table.sql``, refinements ``view: +name``), dimensions, dimension groups
(``time`` and ``duration``), measures, joins (``sql_on``, ``from``, ``type``, ``relationship``), manifest
``constant``\\ s (``@{name}``) and ``${TABLE}`` / ``${field}`` / ``${view.field}`` /
``${view.SQL_TABLE_NAME}`` substitution. Not supported: Liquid, ``extends``, measure ``filters`` (ignored
when compiling), symmetric aggregates.

Validation rejects what Looker rejects (D134): unknown parameters and types, unknown fields in SQL, joins,
measure ``filters``, ``fields`` lists, ``access_filter``, ``always_filter`` and ``conditionally_filter``;
two primary keys in a view; undefined ``@{constants}``; unknown ``value_format_name``; and the included
LookML dashboards' models, explores, fields and listened filters. A joined view without a primary key
offers no measures through the join, as in Looker.

By job: ``vocabulary.py`` (what LookML allows), ``parsed.py`` (the parsed project), ``load.py`` (files,
includes, models, dashboards), ``checks.py`` (validation of models and explores), ``query.py`` (explore
fields and query compilation).
"""

from ml_connector_fakes.looker.lookml.load import load_project
from ml_connector_fakes.looker.lookml.parsed import LExplore, LField, LJoin, LModel, LProject, LView, Problem
from ml_connector_fakes.looker.lookml.query import CompileError, ExploreField, compile_query, explore_fields

__all__ = [
    "CompileError",
    "ExploreField",
    "LExplore",
    "LField",
    "LJoin",
    "LModel",
    "LProject",
    "LView",
    "Problem",
    "compile_query",
    "explore_fields",
    "load_project",
]
