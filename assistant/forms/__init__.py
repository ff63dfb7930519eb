"""Smart form-filling aid (智能填报辅助).

Form definitions live as data in ``corpus/forms/*.yaml``; this package loads
them (definitions), fills them from an organization profile or uploaded
documents (prefill, extraction), explains each field (guidance), checks the
values without any LLM (validators, cross_rules) and writes the result as DOCX
or JSON (output). ``FormFillingService`` in service.py ties the parts together
for the CLI, the UI and the eval.
"""
