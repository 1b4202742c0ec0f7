{{ stg_line_document('vendor_credits', 'vendor_credit_id', 'vendor_credit_number', 'vendor_id') }}
