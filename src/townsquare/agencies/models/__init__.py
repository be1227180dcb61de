from townsquare.agencies.models.agencies import Agency, AgencyStaff
from townsquare.agencies.models.drafts import AgencyDraft
from townsquare.agencies.models.engagement import AgencyReply, AgencyThank, InboxRead
from townsquare.agencies.models.posts import AgencyPost, AgencyPostImage, AgencyPostTarget

__all__ = ["Agency", "AgencyDraft", "AgencyPost", "AgencyPostImage", "AgencyPostTarget",
           "AgencyReply", "AgencyStaff", "AgencyThank", "InboxRead"]
