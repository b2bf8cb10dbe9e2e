"""Retrieval, answering, services, command line and web."""
