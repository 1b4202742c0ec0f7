-- The lines of Zoho's own ledger that no posting rule derives (D60): transactions of a type the models do not
-- post yet (transfers, deposits, opening balances, a type Zoho adds next year...) or documents the connector
-- could not read. Taken as Zoho booked them, so the general ledger, trial balance and statements total to
-- Zoho's ledger on any organization; each line says it was taken, and a warning test lists them by type.
-- Also taken: the lines Zoho adds to a derived document on accounts its rule never posts that document to, when
-- they balance among themselves (the cost of inventory items sold on an invoice, Dr cost of goods sold / Cr
-- inventory asset, which Zoho values from its stock and no answer carries: D104); they follow the document's
-- derived pieces.
with zoho_ledger as (
    select * from {{ org_ref('stg_zoho_books__account_transactions') }}
    where not is_deleted
),

derived_documents as (
    select organization_id, source_id, max(piece_index) as last_piece_index
    from {{ org_ref('int_gl_entries_unioned') }}
    group by organization_id, source_id
),

derived_accounts as (
    select distinct organization_id, source_id, account_id
    from {{ org_ref('int_gl_entries_unioned') }}
),

-- Zoho's lines of a derived document on accounts its derived lines do not touch
added_to_derived as (
    select zoho_ledger.*
    from zoho_ledger
    inner join derived_documents
        on
            zoho_ledger.organization_id = derived_documents.organization_id
            and zoho_ledger.transaction_id = derived_documents.source_id
    where not exists (
        select 1 from derived_accounts
        where
            derived_accounts.organization_id = zoho_ledger.organization_id
            and derived_accounts.source_id = zoho_ledger.transaction_id
            and derived_accounts.account_id = zoho_ledger.account_id
    )
),

-- ...taken when they are a posting of their own: debits equal credits
balanced_additions as (
    select organization_id, transaction_id
    from added_to_derived
    group by organization_id, transaction_id
    having sum(debit_amount - credit_amount) = 0
),

-- Zoho leaves transaction_id out of a few rows: those of a type the rules derive are the derived documents'.
derived_types as (
    select types.transaction_type
    from (
        values
        ('invoice'), ('creditnote'), ('credit_note'), ('credit_notes'), ('customer_payment'), ('bill'),
        ('bills'), ('vendor_credit'), ('vendor_credits'), ('vendor_payment'), ('expense'), ('journal'),
        ('deposit'), ('transfer_fund'), ('card_payment'), ('owner_contribution'), ('owner_drawings'),
        ('interest_income'), ('other_income'), ('expense_refund'), ('sales_without_invoices'),
        ('opening_balance'), ('base_currency_adjustment'),
        ('creditnote_refund'), ('vendor_credit_refund'), ('debit_note'),
        -- refunds of payments (D135) and the bank transactions of that type
        ('refund')
    ) as types (transaction_type)
),

-- The numbers of the documents derived: Zoho's lines without a transaction_id are a derived document's when
-- they carry its number. Any other such line is taken: a document stored from its list row only (the sync's
-- detail mode, D90) or one a rule could not resolve an account for (left whole to Zoho, int_gl_entries_unioned)
-- is derived by no rule, and its lines must not be lost with their id.
derived_numbers as (
    select distinct organization_id, source_number
    from {{ org_ref('int_gl_entries_unioned') }}
    where source_number is not null
),

taken as (
    select zoho_ledger.*
    from zoho_ledger
    where
        not exists (
            select 1 from derived_documents
            where
                derived_documents.organization_id = zoho_ledger.organization_id
                and derived_documents.source_id = zoho_ledger.transaction_id
        )
        and not (
            zoho_ledger.transaction_id is null
            and zoho_ledger.transaction_type in (select derived_types.transaction_type from derived_types)
            and (
                -- a row without a number either cannot be told apart: a derived document's (an opening
                -- balance has none), as before
                nullif(zoho_ledger.entry_number, '') is null
                or exists (
                    select 1 from derived_numbers
                    where
                        derived_numbers.organization_id = zoho_ledger.organization_id
                        and derived_numbers.source_number = zoho_ledger.entry_number
                )
            )
        )
),

taken_additions as (
    select added_to_derived.*
    from added_to_derived
    inner join balanced_additions
        on
            added_to_derived.organization_id = balanced_additions.organization_id
            and added_to_derived.transaction_id = balanced_additions.transaction_id
),

all_taken as (
    select
        taken.*,
        -1 as last_piece_index
    from taken
    union all
    select
        taken_additions.*,
        derived_documents.last_piece_index
    from taken_additions
    inner join derived_documents
        on
            taken_additions.organization_id = derived_documents.organization_id
            and taken_additions.transaction_id = derived_documents.source_id
),

final as (
    select
        taken.organization_id,
        taken.transaction_date as posting_date,
        taken.account_id,
        cast('zoho_ledger' as varchar) as source_type,
        coalesce(taken.transaction_id, taken.categorized_transaction_id) as source_id,
        taken.entry_number as source_number,
        nullif(taken.customer_id, '') as contact_id,
        cast(null as varchar) as cost_center,
        cast(
            taken.last_piece_index + row_number() over (
                partition by taken.organization_id, coalesce(taken.transaction_id, taken.categorized_transaction_id)
                order by taken.categorized_transaction_id
            ) as integer
        ) as piece_index,
        {{ money('taken.debit_amount - taken.credit_amount') }} as net_base,
        taken.currency_code as transaction_currency,
        {{ fx_rate('null') }} as exchange_rate,
        {{ money('null') }} as net_transaction,
        taken._synced_at,
        taken._zoho_organization_id,
        taken._zoho_source_id,
        taken._load_id,
        cast('zoho_ledger' as varchar) as line_source,
        taken.transaction_type as zoho_transaction_type
    from all_taken as taken
)

select * from final
