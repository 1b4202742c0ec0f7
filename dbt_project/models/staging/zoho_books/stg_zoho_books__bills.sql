{{ stg_line_document('bills', 'bill_id', 'bill_number', 'vendor_id') }}
