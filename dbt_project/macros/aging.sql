{#- Aging bucket of an open document from its days past due on the as-of date. -#}
{% macro aging_bucket(days_past_due) -%}
    case
        when {{ days_past_due }} <= 0 then 'current'
        when {{ days_past_due }} <= 30 then '1-30'
        when {{ days_past_due }} <= 60 then '31-60'
        when {{ days_past_due }} <= 90 then '61-90'
        else 'over_90'
    end
{%- endmacro %}

{#- Open documents on the as-of date (var as_of_date, default today): total less what was settled on or before
    it. The outstanding base amount is carried at the document's own rate (as the ledger's receivable/payable
    is); reporting translates it at the as-of date's rate. -#}
{% macro aging_report(documents, id_column, number_column, contact_column, settlements) -%}
with documents as (
    select * from {{ org_ref(documents) }}
    where is_posting and not is_deleted and document_date <= {{ as_of_date() }}
),

settlements as (
    {{ settlements }}
),

settled as (
    select organization_id, document_id, sum(amount) as settled_amount
    from settlements
    where settled_on <= {{ as_of_date() }}
    group by organization_id, document_id
),

organizations as (
    select * from {{ org_ref('dim_organizations') }}
),

reporting_rates as (
    select * from {{ org_ref('int_reporting_rates_daily') }}
),

open_documents as (
    select
        documents.*,
        documents.total - coalesce(settled.settled_amount, 0) as outstanding_transaction,
        {{ days_between('coalesce(documents.due_date, documents.document_date)', as_of_date()) }} as days_past_due
    from documents
    left join settled
        on documents.organization_id = settled.organization_id and documents.{{ id_column }} = settled.document_id
),

final as (
    select
        open_documents.organization_id || '-' || open_documents.{{ id_column }} as aging_key,
        open_documents.organization_id,
        {{ as_of_date() }} as as_of_date,
        open_documents.{{ id_column }},
        open_documents.{{ number_column }},
        open_documents.{{ contact_column }},
        open_documents.document_date,
        open_documents.due_date,
        open_documents.days_past_due,
        {{ aging_bucket('open_documents.days_past_due') }} as aging_bucket,
        open_documents.currency_code as transaction_currency,
        open_documents.exchange_rate,
        {{ money('open_documents.outstanding_transaction') }} as outstanding_transaction,
        organizations.base_currency_code as base_currency,
        {{ to_base('open_documents.outstanding_transaction', 'open_documents.exchange_rate') }} as outstanding_base,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        reporting_rates.reporting_rate,
        {{ to_reporting(to_base('open_documents.outstanding_transaction', 'open_documents.exchange_rate')) }} as outstanding_reporting,
        open_documents._synced_at,
        open_documents._zoho_organization_id,
        open_documents._zoho_source_id,
        open_documents._load_id
    from open_documents
    left join organizations on open_documents.organization_id = organizations.organization_id
    left join reporting_rates
        on open_documents.organization_id = reporting_rates.organization_id
        and least({{ as_of_date() }}, current_date) = reporting_rates.rate_date
    where open_documents.outstanding_transaction <> 0
)

select * from final
{%- endmacro %}
