"""Authorization (授权): Casbin RBAC with domains and deny override, one enforcer per domain.

A domain is ``hq`` (the head office) or ``t<tenant id>``. Role grants may also name a region
(``region:<code>``): a regulator or supervisor granted a region holds that role in every
tenant of the region and below.
"""
