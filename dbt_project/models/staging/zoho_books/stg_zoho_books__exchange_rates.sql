with source as (
    select * from {{ source('zoho_books_raw', 'exchange_rates') }}
),

renamed as (
    select
        -- ids
        cast(source.exchange_rate_id as varchar) as exchange_rate_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.currency_id as varchar) as currency_id,
        cast(source.currency_code as varchar) as currency_code,
        -- rate: base-currency units per 1 unit of currency_code, from effective_date on
        cast(source.effective_date as date) as effective_date,
        {{ fx_rate('source.rate') }} as rate,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
