-- The documents a payment settles (vendor_payments__bills), in the payment's order; the tax the organization
-- withheld on a bill (TDS) settles it too (D101).
{{ stg_payment_applications('vendor_payments', 'bill') }}
