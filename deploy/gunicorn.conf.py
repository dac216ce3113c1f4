"""gunicorn's settings for `make serve` (deploy/serve.sh gives the address, workers and logs).

The site is loaded once in the master process, then the workers are forked
from it: they share its memory until they write to it. Everything loaded by
then is moved out of the garbage collector's sight (`gc.freeze`): a full
collection otherwise walks every imported object, some 200,000, and holds a
request up for about 80 ms every few hundred requests.
"""

import gc

preload_app = True


def when_ready(server):
    gc.freeze()
