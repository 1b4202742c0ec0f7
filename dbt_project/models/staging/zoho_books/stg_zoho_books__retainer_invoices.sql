-- Retainer invoices (D92): money asked for up front. Issuing one posts nothing; its payments post (Dr bank,
-- Cr customer advance), and Zoho documents neither a route listing them nor their deposit account, so those
-- ledger lines are taken from Zoho's ledger (D60). Staged for their amounts: asked, paid, drawn, open.
with source as (
    select * from {{ source('zoho_books_raw', 'retainer_invoices') }}
),

renamed as (
    select
        -- ids
        cast(source.retainerinvoice_id as varchar) as retainer_invoice_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.retainerinvoice_number as varchar) as retainer_invoice_number,
        cast(source.customer_id as varchar) as customer_id,
        cast(source.reference_number as varchar) as reference_number,
        cast(source.status as varchar) as status,
        -- dates
        cast(source.date as date) as retainer_invoice_date,
        cast(source.last_payment_date as date) as last_payment_date,
        -- currency
        cast(source.currency_code as varchar) as currency_code,
        {{ fx_rate('coalesce(source.exchange_rate, 1)') }} as exchange_rate,
        -- amounts, retainer currency: what was asked, paid, drawn against invoices, still unpaid
        {{ money('source.total') }} as total,
        {{ money('coalesce(source.payment_made, 0)') }} as payment_made,
        {{ money('coalesce(source.payment_drawn, 0)') }} as payment_drawn,
        {{ money('source.balance') }} as balance,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
