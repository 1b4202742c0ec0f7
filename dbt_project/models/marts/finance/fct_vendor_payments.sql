{{ fct_payment('stg_zoho_books__vendor_payments', 'vendor_id') }}
