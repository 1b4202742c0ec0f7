-- Open invoices on the as-of date, and customer payments whose amount is not (yet) applied on that date as
-- credit lines (D77): an advance applies to an invoice on the later of the two documents' dates; what was
-- refunded of it by then is no longer a credit (D135).
{%- set settlements %}
    select
        applied.organization_id,
        applied.invoice_id as document_id,
        greatest(payments.payment_date, coalesce(invoices.document_date, payments.payment_date)) as settled_on,
        -- tax the customer withheld settles the invoice too (D81)
        applied.amount_applied + coalesce(applied.tax_amount_withheld, 0) as amount
    from {{ org_ref('stg_zoho_books__customer_payments_applied', 'applied') }}
    inner join {{ org_ref('stg_zoho_books__customer_payments', 'payments') }}
        on applied.organization_id = payments.organization_id and applied.payment_id = payments.payment_id
    left join {{ org_ref('stg_zoho_books__invoices', 'invoices') }}
        on applied.organization_id = invoices.organization_id and applied.invoice_id = invoices.invoice_id
    where payments.is_posting and not payments.is_deleted
    union all
    -- an invoice written off is settled on the day its bad-debt line posts (D78)
    select entries.organization_id, entries.source_id, entries.posting_date, entries.net_transaction
    from {{ org_ref('int_gl_entries__invoices', 'entries') }}
    inner join {{ org_ref('int_system_accounts', 'system_accounts') }}
        on
            entries.organization_id = system_accounts.organization_id
            and entries.account_id = system_accounts.account_id
            and system_accounts.role = 'bad_debt'
    union all
    select credits.organization_id, credits.invoice_id, credits.applied_date, credits.amount_applied
    from {{ org_ref('stg_zoho_books__credit_note_invoices', 'credits') }}
    inner join {{ org_ref('stg_zoho_books__credit_notes', 'notes') }}
        on credits.organization_id = notes.organization_id and credits.creditnote_id = notes.creditnote_id
    where notes.is_posting and not notes.is_deleted
{%- endset %}
with invoice_lines as (
    {{ aging_report('stg_zoho_books__invoices', 'invoice_id', 'invoice_number', 'customer_id', settlements) }}
),

payments as (
    select * from {{ org_ref('stg_zoho_books__customer_payments') }}
    where is_posting and not is_deleted and payment_date <= {{ as_of_date() }}
),

applied_by_then as (
    select
        applied.organization_id,
        applied.payment_id,
        sum(applied.amount_applied) as amount_applied
    from {{ org_ref('stg_zoho_books__customer_payments_applied', 'applied') }}
    inner join payments
        on applied.organization_id = payments.organization_id and applied.payment_id = payments.payment_id
    left join {{ org_ref('stg_zoho_books__invoices', 'invoices') }}
        on applied.organization_id = invoices.organization_id and applied.invoice_id = invoices.invoice_id
    where
        greatest(payments.payment_date, coalesce(invoices.document_date, payments.payment_date))
        <= {{ as_of_date() }}
    group by applied.organization_id, applied.payment_id
),

-- what was refunded of the excess by then is no longer the customer's credit (D135)
refunded_by_then as (
    select
        refunds.organization_id,
        refunds.payment_id,
        sum(refunds.amount) as amount_refunded
    from {{ org_ref('stg_zoho_books__customer_payment_refunds', 'refunds') }}
    where refunds.is_posting and not refunds.is_deleted and refunds.refund_date <= {{ as_of_date() }}
    group by refunds.organization_id, refunds.payment_id
),

unapplied as (
    select
        payments.*,
        -(
            payments.amount
            - coalesce(applied_by_then.amount_applied, 0)
            - coalesce(refunded_by_then.amount_refunded, 0)
        ) as outstanding_transaction,
        {{ days_between('payments.payment_date', as_of_date()) }} as days_past_due
    from payments
    left join applied_by_then
        on
            payments.organization_id = applied_by_then.organization_id
            and payments.payment_id = applied_by_then.payment_id
    left join refunded_by_then
        on
            payments.organization_id = refunded_by_then.organization_id
            and payments.payment_id = refunded_by_then.payment_id
),

payment_lines as (
    select
        unapplied.organization_id || '-' || unapplied.payment_id as aging_key,
        unapplied.organization_id,
        {{ as_of_date() }} as as_of_date,
        cast('customer_payment' as varchar) as document_type,
        unapplied.payment_id as document_id,
        unapplied.payment_number as document_number,
        cast(null as varchar) as invoice_id,
        cast(null as varchar) as invoice_number,
        unapplied.customer_id,
        unapplied.payment_date as document_date,
        unapplied.payment_date as due_date,
        unapplied.days_past_due,
        {{ aging_bucket('unapplied.days_past_due') }} as aging_bucket,
        unapplied.currency_code as transaction_currency,
        unapplied.exchange_rate,
        {{ money('unapplied.outstanding_transaction') }} as outstanding_transaction,
        organizations.base_currency_code as base_currency,
        {{ to_base('unapplied.outstanding_transaction', 'unapplied.exchange_rate') }} as outstanding_base,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        reporting_rates.reporting_rate,
        {{ to_reporting(to_base('unapplied.outstanding_transaction', 'unapplied.exchange_rate')) }}
            as outstanding_reporting,
        unapplied._synced_at,
        unapplied._zoho_organization_id,
        unapplied._zoho_source_id,
        unapplied._load_id
    from unapplied
    left join {{ org_ref('dim_organizations', 'organizations') }}
        on unapplied.organization_id = organizations.organization_id
    left join {{ org_ref('int_reporting_rates_daily', 'reporting_rates') }}
        on
            unapplied.organization_id = reporting_rates.organization_id
            and least({{ as_of_date() }}, current_date) = reporting_rates.rate_date
    where unapplied.outstanding_transaction <> 0
),

final as (
    select
        aging_key,
        organization_id,
        as_of_date,
        cast('invoice' as varchar) as document_type,
        invoice_id as document_id,
        invoice_number as document_number,
        invoice_id,
        invoice_number,
        customer_id,
        document_date,
        due_date,
        days_past_due,
        aging_bucket,
        transaction_currency,
        exchange_rate,
        outstanding_transaction,
        base_currency,
        outstanding_base,
        reporting_currency,
        reporting_rate,
        outstanding_reporting,
        _synced_at,
        _zoho_organization_id,
        _zoho_source_id,
        _load_id
    from invoice_lines
    union all
    select * from payment_lines
)

select * from final
