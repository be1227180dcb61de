"""Statistics for the honest numbers: exact Poisson intervals, the E-test for two Poisson
rates, the weighted displacement difference, and the Knox space-time test. Pure functions
over numbers and arrays (numpy, scipy, statsmodels); no Django, no townsquare imports.
See docs/incidents.md."""
