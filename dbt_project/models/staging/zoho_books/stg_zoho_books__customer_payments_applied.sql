-- The documents a payment settles (customer_payments__invoices), in the payment's order; the tax the
-- customer withheld on an invoice (TDS) settles it too (D81).
{{ stg_payment_applications('customer_payments', 'invoice') }}
