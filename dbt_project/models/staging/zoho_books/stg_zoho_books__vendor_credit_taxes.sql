{{ stg_document_taxes('vendor_credits__taxes', 'vendor_credits', 'vendor_credit_id') }}
