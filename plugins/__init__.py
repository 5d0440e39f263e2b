"""Optional features a tenant may be granted (插件).

A plugin declares itself with a :class:`plugins.registry.PluginSpec`: name, description,
routes, home-page blocks, navigation entries and settings. Every plugin's routes are
registered once for the whole application, behind a guard that answers 404 on any tenant that
has not been granted the plugin, so a plugin upgrade reaches every tenant at once
(seed 000 Art. 19(7)) and exists nowhere it is not enabled.
"""
