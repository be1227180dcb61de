from __future__ import annotations

from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies import images
from townsquare.agencies.models import AgencyPost, AgencyPostImage
from townsquare.core import audit
from townsquare.core.errors import Conflict, Forbidden, NotFound

MAX_IMAGES = 10


def attach_image(user: Any, post: AgencyPost, stream: IO[bytes], size: int) -> AgencyPostImage:
    """Attach an image (metadata stripped, see agencies/images.py) to a post."""
    if not policy.can_view_agency_internal(user, post.agency):
        raise NotFound(_("No such post."))
    if not policy.can_publish(user, post.agency):
        raise Forbidden(_("Only the agency's publishers and admins attach images."))
    if post.status == AgencyPost.Status.WITHDRAWN:
        raise Conflict(_("The post has been withdrawn."))
    if post.images.count() >= MAX_IMAGES:
        raise Conflict(_("A post has at most %(count)s images.") % {"count": MAX_IMAGES})
    clean = images.clean(stream, size)
    name = images.store(clean)
    try:
        with transaction.atomic(durable=True):
            image = AgencyPostImage.objects.create(
                post=post, file_name=name, content_type=clean.content_type,
                width=clean.width, height=clean.height, size=len(clean.data), created_by=user)
            audit.record(user, "agencies.image_attached", image, agency=post.agency,
                         post=post.pk, size=len(clean.data))
    except Exception:
        images.path_of(name).unlink(missing_ok=True)  # no file without its row
        raise
    return image
