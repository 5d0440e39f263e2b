"""The one approval mechanism (审批): applications, change requests, plugin enablement, data
downloads and ops access are all requests of a type, decided by whom a Casbin policy names."""
