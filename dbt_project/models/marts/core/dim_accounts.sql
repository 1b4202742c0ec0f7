with accounts as (
    select * from {{ org_ref('stg_zoho_books__chart_of_accounts') }}
    where not is_deleted
),

final as (
    select
        accounts.organization_id || '-' || accounts.account_id as account_key,
        accounts.organization_id,
        accounts.account_id,
        accounts.account_code,
        accounts.account_name,
        accounts.account_type,
        {{ account_class('accounts.account_type') }} as account_class,
        case
            when {{ account_class('accounts.account_type') }} in ('asset', 'expense') then 'debit'
            else 'credit'
        end as normal_balance,
        accounts.parent_account_id,
        accounts.is_active,
        accounts.current_balance as current_balance_base,
        accounts._synced_at,
        accounts._zoho_organization_id,
        accounts._zoho_source_id,
        accounts._load_id
    from accounts
)

select * from final
