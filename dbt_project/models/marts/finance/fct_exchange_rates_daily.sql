-- One row per organization, currency and day: the latest rate with effective_date <= that day, from Zoho's rate
-- history and the snapshots taken at each sync (history wins on a day both have). `rate` is Zoho's quote:
-- base-currency units per 1 unit of currency_code; `inverse_rate` converts base into currency_code.
with organizations as (
    select * from {{ org_ref('stg_zoho_books__organizations') }}
    where not is_deleted
),

history as (
    select
        organization_id, currency_code, effective_date, rate, 1 as priority, 'history' as rate_source,
        _synced_at, _zoho_organization_id, _zoho_source_id, _load_id
    from {{ org_ref('stg_zoho_books__exchange_rates') }}
    where not is_deleted
),

snapshots as (
    select
        organization_id, currency_code, coalesce(effective_date, synced_on) as effective_date,
        exchange_rate as rate, 2 as priority, 'snapshot' as rate_source,
        _synced_at, _zoho_organization_id, _zoho_source_id, _load_id
    from {{ org_ref('stg_zoho_books__currencies') }}
    where not is_deleted and not is_base_currency
),

quoted as (
    select * from history
    union all
    select * from snapshots
),

base_currency as (
    -- the base currency is 1 from the organization's first quoted day on
    select
        organizations.organization_id,
        organizations.base_currency_code as currency_code,
        min(quoted.effective_date) as effective_date,
        {{ fx_rate(1) }} as rate,
        0 as priority,
        'base' as rate_source,
        max(organizations._synced_at) as _synced_at,
        organizations._zoho_organization_id,
        organizations._zoho_source_id,
        organizations._load_id
    from organizations
    inner join quoted on organizations.organization_id = quoted.organization_id
    group by
        organizations.organization_id, organizations.base_currency_code,
        organizations._zoho_organization_id, organizations._zoho_source_id, organizations._load_id
),

points as (
    select * from quoted
    union all
    select * from base_currency
),

ranked as (
    select
        points.*,
        row_number() over (
            partition by points.organization_id, points.currency_code, points.effective_date
            order by points.priority, points._synced_at desc
        ) as preference
    from points
),

-- Each organization's own horizon (today, or its latest quoted day if later): one organization's rows never
-- depend on another's, so rebuilding one organization gives the rows a full build gives it.
horizon as (
    select
        organization_id,
        {%- if var('rates_end_date', none) %}
        cast('{{ var("rates_end_date") }}' as date) as end_date
        {%- else %}
            greatest(current_date, max(effective_date)) as end_date
        {%- endif %}
    from points
    group by organization_id
),

ranges as (
    select
        ranked.*,
        coalesce(
            lead(ranked.effective_date) over (
                partition by ranked.organization_id, ranked.currency_code order by ranked.effective_date
            ) - 1,
            horizon.end_date
        ) as valid_to
    from ranked
    inner join horizon on ranked.organization_id = horizon.organization_id
    where ranked.preference = 1
),

days as (
    select
        ranges.*,
        {{ day_series('ranges.effective_date', 'ranges.valid_to', 'rate_date') }}
    from ranges
    where ranges.valid_to >= ranges.effective_date
),

final as (
    select
        days.organization_id || '-' || days.currency_code || '-' || cast(days.rate_date as varchar) as rate_key,
        days.organization_id,
        organizations.base_currency_code,
        days.currency_code,
        days.rate_date,
        {{ fx_rate('days.rate') }} as rate,
        {{ invert_rate('days.rate') }} as inverse_rate,
        days.effective_date,
        days.rate_source,
        days._synced_at,
        days._zoho_organization_id,
        days._zoho_source_id,
        days._load_id
    from days
    inner join organizations on days.organization_id = organizations.organization_id
)

select * from final
