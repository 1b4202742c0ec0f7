-- Base → reporting currency per organization and day: 1 when the base is the reporting currency, else the
-- inverse of Zoho's quote of the reporting currency against the base (Zoho quotes base units per foreign unit).
select
    organization_id,
    rate_date,
    currency_code as reporting_currency,
    inverse_rate as reporting_rate
from {{ org_ref('fct_exchange_rates_daily') }}
where currency_code = '{{ var("reporting_currency") }}'
