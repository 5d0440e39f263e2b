"""Optional features (插件) head office may grant a tenant, each with its routes and page blocks."""
