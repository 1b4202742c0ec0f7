{#- Small shared helpers of the derived general ledger. Rules: docs/ledger-posting-rules.md (the sandbox's
    ml_connector_fakes/world/ledger.py); each rule lives in plain SQL in the model named after its document
    (int_gl_entries__<doc>.sql). A model's "pieces" (account, amount in document currency) come in the
    document's fixed piece order; cumulative rounding turns them into base currency so a document balances
    to the cent: base_k = round(running_k × rate) − round(running_(k−1) × rate). -#}

{#- pieces: organization_id, document_id, piece_index, account_id, amount (document currency, signed),
    cost_center, exchange_rate. Adds base_amount (signed) by cumulative rounding. -#}
{% macro cumulative_base(pieces) -%}
    select
        running.*,
        running.reached_base - coalesce(
            lag(running.reached_base) over (
                partition by running.organization_id, running.document_id order by running.piece_index
            ),
            {{ money(0) }}
        ) as base_amount
    from (
        select
            {{ pieces }}.*,
            {{ to_base(
                'sum(' ~ pieces ~ '.amount) over (partition by ' ~ pieces ~ '.organization_id, ' ~ pieces
                ~ '.document_id order by ' ~ pieces ~ '.piece_index rows between unbounded preceding and current row)',
                pieces ~ '.exchange_rate') }} as reached_base
        from {{ pieces }}
    ) as running
{%- endmacro %}

{#- The ledger columns every per-document model ends with. -#}
{% macro gl_columns(source_type) -%}
        entries.organization_id,
        entries.posting_date,
        entries.account_id,
        cast('{{ source_type }}' as varchar) as source_type,
        entries.document_id as source_id,
        entries.document_number as source_number,
        nullif(entries.contact_id, '') as contact_id,
        nullif(entries.cost_center, '') as cost_center,
        cast(entries.piece_index as integer) as piece_index,
        {{ money('entries.net_base') }} as net_base,
        entries.currency_code as transaction_currency,
        {{ fx_rate('entries.exchange_rate') }} as exchange_rate,
        {{ money('entries.net_transaction') }} as net_transaction,
        entries._synced_at,
        entries._zoho_organization_id,
        entries._zoho_source_id,
        entries._load_id
{%- endmacro %}
