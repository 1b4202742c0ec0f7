-- The derived lines, and the lines of Zoho's own ledger no rule derives (D60): complete by construction.
with entries as (
    select * from {{ org_ref('int_gl_entries_unioned') }}
    union all
    select * from {{ org_ref('int_gl_entries__zoho_ledger') }}
),

accounts as (
    select * from {{ org_ref('dim_accounts') }}
),

organizations as (
    select * from {{ org_ref('dim_organizations') }}
),

reporting_rates as (
    select * from {{ org_ref('int_reporting_rates_daily') }}
),

final as (
    select
        entries.organization_id || '-' || entries.source_id || '-'
        || lpad(cast(entries.piece_index as varchar), 3, '0') as gl_entry_id,
        entries.organization_id,
        entries.posting_date,
        entries.account_id,
        accounts.account_code,
        accounts.account_name,
        accounts.account_type,
        accounts.account_class,
        entries.source_type,
        entries.line_source,
        entries.zoho_transaction_type,
        entries.source_id,
        entries.source_number,
        entries.contact_id,
        entries.cost_center,
        organizations.base_currency_code as base_currency,
        {{ money('case when entries.net_base > 0 then entries.net_base else 0 end') }} as debit_base,
        {{ money('case when entries.net_base < 0 then -entries.net_base else 0 end') }} as credit_base,
        {{ money('entries.net_base') }} as net_base,
        entries.transaction_currency,
        entries.exchange_rate,
        entries.net_transaction,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        reporting_rates.reporting_rate,
        {{ money('round(entries.net_base * reporting_rates.reporting_rate, 2)') }} as net_reporting,
        entries._synced_at,
        entries._zoho_organization_id,
        entries._zoho_source_id,
        entries._load_id
    from entries
    left join accounts
        on entries.organization_id = accounts.organization_id and entries.account_id = accounts.account_id
    left join organizations on entries.organization_id = organizations.organization_id
    left join reporting_rates
        on
            entries.organization_id = reporting_rates.organization_id
            and entries.posting_date = reporting_rates.rate_date
)

select * from final
