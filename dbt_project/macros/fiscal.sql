{#- Fiscal year and period of a date for an organization whose fiscal year starts in month start_month (1-12,
    dim_organizations.fiscal_year_start_month; a missing one is January). The fiscal year is named by the
    calendar year it ends in: with an April start, April 2026 to March 2027 is fiscal year 2027, and April is its
    period 1 (D113). Looker's fiscal_month_offset is one per model, so each organization's own comes from here. -#}
{% macro fiscal_year(date_expression, start_month) -%}
    cast(extract(year from {{ date_expression }}) as integer)
    + case
        when coalesce({{ start_month }}, 1) > 1
            and cast(extract(month from {{ date_expression }}) as integer) >= coalesce({{ start_month }}, 1)
            then 1
        else 0
    end
{%- endmacro %}

{% macro fiscal_period(date_expression, start_month) -%}
    mod(cast(extract(month from {{ date_expression }}) as integer) - coalesce({{ start_month }}, 1) + 12, 12) + 1
{%- endmacro %}
