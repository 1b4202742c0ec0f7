-- Refunds of customer payments (customer_payments__payment_refunds, D135): read with the payment's detail for
-- payments that show a refunded amount, loaded under the payment and replaced with it. The account the refund was
-- paid from: from_account_id, as Zoho's refund request names it (its answers document none: a refund without one
-- is left to Zoho's ledger, D60, D135).
{{ stg_payment_refunds(
    'customer_payments__payment_refunds',
    'customer_payments',
    'payment_refund_id',
    'from_account_id'
) }}
