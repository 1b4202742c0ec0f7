select
    cast('acc1' as varchar(32)) as account_id,
    cast('org1' as varchar(32)) as organization_id,
    cast('1200' as varchar(20)) as account_code,
    cast('Accounts Receivable' as varchar(200)) as account_name,
    cast('asset' as varchar(20)) as account_class,
    true as is_active,
    cast('2024-02-01 10:00:00' as timestamp) as _synced_at,
    cast('org1' as varchar(32)) as _zoho_organization_id,
    cast('acc1' as varchar(32)) as _zoho_source_id,
    cast('load-1' as varchar(64)) as _load_id
union all
select 'acc2', 'org1', '4000', 'Sales', 'income', true,
    cast('2024-02-01 10:00:00' as timestamp), 'org1', 'acc2', 'load-1'
