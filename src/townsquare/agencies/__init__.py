"""Public agencies: verified agencies and their staff, targeted agency posts, the inbox,
replies and thanks on agency posts, reach, exports. See docs/agencies.md."""
