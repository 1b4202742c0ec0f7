-- Customer debit notes are invoices of type debit_note (D95): they are kept here, told apart by document_type.
{{ fct_line_document(
    'stg_zoho_books__invoices', 'invoice_id', 'invoice_number', 'customer_id', 'invoice_date',
    extra_columns=['document_type'],
) }}
