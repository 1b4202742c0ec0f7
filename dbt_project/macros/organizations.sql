{#- Per-organization builds. Var `organizations` (a list of Zoho organization ids, or one id) makes every
    intermediate and mart table incremental (dbt_project.yml): each rebuilds the rows of those organizations
    only, deleting them and inserting them afresh in one transaction, and leaves every other organization's
    rows untouched. Absent (or empty), every table is rebuilt whole, as a full build. Every row of these
    tables belongs to exactly one organization (organization_id), and no organization's rows are computed
    from another's, so rebuilding one organization gives the rows a full build gives it. -#}

{#- The selected organization ids as strings, or none for all. -#}
{% macro selected_organizations() -%}
    {%- set value = var('organizations', none) -%}
    {%- if value is none or value == '' or value == [] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if value is string or value is number -%}
        {%- set value = [value] -%}
    {%- endif -%}
    {%- set ids = [] -%}
    {%- for organization_id in value -%}
        {%- do ids.append(organization_id | string) -%}
    {%- endfor -%}
    {{ return(ids) }}
{%- endmacro %}

{#- `column in ('id', ...)` for the selected organizations; ids are quoted as SQL string literals. -#}
{% macro organizations_condition(column, organizations) -%}
    {{ column }} in (
    {%- for organization_id in organizations -%}
        '{{ organization_id | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%}
    )
{%- endmacro %}

{#- True in a per-organization run of an incremental model whose table exists: only then are inputs narrowed.
    DuckDB only: PostgreSQL's planner, given a filtered subquery over a staging view, estimates a handful of
    rows and picks nested loops that ran for minutes per model (bench/marts_rebuild.py, 12 organizations); there
    the model reads everything and the strategy still replaces only the selected organizations' rows. -#}
{% macro rebuilding_organizations() -%}
    {{ return(target.type == 'duckdb' and selected_organizations() is not none and is_incremental()) }}
{%- endmacro %}

{#- A model's input. In a per-organization run only the selected organizations' rows are read, so the work
    done scales with those organizations, not with the warehouse; otherwise the relation itself. A bare input
    keeps the model's name as its alias, so column references qualified by it still resolve. -#}
{% macro org_ref(model_name, alias=none) -%}
    {%- set relation = ref(model_name) -%}
    {%- if rebuilding_organizations() -%}
        (select * from {{ relation }}
        where {{ organizations_condition('organization_id', selected_organizations()) }}) as {{ alias or model_name }}
    {%- else -%}
        {{ relation }}{% if alias %} as {{ alias }}{% endif %}
    {%- endif -%}
{%- endmacro %}

{#- `and column in (...)` in a per-organization run, nothing otherwise: for the few models that read raw
    tables directly. -#}
{% macro and_selected_organizations(column) -%}
    {%- if rebuilding_organizations() -%}
        and {{ organizations_condition(column, selected_organizations()) }}
    {%- endif -%}
{%- endmacro %}

{#- Incremental strategy `organization`: replace the selected organizations' rows of the target with the
    new ones, in the materialization's transaction (readers see the old rows or the new, never a mix). The
    insert keeps to the selected organizations as well, so a model that read more than it had to cannot
    duplicate another organization's rows. -#}
{% macro get_incremental_organization_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set organizations = selected_organizations() -%}
    {%- if organizations is none -%}
        {{ exceptions.raise_compiler_error(
            'the organization strategy rebuilds the organizations of var `organizations`; none given for '
            ~ target) }}
    {%- endif -%}
    delete from {{ target }} where {{ organizations_condition('organization_id', organizations) }};
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
    where {{ organizations_condition('organization_id', organizations) }}
{%- endmacro %}
