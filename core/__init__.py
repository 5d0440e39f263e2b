"""Platform kernel: settings, data, tenancy, stores, object storage (平台内核)."""
