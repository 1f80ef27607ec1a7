"""HTTP resources, schemas, errors and the URL table."""
