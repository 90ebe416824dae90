"""Helpers the hostile-input tests share (the OpenAPI document, JSON strategies)."""
