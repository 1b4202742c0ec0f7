-- Invoices a credit note was applied to (credit_notes__invoices_credited).
{%- if not raw_table_exists('credit_notes__invoices_credited') %}
    select
        cast(null as varchar) as creditnote_id, cast(null as varchar) as organization_id,
        cast(null as varchar) as invoice_id, cast(null as date) as applied_date, {{ money('null') }} as amount_applied
    where 1 = 0
{%- else %}
with source as (
    select * from {{ source('zoho_books_raw', 'credit_notes__invoices_credited') }}
),

parent as (
    select _dlt_id, creditnote_id, _zoho_organization_id, date from {{ source('zoho_books_raw', 'credit_notes') }}
),

renamed as (
    select
        -- ids
        cast(parent.creditnote_id as varchar) as creditnote_id,
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.invoice_id as varchar) as invoice_id,
        -- dates
        cast(coalesce(source.date, parent.date) as date) as applied_date,
        -- amounts, credit note currency
        {{ money('source.amount_applied') }} as amount_applied
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
{%- endif %}
