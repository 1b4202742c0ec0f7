-- The lines of invoices and of customer debit notes (D95); a document in both raw tables, from invoices.
with invoice_lines as (
    {{ stg_document_lines('invoices__line_items', 'invoices', 'invoice_id') }}
),

debit_note_lines as (
    {%- if raw_table_exists('debit_notes') %}
    {{ stg_document_lines('debit_notes__line_items', 'debit_notes', 'invoice_id') }}
    {%- else %}
        select * from invoice_lines where 1 = 0
    {%- endif %}
),

invoices as (
    select _zoho_organization_id, invoice_id from {{ source('zoho_books_raw', 'invoices') }}
),

final as (
    select * from invoice_lines
    union all
    select * from debit_note_lines
    where not exists (
        select 1 from invoices
        where
            invoices._zoho_organization_id = debit_note_lines.organization_id
            and invoices.invoice_id = debit_note_lines.invoice_id
    )
)

select * from final
