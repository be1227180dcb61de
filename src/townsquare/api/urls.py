from ninja import NinjaAPI

api = NinjaAPI(title="townsquare API", version="1", urls_namespace="api")
