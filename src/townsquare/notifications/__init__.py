"""Notifications: preferences, the delivery engine, and the channels (inbox, email, web push).

See docs/notifications.md and docs/adr/0001-background-work-and-delivery.md.
"""
