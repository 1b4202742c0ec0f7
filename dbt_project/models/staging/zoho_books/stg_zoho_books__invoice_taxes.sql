{{ stg_document_taxes('invoices__taxes', 'invoices', 'invoice_id') }}
