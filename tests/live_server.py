"""Serve a Flask app over real HTTP on a free loopback port, in a background thread."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def serve(app: Flask, port: int = 0) -> Iterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT) while the app answers there; stop it afterwards. `port`: a given one
    (to serve an app again where it was), else a free one."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=f"live-{app.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
