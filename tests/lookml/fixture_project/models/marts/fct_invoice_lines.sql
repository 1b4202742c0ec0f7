select
    cast('line1' as varchar(32)) as invoice_line_id,
    cast('inv1' as varchar(32)) as invoice_id,
    cast('acc2' as varchar(32)) as account_id,
    cast(2 as integer) as line_number,
    cast(4.000 as numeric(18, 3)) as quantity,
    cast(100.00 as numeric(18, 2)) as line_total_transaction,
    cast(108.00 as numeric(18, 2)) as line_total_base,
    cast('2024-02-01 10:00:00' as timestamp) as _synced_at,
    cast('org1' as varchar(32)) as _zoho_organization_id,
    cast('inv1' as varchar(32)) as _zoho_source_id,
    cast('load-1' as varchar(64)) as _load_id
