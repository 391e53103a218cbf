"""The read side: listings, details, categories, facets and pagination, returned as the response schemas."""
