{#- Staging helpers: the raw schema's quirks are absorbed here and nowhere else. -#}

{#- The audit trail every parent row carries, under the names the marts use. -#}
{% macro audit_columns(alias='source') -%}
        {{ alias }}._synced_at,
        {{ alias }}._zoho_organization_id,
        {{ alias }}._zoho_source_id,
        {{ alias }}._dlt_load_id as _load_id,
        coalesce({{ alias }}._is_deleted, false) as is_deleted,
        {{ alias }}._deleted_at as deleted_at
{%- endmacro %}

{#- Does a raw table exist? dlt creates a child table only once a row needs it (no tags yet, no table). -#}
{% macro raw_table_exists(table) -%}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- set relation = adapter.get_relation(database=target.database, schema=var('raw_schema'), identifier=table) -%}
    {{ return(relation is not none) }}
{%- endmacro %}

{#- Cost center per parent row (_dlt_id) from a tags child table: the option of the configured tag. -#}
{% macro cost_center_by_parent(tags_table) -%}
    {%- if raw_table_exists(tags_table) -%}
    select _dlt_parent_id, max(tag_option_name) as cost_center
    from {{ source('zoho_books_raw', tags_table) }}
    where tag_name = '{{ var("cost_center_tag") }}'
    group by _dlt_parent_id
    {%- else -%}
    select cast(null as varchar) as _dlt_parent_id, cast(null as varchar) as cost_center where 1 = 0
    {%- endif -%}
{%- endmacro %}

{#- Header of an invoice, credit note, bill, vendor credit or purchase order. -#}
{% macro stg_line_document(table, id_column, number_column, contact_column) -%}
with source as (
    select * from {{ source('zoho_books_raw', table) }}
),

renamed as (
    select
        -- ids
        cast(source.{{ id_column }} as varchar) as {{ id_column }},
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.{{ number_column }} as varchar) as {{ number_column }},
        cast(source.{{ contact_column }} as varchar) as {{ contact_column }},
        cast(source.reference_number as varchar) as reference_number,
        cast(source.status as varchar) as status,
        coalesce(source.status, '') not in ('draft', 'void') as is_posting,
        -- dates
        cast(source.date as date) as document_date,
        {% if table != 'credit_notes' %}cast(source.{{ 'delivery_date' if table == 'purchase_orders' else 'due_date' }} as date){% else %}cast(null as date){% endif %} as due_date,
        -- currency
        cast(source.currency_code as varchar) as currency_code,
        {{ fx_rate('source.exchange_rate') }} as exchange_rate,
        -- amounts, document currency
        {{ money('source.sub_total') }} as sub_total,
        {{ money('source.tax_total') }} as tax_total,
        {{ money('source.shipping_charge') }} as shipping_charge,
        {{ money('source.adjustment') }} as adjustment,
        {{ money('source.discount_total') }} as discount_total,
        {{ money('source.total') }} as total,
        {{ money('source.balance') }} as balance,
        -- amounts, base currency (Zoho's bcy_* fields)
        {{ money('source.bcy_sub_total') }} as bcy_sub_total,
        {{ money('source.bcy_tax_total') }} as bcy_tax_total,
        {{ money('source.bcy_shipping_charge') }} as bcy_shipping_charge,
        {{ money('source.bcy_adjustment') }} as bcy_adjustment,
        {{ money('source.bcy_discount_total') }} as bcy_discount_total,
        {{ money('source.bcy_total') }} as bcy_total,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
{%- endmacro %}

{#- Lines of a line document, with their parent's id and the cost center from the line's tags. -#}
{% macro stg_document_lines(table, parent_table, parent_id_column) -%}
with source as (
    select * from {{ source('zoho_books_raw', table) }}
),

parent as (
    select _dlt_id, {{ parent_id_column }}, _zoho_organization_id from {{ source('zoho_books_raw', parent_table) }}
),

cost_centers as (
    {{ cost_center_by_parent(table ~ '__tags') }}
),

renamed as (
    select
        -- ids
        cast(source.line_item_id as varchar) as line_item_id,
        cast(parent.{{ parent_id_column }} as varchar) as {{ parent_id_column }},
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.item_id as varchar) as item_id,
        cast(source.account_id as varchar) as account_id,
        cast(source.tax_id as varchar) as tax_id,
        cast(source._dlt_list_idx as integer) as line_index,
        -- descriptive
        cast(source.name as varchar) as item_name,
        cast(source.description as varchar) as description,
        cast(cost_centers.cost_center as varchar) as cost_center,
        -- amounts, document currency
        cast(source.quantity as decimal(18, 4)) as quantity,
        {{ money('source.rate') }} as rate,
        cast(source.discount as decimal(9, 4)) as discount_percent,
        cast(source.tax_percentage as decimal(9, 4)) as tax_percentage,
        {{ money('source.item_total') }} as item_total,
        -- dlt
        source._dlt_id,
        source._dlt_parent_id
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
    left join cost_centers on cost_centers._dlt_parent_id = source._dlt_id
)

select * from renamed
{%- endmacro %}

{#- The taxes[] of a line document, in array order. -#}
{% macro stg_document_taxes(table, parent_table, parent_id_column) -%}
{%- if not raw_table_exists(table) -%}
select cast(null as varchar) as {{ parent_id_column }}, cast(null as varchar) as organization_id,
    cast(null as varchar) as tax_id, cast(null as integer) as tax_index, cast(null as varchar) as tax_name,
    {{ money('null') }} as tax_amount
where 1 = 0
{%- else -%}
with source as (
    select * from {{ source('zoho_books_raw', table) }}
),

parent as (
    select _dlt_id, {{ parent_id_column }}, _zoho_organization_id from {{ source('zoho_books_raw', parent_table) }}
),

renamed as (
    select
        -- ids
        cast(parent.{{ parent_id_column }} as varchar) as {{ parent_id_column }},
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.tax_id as varchar) as tax_id,
        cast(source._dlt_list_idx as integer) as tax_index,
        cast(source.tax_name as varchar) as tax_name,
        -- amounts, document currency
        {{ money('source.tax_amount') }} as tax_amount
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
{%- endif -%}
{%- endmacro %}

{#- The documents a credit was applied to (a dlt child table of credit notes or vendor credits): one row per
    application, on its own date (the credit's date when Zoho leaves it out), in the credit's currency. -#}
{% macro stg_credit_applications(credits_table, applied_table, credit_id, document_id) -%}
{%- if not raw_table_exists(applied_table) %}
    select
        cast(null as varchar) as {{ credit_id }}, cast(null as varchar) as organization_id,
        cast(null as varchar) as {{ document_id }}, cast(null as date) as applied_date, {{ money('null') }} as amount_applied
    where 1 = 0
{%- else %}
with source as (
    select * from {{ source('zoho_books_raw', applied_table) }}
),

parent as (
    select _dlt_id, {{ credit_id }}, _zoho_organization_id, date from {{ source('zoho_books_raw', credits_table) }}
),

renamed as (
    select
        -- ids
        cast(parent.{{ credit_id }} as varchar) as {{ credit_id }},
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.{{ document_id }} as varchar) as {{ document_id }},
        -- dates
        cast(coalesce(source.date, parent.date) as date) as applied_date,
        -- amounts, credit currency
        {{ money('source.amount_applied') }} as amount_applied
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
{%- endif %}
{%- endmacro %}
