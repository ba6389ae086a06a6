"""Static files: whitenoise, told what a client's Accept-Encoding takes, and hashed names for
the files ES modules import.

whitenoise sends a compressed file to any Accept-Encoding that names the coding, ``br;q=0`` and
``gzip;q=0`` included (it looks for the word). While it serves a file it reads only the codings
the client accepts, with their q-values read as the page cache reads them (``kb.serving.pagecache``).
"""

from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

from .encoding import accepts_coding

COMPRESSED = ("br", "gzip")
HEADER = "HTTP_ACCEPT_ENCODING"


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    @staticmethod
    def serve(static_file, request):
        sent = request.META.get(HEADER, "")
        if "q=" not in sent:
            return WhiteNoiseMiddleware.serve(static_file, request)
        request.META[HEADER] = ", ".join(c for c in COMPRESSED if accepts_coding(sent, c))
        try:
            return WhiteNoiseMiddleware.serve(static_file, request)
        finally:
            request.META[HEADER] = sent


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed files with hashed names, the hashed names also written into the
    ``import`` statements of the JavaScript modules (``search.js`` imports ``suggest.js``), so a
    module's imports change with a release as the module does."""

    support_js_module_import_aggregation = True
