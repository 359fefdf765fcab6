"""Multilingual packets: the patient handouts of one language bound into one
tagged PDF. plan.py says what a packet is, bind.py binds one (in a worker),
build.py makes them (builds what they bind, runs the tasks, writes the files).
Import from those modules; nothing is re-exported here, so that importing the
binder (below the build) does not load the orchestration (above it)."""
