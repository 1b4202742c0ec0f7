{#- Zoho's documented account types (about 40) folded into the five classes of the accounting equation,
    plus the types real charts show beyond the documents (stock, payment_clearing, input_tax, output_tax,
    overseas_tax_payable). A type nobody has seen yet is 'unclassified': visible in every report and
    flagged by a warning test (D50), never a failed build. -#}
{% macro account_class(account_type) -%}
    case
        when {{ account_type }} in (
            'income', 'other_income', 'finance_income', 'other_comprehensive_income'
        ) then 'income'
        when {{ account_type }} in (
            'expense', 'cost_of_goods_sold', 'other_expense', 'manufacturing_expense', 'impairment_expense',
            'depreciation_expense', 'employee_benefit_expense', 'lease_expense', 'finance_expense', 'tax_expense'
        ) then 'expense'
        when {{ account_type }} in ('equity') then 'equity'
        when {{ account_type }} in (
            'bank', 'cash', 'accounts_receivable', 'other_current_asset', 'fixed_asset', 'stock',
            'other_asset', 'payment_clearing', 'input_tax', 'intangible_asset', 'right_to_use_asset',
            'financial_asset', 'contingent_asset', 'contract_asset'
        ) then 'asset'
        when {{ account_type }} in (
            'accounts_payable', 'other_current_liability', 'credit_card', 'long_term_liability',
            'other_liability', 'output_tax', 'loans_and_borrowing', 'lease_liability', 'overseas_tax_payable',
            'contract_liability', 'refund_liability', 'employee_benefit_liability', 'contingent_liability',
            'financial_liability'
        ) then 'liability'
        else 'unclassified'
    end
{%- endmacro %}
