{{ fct_line_document('stg_zoho_books__bills', 'bill_id', 'bill_number', 'vendor_id', 'bill_date') }}
