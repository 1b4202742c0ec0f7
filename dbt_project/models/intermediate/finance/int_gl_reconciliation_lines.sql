-- Every line of the general ledger (derived by a rule, or taken from Zoho's ledger, D60) beside every line of
-- Zoho's own ledger, under one transaction type: Zoho's type of the same transaction where Zoho's ledger holds
-- it, else the type the rule files it under. Generic over types: a rule or a Zoho type added later needs no
-- change here. The reconciliation reports sum these lines by origin (D64).
with derived as (
    select * from {{ org_ref('int_gl_entries_unioned') }}
),

taken as (
    select * from {{ org_ref('int_gl_entries__zoho_ledger') }}
),

zoho_ledger as (
    select * from {{ org_ref('stg_zoho_books__account_transactions') }}
    where not is_deleted
),

-- One type per transaction Zoho's ledger holds (a transaction is filed under one type; min() keeps it
-- deterministic should Zoho ever disagree with itself).
zoho_transaction_types as (
    select organization_id, transaction_id, min(transaction_type) as transaction_type
    from zoho_ledger
    where transaction_id is not null
    group by organization_id, transaction_id
),

ledger_lines as (
    select
        organization_id, posting_date, account_id, source_type, source_id, source_number, line_source,
        zoho_transaction_type, net_base
    from derived
    union all
    select
        organization_id, posting_date, account_id, source_type, source_id, source_number, line_source,
        zoho_transaction_type, net_base
    from taken
),

ledger as (
    select
        ledger_lines.organization_id,
        coalesce(zoho_transaction_types.transaction_type, ledger_lines.zoho_transaction_type, 'unknown')
            as zoho_transaction_type,
        ledger_lines.source_type,
        ledger_lines.source_id,
        ledger_lines.source_number,
        ledger_lines.account_id,
        ledger_lines.posting_date,
        cast(case ledger_lines.line_source when 'derived' then 'derived' else 'taken' end as varchar)
            as line_origin,
        {{ money('case when ledger_lines.net_base > 0 then ledger_lines.net_base else 0 end') }} as debit_base,
        {{ money('case when ledger_lines.net_base < 0 then -ledger_lines.net_base else 0 end') }} as credit_base
    from ledger_lines
    left join zoho_transaction_types
        on
            ledger_lines.organization_id = zoho_transaction_types.organization_id
            and ledger_lines.source_id = zoho_transaction_types.transaction_id
),

zoho as (
    select
        zoho_ledger.organization_id,
        coalesce(zoho_ledger.transaction_type, 'unknown') as zoho_transaction_type,
        coalesce(derived_sources.source_type, 'zoho_ledger') as source_type,
        coalesce(zoho_ledger.transaction_id, zoho_ledger.categorized_transaction_id) as source_id,
        zoho_ledger.entry_number as source_number,
        zoho_ledger.account_id,
        zoho_ledger.transaction_date as posting_date,
        cast('zoho' as varchar) as line_origin,
        {{ money('zoho_ledger.debit_amount') }} as debit_base,
        {{ money('zoho_ledger.credit_amount') }} as credit_base
    from zoho_ledger
    left join (
        select organization_id, source_id, min(source_type) as source_type
        from derived
        group by organization_id, source_id
    ) as derived_sources
        on
            zoho_ledger.organization_id = derived_sources.organization_id
            and zoho_ledger.transaction_id = derived_sources.source_id
),

final as (
    select
        organization_id,
        zoho_transaction_type,
        source_type,
        source_id,
        source_number,
        account_id,
        posting_date,
        cast(date_trunc('month', posting_date) as date) as period_month,
        line_origin,
        debit_base,
        credit_base
    from ledger
    union all
    select
        organization_id,
        zoho_transaction_type,
        source_type,
        source_id,
        source_number,
        account_id,
        posting_date,
        cast(date_trunc('month', posting_date) as date) as period_month,
        line_origin,
        debit_base,
        credit_base
    from zoho
)

select * from final
