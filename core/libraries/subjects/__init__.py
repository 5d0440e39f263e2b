"""Suppliers and agencies (供应商库、代理机构库): registered once, for every sub-platform."""
