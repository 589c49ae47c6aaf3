"""The whole-site benchmark behind ``manage.py bench``: a national data set (data), the pages
requested (pages), their timing and the table (run), and the ``--small`` check (small).

Nothing here is imported by the site itself: it runs from the command and the tests only.
"""
