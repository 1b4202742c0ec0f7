{#- Schema names are part of the contract (zoho_books_staging, zoho_books): use them exactly, never
    prefixed with the target's schema as dbt does by default. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
