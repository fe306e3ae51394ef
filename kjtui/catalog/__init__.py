"""Catalog parts, one module an area; kjtui.i18n merges them and refuses a key defined twice."""
