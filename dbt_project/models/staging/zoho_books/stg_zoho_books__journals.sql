with source as (
    select * from {{ source('zoho_books_raw', 'journals') }}
),

renamed as (
    select
        -- ids
        cast(source.journal_id as varchar) as journal_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.entry_number as varchar) as entry_number,
        cast(source.reference_number as varchar) as reference_number,
        cast(source.journal_type as varchar) as journal_type,
        cast(source.notes as varchar) as notes,
        cast(source.status as varchar) as status,
        -- a cash-basis-only journal (journal_type cash) stays out of the accrual ledger (D46)
        {{ is_posting_status('source.status') }} and coalesce(source.journal_type, 'both') <> 'cash' as is_posting,
        -- dates
        cast(source.journal_date as date) as journal_date,
        -- currency
        cast(source.currency_code as varchar) as currency_code,
        {{ fx_rate('source.exchange_rate') }} as exchange_rate,
        -- amounts
        {{ money('source.total') }} as total,
        {{ money('source.bcy_total') }} as bcy_total,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
