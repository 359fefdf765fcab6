"""handouts: print-ready multilingual patient handouts for LA County clinics.

The library: load content and facts, render a job to PDF bytes, build many jobs
into a folder. The command line (`handouts.cli`) is a thin layer over it.
"""

__version__ = "0.1.0"
