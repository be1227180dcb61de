"""Tips: residents' private and anonymous tips to an agency, two-way by a follow-up code,
and the agency's triage of them. See docs/tips-and-questions.md."""
