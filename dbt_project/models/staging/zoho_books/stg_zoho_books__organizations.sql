with source as (
    select * from {{ source('zoho_books_raw', 'organizations') }}
),

renamed as (
    select
        -- ids
        cast(source.organization_id as varchar) as organization_id,
        cast(source.name as varchar) as organization_name,
        -- currency and calendar
        cast(source.currency_code as varchar) as base_currency_code,
        cast(source.currency_id as varchar) as base_currency_id,
        cast(source.time_zone as varchar) as time_zone,
        cast(source.country as varchar) as country,
        -- Zoho counts months from 0 (January = 0, D46); the marts use 1-12
        cast(source.fiscal_year_start_month as integer) + 1 as fiscal_year_start_month,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
