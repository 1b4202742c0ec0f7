with source as (
    select * from {{ source('zoho_books_raw', 'credit_note_refunds') }}
),

renamed as (
    select
        -- ids
        cast(source.creditnote_refund_id as varchar) as creditnote_refund_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.creditnote_id as varchar) as creditnote_id,
        cast(source.creditnote_number as varchar) as creditnote_number,
        -- the bank or cash account the refund was paid from: from_account_id, as Zoho's refund request
        -- names it (its answer documents none: a refund without one is left to Zoho's ledger, D60, D72)
        cast(source.from_account_id as varchar) as account_id,
        -- reference, mode, date, amounts and rate: macros/staging.sql
        {{ refund_columns() }},
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
