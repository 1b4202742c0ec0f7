-- Refunds of customer payments (customer_payments__payment_refunds, D135): read with the payment's detail for
-- payments that show a refunded amount, loaded under the payment and replaced with it.
with source as (
    {{ raw_child('customer_payments__payment_refunds', {
        'payment_refund_id': 'text', 'date': 'text', 'refund_mode': 'text', 'reference_number': 'text',
        'description': 'text', 'from_account_id': 'text', 'amount': 'money', 'amount_bcy': 'money',
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
    from {{ source('zoho_books_raw', 'customer_payments') }}
),

renamed as (
    select
        -- ids
        cast(source.payment_refund_id as varchar) as payment_refund_id,
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(parent.payment_id as varchar) as payment_id,
        -- the account the refund was paid from: from_account_id, as Zoho's refund request names it (its
        -- answers document none: a refund without one is left to Zoho's ledger, D60, D135)
        cast(nullif(source.from_account_id, '') as varchar) as account_id,
        -- reference, mode, date, amounts and rate: macros/staging.sql
        {{ refund_columns() }},
        -- dlt
        source._dlt_id,
        -- audit: the payment's (a refund is loaded and deleted with it), the refund's own id
        parent._synced_at,
        parent._zoho_organization_id,
        cast(source.payment_refund_id as varchar) as _zoho_source_id,
        parent._dlt_load_id as _load_id,
        coalesce(parent._is_deleted, false) as is_deleted,
        parent._deleted_at as deleted_at
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
