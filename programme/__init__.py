"""The programme: what spans the domain apps, in one named place above them.

The apps below (patients, teams, sic, careplans, budget, reminders) each hold one part of the
domain and never call up into each other's workflows; what happens across them when a person
acts (including a patient plans the first SIC…) is written here, explicitly, in
`workflows.py`, and called by the pages and the API. The API router, the programme's home page
and the demo data, which read every app, live here too.
"""
