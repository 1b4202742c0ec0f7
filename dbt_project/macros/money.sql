{#- Money is DECIMAL end to end. Fixed precisions keep products inside DECIMAL(38) on every adapter. -#}

{% macro money(expression) -%}
    cast({{ expression }} as decimal(18, 2))
{%- endmacro %}

{% macro fx_rate(expression) -%}
    cast({{ expression }} as decimal(18, 6))
{%- endmacro %}

{#- round(amount × rate) to cents, half away from zero (Zoho's and the sandbox's ROUND_HALF_UP). -#}
{% macro to_base(amount, rate) -%}
    cast(round({{ money(amount) }} * {{ fx_rate(rate) }}, 2) as decimal(18, 2))
{%- endmacro %}

{#- 1 / rate to `scale` decimals, exactly. DuckDB divides DECIMALs as DOUBLE, so it gets integer arithmetic. -#}
{% macro invert_rate(rate, scale=10) -%}
    {{ return(adapter.dispatch('invert_rate', 'ml_connector')(rate, scale)) }}
{%- endmacro %}

{% macro default__invert_rate(rate, scale) -%}
    cast(round(1 / cast({{ rate }} as numeric), {{ scale }}) as decimal(28, {{ scale }}))
{%- endmacro %}

{% macro duckdb__invert_rate(rate, scale) -%}
    {#- R = rate × 10^6 (an integer); 1/rate to `scale` decimals = round(10^(scale+6) / R) / 10^scale,
        rounded half away from zero in integers, then scaled by a DECIMAL product (no DOUBLE anywhere). -#}
    cast(
        cast(
            (cast({{ 10 ** (scale + 6) }} as hugeint) * 2 + cast({{ rate }} * 1000000 as hugeint))
            // (2 * cast({{ rate }} * 1000000 as hugeint))
        as decimal(28, 0)) * cast('{{ "%.*f" | format(scale, 10 ** -scale) }}' as decimal({{ scale }}, {{ scale }}))
    as decimal(28, {{ scale }}))
{%- endmacro %}

{#- Days between two dates as an integer. -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'ml_connector')(start_date, end_date)) }}
{%- endmacro %}
{% macro default__days_between(start_date, end_date) -%}
    (cast({{ end_date }} as date) - cast({{ start_date }} as date))
{%- endmacro %}
{% macro duckdb__days_between(start_date, end_date) -%}
    date_diff('day', cast({{ start_date }} as date), cast({{ end_date }} as date))
{%- endmacro %}

{#- Every day from start to end, as a select-list set-returning expression named `alias`. -#}
{% macro day_series(start_date, end_date, alias) -%}
    {{ return(adapter.dispatch('day_series', 'ml_connector')(start_date, end_date, alias)) }}
{%- endmacro %}
{% macro default__day_series(start_date, end_date, alias) -%}
    cast(generate_series(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '1 day') as date) as {{ alias }}
{%- endmacro %}
{% macro duckdb__day_series(start_date, end_date, alias) -%}
    cast(unnest(generate_series(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '1 day')) as date) as {{ alias }}
{%- endmacro %}

{#- The aging as-of date: var as_of_date, else today. -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date') -%}cast('{{ var("as_of_date") }}' as date){%- else -%}current_date{%- endif -%}
{%- endmacro %}

{#- Base → reporting currency with the rate of the row's posting date (reporting_rate joined by the caller). -#}
{% macro to_reporting(base_amount, rate='reporting_rates.reporting_rate') -%}
    {{ money('round(' ~ base_amount ~ ' * ' ~ rate ~ ', 2)') }}
{%- endmacro %}

{#- First day of each month from start to end, as a select-list set-returning expression. -#}
{% macro month_series(start_date, end_date, alias) -%}
    {{ return(adapter.dispatch('month_series', 'ml_connector')(start_date, end_date, alias)) }}
{%- endmacro %}
{% macro default__month_series(start_date, end_date, alias) -%}
    cast(generate_series(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '1 month') as date) as {{ alias }}
{%- endmacro %}
{% macro duckdb__month_series(start_date, end_date, alias) -%}
    cast(unnest(generate_series(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '1 month')) as date) as {{ alias }}
{%- endmacro %}
