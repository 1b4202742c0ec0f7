-- Which account Zoho posts each role to, learned from Zoho's own ledger (D49). Zoho's default accounts
-- (shipping, adjustments, discounts, bank charges, exchange gain or loss, each tax) are configurable and
-- their names localized, and no document names them: the documents' ledger rows show them.
-- A candidate is (document, role, amount at the document's rate); a ledger row of that document with that
-- base amount (to the cent; within a cent for a foreign-currency document, whose pieces round cumulatively),
-- on an account the document's own lines or bank do not name and that is not a receivable/payable, votes
-- for its account. The account with most documents wins per organization and role.
with accounts as (
    select organization_id, account_id, account_type
    from {{ org_ref('stg_zoho_books__chart_of_accounts') }}
    where not is_deleted
),

ledger as (
    select
        ledger_rows.organization_id,
        ledger_rows.transaction_id as document_id,
        ledger_rows.account_id,
        ledger_rows.transaction_date,
        abs(ledger_rows.debit_amount - ledger_rows.credit_amount) as amount
    from {{ org_ref('stg_zoho_books__account_transactions', 'ledger_rows') }}
    where not ledger_rows.is_deleted and ledger_rows.transaction_id is not null
),

invoices as (
    select * from {{ org_ref('stg_zoho_books__invoices') }}
    where is_posting and not is_deleted
),

bills as (
    select * from {{ org_ref('stg_zoho_books__bills') }}
    where is_posting and not is_deleted
),

expenses as (
    select * from {{ org_ref('stg_zoho_books__expenses') }}
    where is_posting and not is_deleted
),

payments as (
    select
        customer_payments.organization_id,
        customer_payments.payment_id,
        customer_payments.account_id,
        customer_payments.payment_date,
        customer_payments.bank_charges,
        customer_payments.exchange_rate,
        customer_payments.amount - coalesce(applied_now.amount_applied, 0) as unapplied_amount,
        coalesce(customer_payments.tax_amount_withheld, 0) as tax_amount_withheld,
        'tds_receivable' as tds_role
    from {{ org_ref('stg_zoho_books__customer_payments', 'customer_payments') }}
    left join (
        -- what a payment applies on its own date (to invoices raised by then), as int_gl_entries__customer_payments
        select applied.organization_id, applied.payment_id, sum(applied.amount_applied) as amount_applied
        from {{ org_ref('stg_zoho_books__customer_payments_applied', 'applied') }}
        inner join {{ org_ref('stg_zoho_books__customer_payments', 'paid') }}
            on applied.organization_id = paid.organization_id and applied.payment_id = paid.payment_id
        left join {{ org_ref('stg_zoho_books__invoices', 'applied_invoices') }}
            on
                applied.organization_id = applied_invoices.organization_id
                and applied.invoice_id = applied_invoices.invoice_id
        where coalesce(applied_invoices.document_date, paid.payment_date) <= paid.payment_date
        group by applied.organization_id, applied.payment_id
    ) as applied_now
        on
            customer_payments.organization_id = applied_now.organization_id
            and customer_payments.payment_id = applied_now.payment_id
    where customer_payments.is_posting and not customer_payments.is_deleted
    union all
    select
        organization_id,
        payment_id,
        account_id,
        payment_date,
        bank_charges,
        exchange_rate,
        {{ money(0) }} as unapplied_amount,
        tax_amount_withheld,
        -- tax withheld from a vendor (TDS), owed to the state (D101)
        'tds_payable' as tds_role
    from {{ org_ref('stg_zoho_books__vendor_payments') }}
    where is_posting and not is_deleted
),

candidates as (
    select
        organization_id, invoice_id as document_id, 'shipping_charge' as role, shipping_charge as amount, exchange_rate
    from invoices
    union all
    select organization_id, invoice_id, 'sales_adjustment', adjustment, exchange_rate from invoices
    union all
    select organization_id, invoice_id, 'sales_discount', discount_total, exchange_rate from invoices
    union all
    -- an invoice written off: its bad-debt row (D78)
    select organization_id, invoice_id, 'bad_debt', write_off_amount, exchange_rate from invoices
    union all
    -- a total rounded to whole units: its round-off row (D79)
    select organization_id, invoice_id, 'sales_rounding', roundoff_value, exchange_rate from invoices
    union all
    select organization_id, bill_id, 'purchase_rounding', roundoff_value, exchange_rate from bills
    union all
    select organization_id, bill_id, 'purchase_shipping', shipping_charge, exchange_rate from bills
    union all
    select organization_id, bill_id, 'purchase_adjustment', adjustment, exchange_rate from bills
    union all
    select organization_id, bill_id, 'purchase_discount', discount_total, exchange_rate from bills
    union all
    select organization_id, payment_id, 'bank_charges', bank_charges, exchange_rate from payments
    union all
    -- a customer payment's unapplied amount on its date: the customer advance (D77)
    select organization_id, payment_id, 'customer_advance', unapplied_amount, exchange_rate from payments
    union all
    -- tax a customer withheld (TDS), where the payment names no account for it (D81), or withheld from a vendor
    -- (D101)
    select organization_id, payment_id, tds_role, tax_amount_withheld, exchange_rate from payments
    union all
    -- tax withheld on a bill when it was recorded (D102)
    select organization_id, bill_id, 'tds_payable', tds_total, exchange_rate from bills
    union all
    select
        invoices.organization_id,
        invoices.invoice_id,
        'sales_tax:' || taxes.tax_id,
        taxes.tax_amount,
        invoices.exchange_rate
    from invoices
    inner join {{ org_ref('stg_zoho_books__invoice_taxes', 'taxes') }}
        on invoices.organization_id = taxes.organization_id and invoices.invoice_id = taxes.invoice_id
    union all
    select bills.organization_id, bills.bill_id, 'purchase_tax:' || taxes.tax_id, taxes.tax_amount, bills.exchange_rate
    from bills
    inner join {{ org_ref('stg_zoho_books__bill_taxes', 'taxes') }}
        on bills.organization_id = taxes.organization_id and bills.bill_id = taxes.bill_id
    union all
    select organization_id, expense_id, 'purchase_tax:' || tax_id, tax_amount, exchange_rate
    from expenses
    where coalesce(tax_id, '') <> ''
),

-- Accounts a document names itself: its lines' accounts, an expense's accounts, a payment's bank, a discount
-- account.
named_accounts as (
    select organization_id, invoice_id as document_id, account_id
    from {{ org_ref('stg_zoho_books__invoice_line_items') }}
    union all
    select organization_id, bill_id, account_id from {{ org_ref('stg_zoho_books__bill_line_items') }}
    union all
    select organization_id, expense_id, account_id from {{ org_ref('stg_zoho_books__expense_line_items') }}
    union all
    select organization_id, expense_id, account_id from expenses
    union all
    select organization_id, expense_id, paid_through_account_id from expenses
    union all
    select organization_id, payment_id, account_id from payments
    union all
    -- a discount account the document names is its own, not the organization's default (D80)
    select organization_id, invoice_id, discount_account_id from invoices where discount_account_id is not null
    union all
    select organization_id, bill_id, discount_account_id from bills where discount_account_id is not null
),

votes as (
    select
        candidates.organization_id,
        candidates.role,
        ledger.account_id,
        count(distinct candidates.document_id) as documents
    from candidates
    inner join ledger
        on
            candidates.organization_id = ledger.organization_id
            and candidates.document_id = ledger.document_id
            and abs(ledger.amount - {{ to_base('abs(candidates.amount)', 'candidates.exchange_rate') }})
            <= case when candidates.exchange_rate = 1 then 0 else 0.01 end
    inner join accounts
        on ledger.organization_id = accounts.organization_id and ledger.account_id = accounts.account_id
    where
        candidates.amount <> 0
        and accounts.account_type not in ('accounts_receivable', 'accounts_payable')
        and not exists (
            select 1 from named_accounts
            where
                named_accounts.organization_id = candidates.organization_id
                and named_accounts.document_id = candidates.document_id
                and named_accounts.account_id = ledger.account_id
        )
    group by candidates.organization_id, candidates.role, ledger.account_id
),

-- Exchange gain or loss: the payment rows on the payment's date on an account that is neither the bank, a
-- receivable/payable, nor the bank-charges, unapplied (advance) or withheld (TDS) amount.
exchange_votes as (
    select
        payments.organization_id,
        'exchange_gain_loss' as role,
        ledger.account_id,
        count(distinct payments.payment_id) as documents
    from payments
    inner join ledger
        on payments.organization_id = ledger.organization_id and payments.payment_id = ledger.document_id
    inner join accounts
        on ledger.organization_id = accounts.organization_id and ledger.account_id = accounts.account_id
    where
        ledger.account_id <> payments.account_id
        and ledger.transaction_date = payments.payment_date
        and ledger.amount <> {{ to_base('payments.bank_charges', 'payments.exchange_rate') }}
        and ledger.amount <> {{ to_base('payments.unapplied_amount', 'payments.exchange_rate') }}
        and ledger.amount <> {{ to_base('payments.tax_amount_withheld', 'payments.exchange_rate') }}
        and accounts.account_type not in ('accounts_receivable', 'accounts_payable')
    group by payments.organization_id, ledger.account_id
),

all_votes as (
    select * from votes
    union all
    select * from exchange_votes
),

-- The accounts with most votes per role. Two roles can tie on the same accounts: a tax group's components
-- (CGST and SGST at 9 % each) post equal amounts on every document, so each component votes equally for
-- both accounts. Tied roles share the tied accounts one each, in id order: the components' amounts are
-- equal, so every account's total is the same whichever way they pair (D49).
most_votes as (
    select organization_id, role, max(documents) as documents from all_votes group by organization_id, role
),

best as (
    select all_votes.*
    from all_votes
    inner join most_votes as most
        on
            all_votes.organization_id = most.organization_id
            and all_votes.role = most.role
            and all_votes.documents = most.documents
),

tie_sets as (
    select
        organization_id,
        role,
        string_agg(account_id, ',' order by account_id) as tied_accounts,
        count(*) as tied_count
    from best
    group by organization_id, role
),

ties as (
    select
        best.*,
        tie_sets.tied_accounts,
        tie_sets.tied_count,
        row_number() over (partition by best.organization_id, best.role order by best.account_id) as account_rank
    from best
    inner join tie_sets on best.organization_id = tie_sets.organization_id and best.role = tie_sets.role
),

paired as (
    select
        ties.*,
        dense_rank() over (partition by ties.organization_id, ties.tied_accounts order by ties.role) as role_rank
    from ties
),

final as (
    select organization_id, role, account_id, documents
    from paired
    where account_rank = mod(role_rank - 1, tied_count) + 1
)

select * from final
