"""Project-wide API plumbing: authentication, permission, errors, parsing, paging, body limit, docs.

The endpoints themselves live with their apps (tasks.api, notifications.api); this package holds what
every endpoint shares, wired through REST_FRAMEWORK in tracker/settings.py.
"""
