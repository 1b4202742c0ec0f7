with organizations as (
    select * from {{ org_ref('stg_zoho_books__organizations') }}
    where not is_deleted
),

final as (
    select
        organizations.organization_id,
        organizations.organization_name,
        organizations.base_currency_code,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        organizations.time_zone,
        organizations.country,
        organizations.fiscal_year_start_month,
        organizations._synced_at,
        organizations._zoho_organization_id,
        organizations._zoho_source_id,
        organizations._load_id
    from organizations
)

select * from final
