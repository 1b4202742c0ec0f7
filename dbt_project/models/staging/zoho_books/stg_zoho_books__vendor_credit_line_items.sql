{{ stg_document_lines('vendor_credits__line_items', 'vendor_credits', 'vendor_credit_id') }}
