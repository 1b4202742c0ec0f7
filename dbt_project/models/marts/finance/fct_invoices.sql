{{ fct_line_document('stg_zoho_books__invoices', 'invoice_id', 'invoice_number', 'customer_id', 'invoice_date') }}
