"""`litextract serve`: the reviewer's workspace, a small local web app over a review.

Server-rendered pages (Starlette + Jinja2, autoescaped) and a little plain JS, all shipped
in this package: no CDN, no build step. Every save is a correction version in the review
store, written by the same code as `litextract correct`. The app is made by
`server.create_app` and run by `server.run`.
"""
