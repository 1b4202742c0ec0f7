{#- Header facts of invoices, credit notes, bills and purchase orders: every amount in document (transaction),
    base and reporting currency. Reporting = base × the reporting rate of the document date. -#}
{% macro fct_line_document(documents, id_column, number_column, contact_column, date_name, extra_columns=[]) -%}
with documents as (
    select * from {{ org_ref(documents) }}
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
        documents.organization_id || '-' || documents.{{ id_column }} as {{ id_column | replace('_id', '') }}_key,
        documents.organization_id,
        documents.{{ id_column }},
        documents.{{ number_column }},
        documents.{{ contact_column }},
        documents.reference_number,
        documents.status,
        {%- for column in extra_columns %}
        documents.{{ column }},
        {%- endfor %}
        documents.is_posting,
        documents.document_date as {{ date_name }},
        documents.due_date,
        documents.currency_code as transaction_currency,
        documents.exchange_rate,
        documents.sub_total as sub_total_transaction,
        documents.tax_total as tax_total_transaction,
        documents.discount_total as discount_total_transaction,
        documents.shipping_charge as shipping_charge_transaction,
        documents.adjustment as adjustment_transaction,
        documents.total as total_transaction,
        documents.balance as balance_transaction,
        organizations.base_currency_code as base_currency,
        documents.bcy_sub_total as sub_total_base,
        documents.bcy_tax_total as tax_total_base,
        documents.bcy_total as total_base,
        {{ to_base('documents.balance', 'documents.exchange_rate') }} as balance_base,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        reporting_rates.reporting_rate,
        {{ to_reporting('documents.bcy_sub_total') }} as sub_total_reporting,
        {{ to_reporting('documents.bcy_tax_total') }} as tax_total_reporting,
        {{ to_reporting('documents.bcy_total') }} as total_reporting,
        {{ to_reporting(to_base('documents.balance', 'documents.exchange_rate')) }} as balance_reporting,
        documents._synced_at,
        documents._zoho_organization_id,
        documents._zoho_source_id,
        documents._load_id
    from documents
    left join organizations on documents.organization_id = organizations.organization_id
    left join reporting_rates
        on documents.organization_id = reporting_rates.organization_id
        and documents.document_date = reporting_rates.rate_date
)

select * from final
{%- endmacro %}

{#- Line facts: a line's base amount is its cumulative-rounding piece (lines come first in the piece order),
    so line bases add up to bcy_sub_total exactly, as in the ledger. -#}
{% macro fct_document_lines(documents, lines, id_column, date_name) -%}
with documents as (
    select * from {{ org_ref(documents) }}
    where not is_deleted
),

lines as (
    select * from {{ org_ref(lines) }}
),

organizations as (
    select * from {{ org_ref('dim_organizations') }}
),

reporting_rates as (
    select * from {{ org_ref('int_reporting_rates_daily') }}
),

pieces as (
    select
        lines.*,
        lines.{{ id_column }} as document_id,
        lines.line_index as piece_index,
        lines.item_total as amount,
        documents.exchange_rate
    from lines
    inner join documents
        on lines.organization_id = documents.organization_id and lines.{{ id_column }} = documents.{{ id_column }}
),

based as (
    {{ cumulative_base('pieces') }}
),

-- The same lines at what their account is posted: net of the tax a tax-inclusive price holds (D100), in the
-- ledger's own cumulative rounding, so a line's net base equals its income or expense line in the ledger.
net_pieces as (
    select
        organization_id,
        document_id,
        piece_index,
        line_item_id,
        amount_excluding_tax as amount,
        exchange_rate
    from pieces
),

net_based as (
    {{ cumulative_base('net_pieces') }}
),

final as (
    select
        based.organization_id || '-' || based.line_item_id as line_key,
        based.organization_id,
        based.{{ id_column }},
        based.line_item_id,
        based.line_index,
        based.item_id,
        based.account_id,
        based.tax_id,
        based.item_name,
        based.cost_center,
        documents.status,
        documents.is_posting,
        documents.document_date as {{ date_name }},
        documents.currency_code as transaction_currency,
        based.exchange_rate,
        based.quantity,
        based.rate as rate_transaction,
        based.discount_percent,
        based.tax_percentage,
        based.item_total as item_total_transaction,
        organizations.base_currency_code as base_currency,
        {{ money('based.base_amount') }} as item_total_base,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        reporting_rates.reporting_rate,
        {{ to_reporting('based.base_amount') }} as item_total_reporting,
        based.amount_excluding_tax as net_amount_transaction,
        {{ money('net_based.base_amount') }} as net_amount_base,
        {{ to_reporting('net_based.base_amount') }} as net_amount_reporting,
        documents._synced_at,
        documents._zoho_organization_id,
        based.line_item_id as _zoho_source_id,
        documents._load_id
    from based
    inner join net_based
        on based.organization_id = net_based.organization_id and based.line_item_id = net_based.line_item_id
    inner join documents
        on based.organization_id = documents.organization_id and based.{{ id_column }} = documents.{{ id_column }}
    left join organizations on based.organization_id = organizations.organization_id
    left join reporting_rates
        on based.organization_id = reporting_rates.organization_id
        and documents.document_date = reporting_rates.rate_date
)

select * from final
{%- endmacro %}

{#- Customer and vendor payments in payment, base and reporting currency. -#}
{% macro fct_payment(payments, contact_column) -%}
with payments as (
    select * from {{ org_ref(payments) }}
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
        payments.organization_id || '-' || payments.payment_id as payment_key,
        payments.organization_id,
        payments.payment_id,
        payments.payment_number,
        payments.{{ contact_column }},
        payments.account_id as bank_account_id,
        payments.payment_mode,
        payments.reference_number,
        payments.payment_date,
        payments.currency_code as transaction_currency,
        payments.exchange_rate,
        payments.amount as amount_transaction,
        payments.bank_charges as bank_charges_transaction,
        organizations.base_currency_code as base_currency,
        payments.bcy_amount as amount_base,
        {{ to_base('payments.bank_charges', 'payments.exchange_rate') }} as bank_charges_base,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        reporting_rates.reporting_rate,
        {{ to_reporting('payments.bcy_amount') }} as amount_reporting,
        {{ to_reporting(to_base('payments.bank_charges', 'payments.exchange_rate')) }} as bank_charges_reporting,
        payments._synced_at,
        payments._zoho_organization_id,
        payments._zoho_source_id,
        payments._load_id
    from payments
    left join organizations on payments.organization_id = organizations.organization_id
    left join reporting_rates
        on payments.organization_id = reporting_rates.organization_id
        and payments.payment_date = reporting_rates.rate_date
)

select * from final
{%- endmacro %}
