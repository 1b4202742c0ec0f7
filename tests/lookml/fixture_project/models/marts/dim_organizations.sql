select
    cast('org1' as varchar(32)) as organization_id,
    cast('Acme Inc' as varchar(200)) as organization_name,
    cast('USD' as varchar(3)) as base_currency,
    cast('2024-02-01 10:00:00' as timestamp) as _synced_at,
    cast('org1' as varchar(32)) as _zoho_organization_id,
    cast('org1' as varchar(32)) as _zoho_source_id,
    cast('load-1' as varchar(64)) as _load_id
union all
select 'org2', 'Acme GmbH', 'EUR', cast('2024-02-01 10:00:00' as timestamp), 'org2', 'org2', 'load-1'
