from townsquare.notifications.models.deliveries import Delivery
from townsquare.notifications.models.fanouts import FanoutJob
from townsquare.notifications.models.preferences import NotificationPreference
from townsquare.notifications.models.push import PushSubscription

__all__ = ["Delivery", "FanoutJob", "NotificationPreference", "PushSubscription"]
