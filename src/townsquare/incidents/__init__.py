"""Police incidents: import, categories, and the counts behind the neighborhood and city
crime pages and series detection. See docs/incidents.md."""
