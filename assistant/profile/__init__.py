"""The organization profile (组织概况) shared by drafting, form-filling and checking.

  schema     OrgProfile and its parts (structure: pydantic types), field labels
  problems   ProfileProblem / ProfileError, structure errors in Chinese
  checks     profile_problems(profile, rulebook): the legal and model-charter rules,
             every number and basis asked of the rulebook
  defaults   complete_profile (numbers left out, from the rulebook), type_defaults (UI)
  files      load_profile, load_profile_data, validate_profile_data, save_profile_data
  examples   example_profiles: one starting profile per type (corpus/profiles)
  readback   profile_from_facts: a profile read back from a charter or a filed form
"""

from assistant.profile.checks import id_number_problem, profile_problems, rulebook_for
from assistant.profile.defaults import complete_profile, type_defaults
from assistant.profile.examples import ExampleProfile, example_profiles, load_example
from assistant.profile.files import (
    PROFILE_SUFFIXES,
    keep_unasked,
    load_profile,
    load_profile_data,
    profile_file_text,
    save_profile_data,
    validate_profile_data,
)
from assistant.profile.readback import ReadBack, profile_from_facts
from assistant.profile.problems import ProfileError, ProfileProblem, blocking, problems_from_validation_error
from assistant.profile.schema import (
    FIELD_LABELS,
    Assembly,
    Council,
    Founder,
    Funds,
    Governance,
    Leadership,
    Members,
    OrgProfile,
    PartyBuilding,
    Person,
    StandingCouncil,
    Supervision,
    field_label,
    parse_ratio,
)

__all__ = [
    "PROFILE_SUFFIXES", "ExampleProfile", "ReadBack", "example_profiles", "keep_unasked", "load_example", "profile_file_text",
    "profile_from_facts", "save_profile_data",
    "FIELD_LABELS", "Assembly", "Council", "Founder", "Funds", "Governance", "Leadership", "Members", "OrgProfile",
    "PartyBuilding", "Person", "ProfileError", "ProfileProblem", "StandingCouncil", "Supervision", "blocking",
    "complete_profile", "field_label", "id_number_problem", "load_profile", "load_profile_data", "parse_ratio",
    "problems_from_validation_error", "profile_problems", "rulebook_for", "type_defaults", "validate_profile_data",
]
