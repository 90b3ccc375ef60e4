"""The integration API under /api/v1/ (issue 22): read plans, periods, participants, criteria, readings, standings,
nominations and decisions, and write readings in batches, for other systems holding a token issued by quản trị."""
