{{ stg_document_lines('invoices__line_items', 'invoices', 'invoice_id') }}
