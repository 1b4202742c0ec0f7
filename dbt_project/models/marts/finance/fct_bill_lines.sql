{{ fct_document_lines('stg_zoho_books__bills', 'stg_zoho_books__bill_line_items', 'bill_id', 'bill_date') }}
