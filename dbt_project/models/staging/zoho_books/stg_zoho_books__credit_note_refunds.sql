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
        cast(source.reference_number as varchar) as reference_number,
        cast(source.refund_mode as varchar) as refund_mode,
        cast(source.description as varchar) as description,
        -- refunds have no draft or void status in Zoho's answers
        true as is_posting,
        -- dates
        cast(source.date as date) as refund_date,
        -- amounts, the credit note's currency: amount on the detail, amount_fcy on the list row
        {{ money('coalesce(source.amount, source.amount_fcy)') }} as amount,
        -- without a rate on the answer, the one its base amount implies, else 1 (as for payments, D45)
        {{ fx_rate(
            'coalesce(source.exchange_rate, round(source.amount_bcy / nullif(coalesce(source.amount, source.amount_fcy), 0), 6), 1)'
        ) }} as exchange_rate,
        -- amounts, base currency: amount_bcy is on the list row
        {{ base_or_derived('source.amount_bcy', 'coalesce(source.amount, source.amount_fcy)') }} as bcy_amount,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
