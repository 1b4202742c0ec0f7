-- The documents a payment settles (vendor_payments__bills), in the payment's order.
with source as (
    {{ raw_child('vendor_payments__bills', {
        'bill_id': 'text', 'bill_number': 'text', 'amount_applied': 'money', 'tax_amount_withheld': 'money'
    }) }}
),

parent as (
    select _dlt_id, payment_id, _zoho_organization_id from {{ source('zoho_books_raw', 'vendor_payments') }}
),

renamed as (
    select
        -- ids
        cast(parent.payment_id as varchar) as payment_id,
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.bill_id as varchar) as bill_id,
        cast(source.bill_number as varchar) as bill_number,
        cast(source._dlt_list_idx as integer) as applied_index,
        -- amounts, payment currency (= the document's currency)
        {{ money('source.amount_applied') }} as amount_applied,
        -- tax the organization withheld on this bill (TDS): it settles the bill too (D101)
        {{ money('coalesce(source.tax_amount_withheld, 0)') }} as tax_amount_withheld
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
