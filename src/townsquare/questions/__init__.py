"""Ask the agency: residents' public questions to an agency, neighbors' votes, the agency's
answers and its FAQ. See docs/tips-and-questions.md."""
