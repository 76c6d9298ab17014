"""The web pages (SPEC §10): server-rendered HTML from the same application and views as
the API, for the people who do the work, in Simplified Chinese and English."""
