from townsquare.core.models.audit import AuditLog
from townsquare.core.models.ratelimit import RateCounter

__all__ = ["AuditLog", "RateCounter"]
