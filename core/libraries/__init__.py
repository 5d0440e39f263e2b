"""Shared subject libraries (共享主体库): suppliers, agencies, experts, commodities."""
