"""GET /custom-data, PUT /custom-data and GET /custom-data/history: the hooks' custom data.

Wiring only: the routes are in the shared layer (dahooks.storage.api), next to the storage they serve.
"""

from dahooks.storage.api import CustomDataApi

handler = CustomDataApi()
