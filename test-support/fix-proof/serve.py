"""Serves the fix proof's Python apps on ports from the OS and prints them: PORTS {"key": port, ...}.

  serve.py flask DIR KEY...    one process, each KEY.py's Flask `app` on its own werkzeug server (threaded)
  serve.py fastapi DIR KEY...  one process, each KEY.py's `app` on its own uvicorn server, in one event loop
  serve.py django DIR          one Django project (DIR/settings.py, DIR/urls.py): settings are per process
"""
import asyncio
import importlib
import json
import os
import socket
import sys
import threading


def ports_line(ports):
    print("PORTS " + json.dumps(ports), flush=True)


def serve_flask(keys):
    from werkzeug.serving import make_server

    ports = {}
    for key in keys:
        server = make_server("127.0.0.1", 0, importlib.import_module(key).app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        ports[key] = server.server_port
    ports_line(ports)
    threading.Event().wait()


def serve_fastapi(keys):
    import uvicorn

    async def main():
        servers = []
        ports = {}
        for key in keys:
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            ports[key] = sock.getsockname()[1]
            config = uvicorn.Config(importlib.import_module(key).app, lifespan="off", log_level="critical")
            server = uvicorn.Server(config)
            server.install_signal_handlers = lambda: None
            servers.append(server.serve(sockets=[sock]))
        ports_line(ports)
        await asyncio.gather(*servers)

    asyncio.run(main())


def serve_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    ports_line({"app": server.server_address[1]})
    server.serve_forever()


if __name__ == "__main__":
    kind, folder, keys = sys.argv[1], sys.argv[2], sys.argv[3:]
    sys.path.insert(0, folder)
    {"flask": lambda: serve_flask(keys), "fastapi": lambda: serve_fastapi(keys), "django": serve_django}[kind]()
