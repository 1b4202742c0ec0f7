-- The posting documents the loader stored from their list row only, their detail (line items) not fetched in
-- the sync's detail mode (`[sync] details`, D90). No rule derives them from that incomplete record: their
-- lines are left whole to Zoho's own ledger (int_gl_entries__zoho_ledger, D60), so the ledger stays complete.
{%- set tables = [
    'invoices', 'credit_notes', 'credit_note_refunds', 'sales_receipts', 'customer_payments', 'bills',
    'vendor_credits', 'vendor_credit_refunds', 'vendor_payments', 'expenses', 'journals', 'bank_transactions',
    'base_currency_adjustments'
] %}
{%- set flagged = [] %}
{%- for table in tables if raw_column_exists(table, '_detail_fetched') %}
    {%- do flagged.append(table) %}
{%- endfor %}
with listed_only as (
    {%- for table in flagged %}
        select
            cast(_zoho_organization_id as varchar) as organization_id,
            cast(_zoho_source_id as varchar) as source_id,
            cast('{{ table }}' as varchar) as source_table
        from {{ source('zoho_books_raw', table) }}
        where not _detail_fetched and not _is_deleted
        union all
    {%- endfor %}
    select
        cast(null as varchar) as organization_id,
        cast(null as varchar) as source_id,
        cast(null as varchar) as source_table
    where 1 = 0
)

select * from listed_only
