"""Vern: a municipal platform against domestic violence and negative social control."""
