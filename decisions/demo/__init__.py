"""Demonstration data: users for every role, PCD 1069 as published, and records at other stages.

Load it with `python manage.py load_demo` (see decisions/demo/loader.py). The data
lives in plain modules (users, pcd1069, records) described by the types in spec.
"""
