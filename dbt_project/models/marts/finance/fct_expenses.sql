with expenses as (
    select * from {{ org_ref('stg_zoho_books__expenses') }}
    where not is_deleted
),

organizations as (
    select * from {{ org_ref('dim_organizations') }}
),

reporting_rates as (
    select * from {{ org_ref('int_reporting_rates_daily') }}
),

final as (
    select
        expenses.organization_id || '-' || expenses.expense_id as expense_key,
        expenses.organization_id,
        expenses.expense_id,
        expenses.reference_number,
        expenses.account_id,
        expenses.paid_through_account_id,
        expenses.vendor_id,
        expenses.customer_id,
        expenses.tax_id,
        expenses.status,
        expenses.is_posting,
        expenses.description,
        expenses.cost_center,
        expenses.expense_date,
        expenses.currency_code as transaction_currency,
        expenses.exchange_rate,
        expenses.sub_total as sub_total_transaction,
        expenses.tax_amount as tax_amount_transaction,
        expenses.total as total_transaction,
        organizations.base_currency_code as base_currency,
        expenses.bcy_sub_total as sub_total_base,
        expenses.bcy_tax_amount as tax_amount_base,
        expenses.bcy_total as total_base,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        reporting_rates.reporting_rate,
        {{ to_reporting('expenses.bcy_sub_total') }} as sub_total_reporting,
        {{ to_reporting('expenses.bcy_tax_amount') }} as tax_amount_reporting,
        {{ to_reporting('expenses.bcy_total') }} as total_reporting,
        expenses._synced_at,
        expenses._zoho_organization_id,
        expenses._zoho_source_id,
        expenses._load_id
    from expenses
    left join organizations on expenses.organization_id = organizations.organization_id
    left join reporting_rates
        on
            expenses.organization_id = reporting_rates.organization_id
            and expenses.expense_date = reporting_rates.rate_date
)

select * from final
