{{ fct_document_lines('stg_zoho_books__invoices', 'stg_zoho_books__invoice_line_items', 'invoice_id', 'invoice_date') }}
