"""The rulebook: the legal knowledge (numbers, provisions, naming rules, statutory
items, checks) and the localities, as data that drafting, checking, forms, Q&A
guidance and risk screening all read. See ``assistant.rules.rulebook`` for the
query API and corpus/rules/README.md for how to add a rule."""

from assistant.rules.localities import DirectRegistration, Localities, Locality, LocalityError, load_localities
from assistant.rules.naming import NamingRules
from assistant.rules.provisions import Bound, Provision
from assistant.rules.rulebook import (
    KIND_ALIASES,
    KIND_LABELS,
    KINDS,
    ORG_TYPE_ALIASES,
    ORG_TYPES,
    SEVERITY_LABELS,
    Rule,
    Rulebook,
    RulebookError,
    load_rulebook,
)

__all__ = [
    "KIND_ALIASES", "KIND_LABELS", "KINDS", "ORG_TYPE_ALIASES", "ORG_TYPES", "SEVERITY_LABELS", "Bound",
    "DirectRegistration", "Localities", "Locality", "LocalityError", "NamingRules", "Provision", "Rule", "Rulebook",
    "RulebookError", "load_localities", "load_rulebook",
]
