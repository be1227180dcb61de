from townsquare.accounts.models.residents import Resident
from townsquare.accounts.models.tokens import ApiToken
from townsquare.accounts.models.users import User
from townsquare.accounts.models.verification import Invitation, PostcardBatch, VerificationCode

__all__ = ["ApiToken", "Invitation", "PostcardBatch", "Resident", "User", "VerificationCode"]
