{{ stg_line_document('invoices', 'invoice_id', 'invoice_number', 'customer_id') }}
