with source as (
    select * from {{ source('zoho_books_raw', 'chart_of_accounts') }}
),

renamed as (
    select
        -- ids
        cast(source.account_id as varchar) as account_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.parent_account_id as varchar) as parent_account_id,
        -- descriptive
        cast(source.account_code as varchar) as account_code,
        cast(source.account_name as varchar) as account_name,
        cast(source.account_type as varchar) as account_type,
        cast(source.currency_code as varchar) as currency_code,
        cast(source.is_active as boolean) as is_active,
        -- amounts, base currency
        {{ money('source.current_balance') }} as current_balance,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
