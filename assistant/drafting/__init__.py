"""Charter drafting (章程起草): profile + template -> numbered charter with statutory coverage; DOCX output.

Entry point: ``DraftingService`` (assistant/drafting/service.py), reached as ``Services().drafter``.
"""
