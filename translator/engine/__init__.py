"""The engine: configuration, the SQLite state store, pull/push/poll, status, batch and the demo.

Stages hand off through durable state (the store and the folders), so any pass can be killed and
the next one resumes: a file's folder and a document's row say exactly where it stands.
"""
