-- The posting documents the loader stored from their list row only, their detail (line items) not fetched in
-- the sync's detail mode (`[sync] details`, D90). No rule derives them from that incomplete record: their
-- lines are left whole to Zoho's own ledger (int_gl_entries__zoho_ledger, D60), so the ledger stays complete.
-- With each its number, the entry number Zoho's ledger lines carry: Zoho leaves transaction_id out of a few
-- lines (a journal's, a transfer's), and those are told apart by it.
{%- set tables = {
    'invoices': 'invoice_number', 'debit_notes': 'invoice_number', 'credit_notes': 'creditnote_number',
    'credit_note_refunds': none,
    'sales_receipts': 'receipt_number', 'customer_payments': 'payment_number', 'bills': 'bill_number',
    'vendor_credits': 'vendor_credit_number', 'vendor_credit_refunds': none, 'vendor_payments': 'payment_number',
    'expenses': 'reference_number', 'journals': 'entry_number', 'bank_transactions': 'reference_number',
    'base_currency_adjustments': none
} %}
{%- set flagged = [] %}
{%- for table in tables if raw_column_exists(table, '_detail_fetched') %}
    {%- do flagged.append(table) %}
{%- endfor %}
with listed_only as (
    {%- for table in flagged %}
        select
            cast(_zoho_organization_id as varchar) as organization_id,
            cast(_zoho_source_id as varchar) as source_id,
            cast('{{ table }}' as varchar) as source_table,
            {%- if tables[table] and raw_column_exists(table, tables[table]) %}
            cast({{ tables[table] }} as varchar) as source_number
            {%- else %}
            cast(null as varchar) as source_number
            {%- endif %}
        from {{ source('zoho_books_raw', table) }}
        where
            not _detail_fetched and not _is_deleted
            {{ and_selected_organizations('cast(_zoho_organization_id as varchar)') }}
        union all
    {%- endfor %}
    select
        cast(null as varchar) as organization_id,
        cast(null as varchar) as source_id,
        cast(null as varchar) as source_table,
        cast(null as varchar) as source_number
    where 1 = 0
)

select * from listed_only
