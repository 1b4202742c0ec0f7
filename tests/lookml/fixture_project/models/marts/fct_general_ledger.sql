select
    cast('gl1' as varchar(64)) as gl_entry_id,
    cast('org1' as varchar(32)) as organization_id,
    cast('2024-01-31' as date) as posting_date,
    cast('acc1' as varchar(32)) as account_id,
    cast('c1' as varchar(32)) as contact_id,
    cast('invoice' as varchar(40)) as source_type,
    cast('inv1' as varchar(32)) as source_id,
    cast(108.00 as numeric(18, 2)) as debit_base,
    cast(0.00 as numeric(18, 2)) as credit_base,
    cast(108.00 as numeric(18, 2)) as net_base,
    cast('EUR' as varchar(3)) as transaction_currency,
    cast(1.08 as numeric(18, 8)) as exchange_rate,
    cast(100.00 as numeric(18, 2)) as net_transaction,
    cast('USD' as varchar(3)) as reporting_currency,
    cast(108.00 as numeric(18, 2)) as net_reporting,
    cast('2024-02-01 10:00:00' as timestamp) as _synced_at,
    cast('org1' as varchar(32)) as _zoho_organization_id,
    cast('inv1' as varchar(32)) as _zoho_source_id,
    cast('load-1' as varchar(64)) as _load_id
union all
select 'gl2', 'org1', cast('2024-01-31' as date), 'acc2', 'c1', 'invoice', 'inv1',
    0.00, 108.00, -108.00, 'EUR', 1.08, -100.00, 'USD', -108.00,
    cast('2024-02-01 10:00:00' as timestamp), 'org1', 'inv1', 'load-1'
