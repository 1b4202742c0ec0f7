{{ fct_payment('stg_zoho_books__customer_payments', 'customer_id') }}
