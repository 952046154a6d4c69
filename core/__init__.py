"""
The base every app of the site builds on: the audit log of moderation acts and its action codes,
the text pipeline, input cleaning, links and "where to send the member back". It imports no other
app of the project (the import contract in ``.importlinter`` holds it to that).
"""
