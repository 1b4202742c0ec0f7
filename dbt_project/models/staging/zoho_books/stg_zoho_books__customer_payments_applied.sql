-- The documents a payment settles (customer_payments__invoices), in the payment's order.
with source as (
    {{ raw_child('customer_payments__invoices', {
        'invoice_id': 'text', 'invoice_number': 'text', 'amount_applied': 'money', 'tax_amount_withheld': 'money'
    }) }}
),

parent as (
    select _dlt_id, payment_id, _zoho_organization_id from {{ source('zoho_books_raw', 'customer_payments') }}
),

renamed as (
    select
        -- ids
        cast(parent.payment_id as varchar) as payment_id,
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.invoice_id as varchar) as invoice_id,
        cast(source.invoice_number as varchar) as invoice_number,
        cast(source._dlt_list_idx as integer) as applied_index,
        -- amounts, payment currency (= the document's currency)
        {{ money('source.amount_applied') }} as amount_applied,
        -- tax the customer withheld on this invoice (TDS): it settles the invoice too (D81)
        {{ money('coalesce(source.tax_amount_withheld, 0)') }} as tax_amount_withheld
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
