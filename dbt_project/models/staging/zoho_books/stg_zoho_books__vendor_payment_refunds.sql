-- Refunds of vendor payments (vendor_payments__vendorpayment_refunds, D135): listed by the payment's detail, each
-- completed by its own detail (the bank account and the rate), loaded under the payment and replaced with it.
with source as (
    {{ raw_child('vendor_payments__vendorpayment_refunds', {
        'vendorpayment_refund_id': 'text', 'date': 'text', 'refund_mode': 'text', 'reference_number': 'text',
        'description': 'text', 'to_account_id': 'text', 'amount': 'money', 'amount_bcy': 'money',
        'amount_fcy': 'money', 'exchange_rate': 'money'
    }) }}
),

parent as (
    select
        _dlt_id,
        payment_id,
        _zoho_organization_id,
        _synced_at,
        _dlt_load_id,
        _is_deleted,
        _deleted_at
    from {{ source('zoho_books_raw', 'vendor_payments') }}
),

renamed as (
    select
        -- ids
        cast(source.vendorpayment_refund_id as varchar) as vendorpayment_refund_id,
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(parent.payment_id as varchar) as payment_id,
        -- the account the refund was received into: to_account_id, documented on the refund's detail (a refund
        -- without one is left to Zoho's ledger, D60, D135)
        cast(nullif(source.to_account_id, '') as varchar) as account_id,
        -- reference, mode, date, amounts and rate: macros/staging.sql
        {{ refund_columns() }},
        -- dlt
        source._dlt_id,
        -- audit: the payment's (a refund is loaded and deleted with it), the refund's own id
        parent._synced_at,
        parent._zoho_organization_id,
        cast(source.vendorpayment_refund_id as varchar) as _zoho_source_id,
        parent._dlt_load_id as _load_id,
        coalesce(parent._is_deleted, false) as is_deleted,
        parent._deleted_at as deleted_at
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
