-- Bills a vendor credit was applied to (vendor_credits__bills_credited).
{{ stg_credit_applications('vendor_credits', 'vendor_credits__bills_credited', 'vendor_credit_id', 'bill_id') }}
