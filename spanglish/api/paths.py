"""Path fragments shared by the API's URL patterns.

A strict UUID pattern (not `[0-9a-f-]{36}`): anything else is a 404 from the URL
resolver instead of a 400 from the database lookup, and the OpenAPI schema (which
copies the pattern) only promises identifiers that can exist.
"""

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
