-- One row per currency per sync: the rates Zoho showed at that sync (snapshots, appended).
with source as (
    select * from {{ source('zoho_books_raw', 'currencies') }}
),

renamed as (
    select
        -- ids
        cast(source.currency_id as varchar) as currency_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        -- descriptive
        cast(source.currency_code as varchar) as currency_code,
        cast(source.currency_name as varchar) as currency_name,
        cast(source.currency_symbol as varchar) as currency_symbol,
        cast(source.is_base_currency as boolean) as is_base_currency,
        -- rate: base-currency units per 1 unit of this currency
        {{ fx_rate('source.exchange_rate') }} as exchange_rate,
        cast(source.effective_date as date) as effective_date,
        cast(source._synced_at as date) as synced_on,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
