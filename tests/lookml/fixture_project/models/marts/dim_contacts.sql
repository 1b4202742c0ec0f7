select
    cast('c1' as varchar(32)) as contact_id,
    cast('org1' as varchar(32)) as organization_id,
    cast('Globex' as varchar(200)) as contact_name,
    cast('customer' as varchar(20)) as contact_type,
    cast('2024-02-01 10:00:00' as timestamp) as _synced_at,
    cast('org1' as varchar(32)) as _zoho_organization_id,
    cast('c1' as varchar(32)) as _zoho_source_id,
    cast('load-1' as varchar(64)) as _load_id
