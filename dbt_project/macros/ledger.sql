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

{#- The ledger columns every per-document model ends with. source_type: the model's document kind, or none
    where each entry carries its own (entries.source_type: bank transactions). -#}
{% macro gl_columns(source_type=none) -%}
        entries.organization_id,
        entries.posting_date,
        entries.account_id,
        {% if source_type is none -%}
            cast(entries.source_type as varchar)
        {%- else -%}
            cast('{{ source_type }}' as varchar)
        {%- endif %} as source_type,
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

{#- A priced document's ledger entries, shared by invoices, credit notes, bills, vendor credits and expenses.
    Why a macro: those five models posted their pieces with the same thirty-odd lines (piece index, cumulative
    rounding, the counter-entry after the pieces, the header's columns), written out five times; a fix to one
    had to be made in all five. The rule itself stays in each model: which pieces, their accounts and order
    (the model's `<doc>_pieces` CTE), which side they post to and what the counter-entry is.

    documents: the model's CTE of document headers (organization_id, <document_id>, exchange_rate, bcy_total,
        total, currency_code, the posting date, number and contact columns, _synced_at, _zoho_organization_id,
        _zoho_source_id, _load_id).
    pieces: the model's CTE of pieces (organization_id, document_id, piece_group, piece_order, account_id,
        amount in document currency, cost_center), numbered here by piece_group then piece_order.
    pieces_are: 'debits' (an amount's sign as posted) or 'credits' (a positive amount posts as a credit).
    counter_role: the system account (the model's `system_accounts` CTE) the counter-entry posts to, for
        bcy_total on the other side of the pieces, after them; or counter_account_column: the document's own
        column naming that account, with counter_cost_center_column its cost center.
    Returns a query of entries (organization_id, document_id, piece_index, account_id, cost_center, net_base,
    net_transaction, posting_date, document_number, contact_id, currency_code, exchange_rate and the lineage
    columns), the zero entries left out, for the model to select `gl_columns` from. -#}
{% macro document_entries(
    documents, document_id, pieces, pieces_are, document_number, contact_id,
    counter_role=none, counter_account_column=none, counter_cost_center_column=none, posting_date='document_date'
) -%}
    {%- if pieces_are not in ('debits', 'credits') -%}
        {{ exceptions.raise_compiler_error("document_entries: pieces_are is 'debits' or 'credits'") }}
    {%- endif -%}
    {%- set piece_sign = '-' if pieces_are == 'credits' else '' -%}
    {%- set counter_sign = '' if pieces_are == 'credits' else '-' -%}
    with pieces as (
        select
            {{ pieces }}.organization_id,
            {{ pieces }}.document_id,
            row_number() over (
                partition by {{ pieces }}.organization_id, {{ pieces }}.document_id
                order by {{ pieces }}.piece_group, {{ pieces }}.piece_order
            ) - 1 as piece_index,
            {{ pieces }}.account_id,
            {{ pieces }}.amount,
            {{ pieces }}.cost_center,
            {{ documents }}.exchange_rate
        from {{ pieces }}
        inner join {{ documents }}
            on
                {{ pieces }}.organization_id = {{ documents }}.organization_id
                and {{ pieces }}.document_id = {{ documents }}.{{ document_id }}
    ),

    based as (
        {{ cumulative_base('pieces') }}
    ),

    piece_counts as (
        select
            organization_id,
            document_id,
            count(*) as pieces
        from pieces
        group by organization_id, document_id
    ),

    posted as (
        select
            based.organization_id,
            based.document_id,
            based.piece_index,
            based.account_id,
            based.cost_center,
            {{ piece_sign }}based.base_amount as net_base,
            {{ piece_sign }}based.amount as net_transaction
        from based
        union all
        -- the counter-entry, after the pieces
        select
            {{ documents }}.organization_id,
            {{ documents }}.{{ document_id }},
            coalesce(piece_counts.pieces, 0),
            {% if counter_role is not none -%}
                system_accounts.account_id,
            {%- else -%}
                {{ documents }}.{{ counter_account_column }},
            {%- endif %}
            {% if counter_cost_center_column is not none -%}
                {{ documents }}.{{ counter_cost_center_column }},
            {%- else -%}
                cast(null as varchar),
            {%- endif %}
            {{ counter_sign }}{{ documents }}.bcy_total,
            {{ counter_sign }}{{ documents }}.total
        from {{ documents }}
        left join piece_counts
            on
                {{ documents }}.organization_id = piece_counts.organization_id
                and {{ documents }}.{{ document_id }} = piece_counts.document_id
        {% if counter_role is not none -%}
            left join system_accounts
                on
                    {{ documents }}.organization_id = system_accounts.organization_id
                    and system_accounts.role = '{{ counter_role }}'
        {%- endif %}
    )

    select
        posted.*,
        {{ documents }}.{{ posting_date }} as posting_date,
        {{ documents }}.{{ document_number }} as document_number,
        {{ documents }}.{{ contact_id }} as contact_id,
        {{ documents }}.currency_code,
        {{ documents }}.exchange_rate,
        {{ documents }}._synced_at,
        {{ documents }}._zoho_organization_id,
        {{ documents }}._zoho_source_id,
        {{ documents }}._load_id
    from posted
    inner join {{ documents }}
        on
            posted.organization_id = {{ documents }}.organization_id
            and posted.document_id = {{ documents }}.{{ document_id }}
    where posted.net_base <> 0
{%- endmacro %}

{#- A refund's ledger entries, shared by the four refund models (credit note, vendor credit, customer payment and
    vendor payment refunds). Why a macro: each of them balanced its two settled pieces with the same Exchange
    Gain or Loss piece and joined the same header columns, written out four times. The rule stays in each model:
    its `settled_pieces` (piece 0 the bank or cash account at the refund's base amount, piece 1 the account the
    refunded credit waited in, at the refunded document's own rate).

    settled: the model's CTE of settled pieces (organization_id, document_id, piece_index, account_id, net_base,
        net_transaction); the difference of their base amounts posts as piece 2 to `exchange_gain_loss` (the
        model's `system_accounts` CTE), with no transaction amount.
    refund_id: the id column of the model's `refunds` CTE (the refund headers).
    refunded, refunded_key: the model's CTE of the refunded documents and the key it shares with `refunds`;
        the entries take their currency and contact_id (a column of it) from there.
    document_number: an SQL expression over `refunds` and `refunded`.
    Returns entries like document_entries' (no cost center), the zero entries left out. -#}
{% macro refund_entries(settled, refund_id, refunded, refunded_key, document_number, contact_id) -%}
    with exchange_difference as (
        select
            settled.organization_id,
            settled.document_id,
            2 as piece_index,
            system_accounts.account_id,
            -sum(settled.net_base) as net_base,
            {{ money(0) }} as net_transaction
        from {{ settled }} as settled
        left join system_accounts
            on
                settled.organization_id = system_accounts.organization_id
                and system_accounts.role = 'exchange_gain_loss'
        group by settled.organization_id, settled.document_id, system_accounts.account_id
    )

    select
        all_entries.*,
        cast(null as varchar) as cost_center,
        refunds.refund_date as posting_date,
        {{ document_number }} as document_number,
        {{ refunded }}.{{ contact_id }} as contact_id,
        {{ refunded }}.currency_code,
        refunds.exchange_rate,
        refunds._synced_at,
        refunds._zoho_organization_id,
        refunds._zoho_source_id,
        refunds._load_id
    from (
        select * from {{ settled }}
        union all
        select * from exchange_difference
    ) as all_entries
    inner join refunds
        on
            all_entries.organization_id = refunds.organization_id
            and all_entries.document_id = refunds.{{ refund_id }}
    left join {{ refunded }}
        on
            refunds.organization_id = {{ refunded }}.organization_id
            and refunds.{{ refunded_key }} = {{ refunded }}.{{ refunded_key }}
    where all_entries.net_base <> 0
{%- endmacro %}
