select
    cast('org1' as varchar(32)) as organization_id,
    cast('EUR' as varchar(3)) as currency_code,
    cast('2024-01-31' as date) as rate_date,
    cast(1.08 as numeric(18, 8)) as rate_to_base,
    cast('2024-02-01 10:00:00' as timestamp) as _synced_at,
    cast('org1' as varchar(32)) as _zoho_organization_id,
    cast('rate1' as varchar(32)) as _zoho_source_id,
    cast('load-1' as varchar(64)) as _load_id
