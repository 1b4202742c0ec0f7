-- Refunds of vendor payments (vendor_payments__vendorpayment_refunds, D135): listed by the payment's detail, each
-- completed by its own detail (the bank account and the rate), loaded under the payment and replaced with it. The
-- account the refund was received into: to_account_id, documented on the refund's detail (a refund without one is
-- left to Zoho's ledger, D60, D135).
{{ stg_payment_refunds(
    'vendor_payments__vendorpayment_refunds',
    'vendor_payments',
    'vendorpayment_refund_id',
    'to_account_id'
) }}
