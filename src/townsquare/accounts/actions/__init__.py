"""Every write about accounts goes through these functions (views, API, admin, commands)."""

from townsquare.accounts.actions.invitations import accept_invitation, invite_neighbor
from townsquare.accounts.actions.leads import appoint_lead, remove_lead
from townsquare.accounts.actions.operators import change_account
from townsquare.accounts.actions.postcards import redeem_code, request_postcard_batch
from townsquare.accounts.actions.preferences import set_muted_nearby
from townsquare.accounts.actions.signup import signup_resident
from townsquare.accounts.actions.tokens import authenticate_token, issue_token
from townsquare.accounts.actions.verification import verify_resident

__all__ = [
    "accept_invitation",
    "appoint_lead",
    "authenticate_token",
    "change_account",
    "invite_neighbor",
    "issue_token",
    "redeem_code",
    "remove_lead",
    "request_postcard_batch",
    "set_muted_nearby",
    "signup_resident",
    "verify_resident",
]
