"""Risk identification (风险智能识别): screen the organizations a bureau supervises against the
rulebook's risk indicators (corpus/rules/risk.yaml), with evidence, legal basis and suggested action."""
