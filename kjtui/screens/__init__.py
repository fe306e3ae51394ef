"""One screen a module. Screens never import peewee: they call kjtui.services in workers."""
