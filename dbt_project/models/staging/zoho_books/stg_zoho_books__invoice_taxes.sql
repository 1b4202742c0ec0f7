-- The taxes[] of invoices and of customer debit notes (D95); a document in both raw tables, from invoices.
with invoice_taxes as (
    {{ stg_document_taxes('invoices__taxes', 'invoices', 'invoice_id') }}
),

debit_note_taxes as (
    {%- if raw_table_exists('debit_notes') %}
    {{ stg_document_taxes('debit_notes__taxes', 'debit_notes', 'invoice_id') }}
    {%- else %}
        select * from invoice_taxes where 1 = 0
    {%- endif %}
),

invoices as (
    select _zoho_organization_id, invoice_id from {{ source('zoho_books_raw', 'invoices') }}
),

final as (
    select * from invoice_taxes
    union all
    select * from debit_note_taxes
    where not exists (
        select 1 from invoices
        where
            invoices._zoho_organization_id = debit_note_taxes.organization_id
            and invoices.invoice_id = debit_note_taxes.invoice_id
    )
)

select * from final
