#!/usr/bin/env python3
"""A sample government service for migration tests: serves its data directory over HTTP (GET) and
stores uploads (PUT /path): a 201 is sent only after the file is written and fsynced, so a 201 is an
acknowledged write. Usage: upload-server.py PORT ADDRESS DATA_DIR [DRAIN_SECONDS]
DRAIN_SECONDS: on SIGTERM, stop taking requests and exit only after that long (a service that drains
and flushes before it stops, so that stopping it takes a while)."""
import http.server, os, sys, functools, signal, time

port, address, root = int(sys.argv[1]), sys.argv[2], os.path.abspath(sys.argv[3])
drain = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0

def on_term(*_):
    # runs in the main thread, so no further request is accepted while it sleeps
    time.sleep(drain)
    os._exit(0)

if drain > 0:
    signal.signal(signal.SIGTERM, on_term)

class Handler(http.server.SimpleHTTPRequestHandler):
    def do_PUT(self):
        rel = self.path.split('?', 1)[0].lstrip('/')
        dest = os.path.abspath(os.path.join(root, rel))
        if not dest.startswith(root + os.sep):
            self.send_error(403); return
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        tmp = dest + '.part'
        with open(tmp, 'wb') as f:
            f.write(body); f.flush(); os.fsync(f.fileno())
        os.replace(tmp, dest)
        self.send_response(201); self.send_header('Content-Length', '0'); self.end_headers()
    def log_message(self, *a):
        pass

http.server.ThreadingHTTPServer.allow_reuse_address = True
http.server.ThreadingHTTPServer((address, port), functools.partial(Handler, directory=root)).serve_forever()
