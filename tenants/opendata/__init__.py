"""Open data (数据公开与上报): an OCDS 1.1 release per change of a project, its public feed and
records, the national data specification's export, and the checked push upward (001 Art 16)."""
