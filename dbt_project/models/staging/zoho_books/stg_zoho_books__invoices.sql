-- Invoices and customer debit notes (D95). A debit note is an invoice of type debit_note: Zoho lists it with
-- the invoices list filtered by Type.DebitNote (loaded into debit_notes) and details it as an invoice, so it is
-- staged, posted and aged as one (document_type tells them apart). Whether the plain invoices list returns
-- debit notes too is not documented: a document in both raw tables is taken once, from invoices.
with invoices as (
    {{ stg_line_document('invoices', 'invoice_id', 'invoice_number', 'customer_id') }}
),

debit_notes as (
    {%- if raw_table_exists('debit_notes') %}
    {{ stg_line_document('debit_notes', 'invoice_id', 'invoice_number', 'customer_id') }}
    {%- else %}
        select * from invoices where 1 = 0
    {%- endif %}
),

final as (
    select
        invoices.*,
        cast('invoice' as varchar) as document_type
    from invoices
    union all
    select
        debit_notes.*,
        cast('debit_note' as varchar) as document_type
    from debit_notes
    where not exists (
        select 1 from invoices
        where invoices.organization_id = debit_notes.organization_id and invoices.invoice_id = debit_notes.invoice_id
    )
)

select * from final
