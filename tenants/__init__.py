"""Sub-platform lifecycle (分平台全生命周期): applications, provisioning, penalties, and the data
each tenant owns. The tenant registry itself is kernel: :mod:`core.tenancy`."""
