"""The composition root: the one package that imports assistant, ingest and eval together.

Imports between the top-level packages go one way, ingest <- assistant <- eval <- trialqa (tests/test_layers.py
checks it); features of a higher layer reach assistant's command line and web app as `Extension`s passed in here.
"""
