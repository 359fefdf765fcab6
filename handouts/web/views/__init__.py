"""The page's request handlers, by page: each is `async def name(web, request)`
with `web` the server's shared `state.Web`; app.create_app binds them to routes.

clinic (my clinic, live preview), printing (what to print), sheets (Red Card
sheets), offices (many offices), results (a job's page and files),
translations (review status, XLIFF, proofs), assets (fonts, thumbnails, the
interface language, error pages).
"""
