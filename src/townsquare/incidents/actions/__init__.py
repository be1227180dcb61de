"""The incidents' writes: the import (docs/incidents.md, "Importing incidents")."""

from townsquare.incidents.actions.importing import ImportResult, import_incidents
from townsquare.incidents.actions.reading import FIELDS, FORMATS, Rejected, publish_block

__all__ = ["FIELDS", "FORMATS", "ImportResult", "Rejected", "import_incidents", "publish_block"]
