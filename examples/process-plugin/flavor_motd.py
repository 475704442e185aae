#!/usr/bin/env python3
"""A flavor plugin written as a plain process: Python 3 and its standard library, nothing else.

It speaks the InfraKit plugin protocol (JSON-RPC 2.0 over HTTP on a Unix socket, docs/plugin-guide.md)
and implements the Flavor 0.1.0 interface. Its flavor adds one line to each instance's init script,
writing a message of the day, and a tag naming the flavor:

    "Flavor": {"Plugin": "flavor-motd", "Properties": {"Message": "hello"}}

Usage: flavor_motd.py [NAME]     (default NAME: flavor-motd)
The socket is $INFRAKIT_PLUGINS_DIR/NAME, else $INFRAKIT_HOME/plugins/NAME, else ~/.infrakit/plugins/NAME.
"""

import http.server
import json
import os
import shlex
import signal
import socket
import socketserver
import stat
import sys

FLAVOR = {"Name": "Flavor", "Version": "0.1.0"}
HEALTHY = 1


class PluginError(Exception):
    """An error of a method: answered as a JSON-RPC error with code -32000, as Go plugins do."""


def properties(params):
    props = params.get("Properties") or {}
    if not isinstance(props, dict):
        raise PluginError("Properties must be an object")
    message = props.get("Message", "")
    if not isinstance(message, str) or not message:
        raise PluginError("Properties.Message must be a non-empty string")
    return message


def validate(params):
    properties(params)
    return {"Type": params.get("Type", ""), "OK": True}


def prepare(params):
    message = properties(params)
    spec = dict(params.get("Spec") or {})
    # the message is quoted for the shell: user input never reaches a shell unquoted
    line = "echo " + shlex.quote(message) + " > /etc/motd"
    spec["Init"] = "\n".join(part for part in (spec.get("Init") or "", line) if part)
    spec["Tags"] = dict(spec.get("Tags") or {}, flavor="motd")
    return {"Type": params.get("Type", ""), "Spec": spec}


def healthy(params):
    return {"Type": params.get("Type", ""), "Health": HEALTHY}


def drain(params):
    return {"Type": params.get("Type", ""), "OK": True}


METHODS = {
    "Handshake.Implements": lambda params: {"APIs": [FLAVOR]},
    "Plugin.Implements": lambda params: {"APIs": [FLAVOR]},
    "Flavor.Validate": validate,
    "Flavor.Prepare": prepare,
    "Flavor.Healthy": healthy,
    "Flavor.Drain": drain,
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the InfraKit clients expect

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > 4 * 1024 * 1024:
            self.answer(413, "text/plain", b"rpc: request body too large\n")
            self.close_connection = True
            return
        body = self.rfile.read(length)
        try:
            request = json.loads(body)
            method = request["method"]
            params = request.get("params") or {}
            if isinstance(params, list):  # Go clients send [params]
                params = params[0] if params else {}
        except (ValueError, KeyError, TypeError) as e:
            self.reply({"jsonrpc": "2.0", "error": {"code": -32700, "message": "bad request: %s" % e, "data": None}, "id": None})
            return
        call = METHODS.get(method)
        if call is None:
            error = {"code": -32000, "message": "rpc: can't find method \"%s\"" % method, "data": None}
            self.reply({"jsonrpc": "2.0", "error": error, "id": request.get("id")})
            return
        try:
            self.reply({"jsonrpc": "2.0", "result": call(params), "id": request.get("id")})
        except PluginError as e:
            self.reply({"jsonrpc": "2.0", "error": {"code": -32000, "message": str(e), "data": None}, "id": request.get("id")})

    def reply(self, message):
        self.answer(200, "application/json", (json.dumps(message) + "\n").encode())

    def answer(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def address_string(self):
        return "unix-socket"

    def log_message(self, fmt, *args):
        sys.stderr.write("flavor-motd: " + (fmt % args) + "\n")


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def plugins_dir():
    if os.environ.get("INFRAKIT_PLUGINS_DIR"):
        return os.environ["INFRAKIT_PLUGINS_DIR"]
    home = os.environ.get("INFRAKIT_HOME") or os.path.join(os.path.expanduser("~"), ".infrakit")
    return os.path.join(home, "plugins")


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "flavor-motd"
    directory = plugins_dir()
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, name)
    if os.path.exists(path):
        if not stat.S_ISSOCK(os.stat(path).st_mode):
            sys.exit("%s exists and is not a socket" % path)
        probe = socket.socket(socket.AF_UNIX)
        try:
            probe.connect(path)
            sys.exit("%s is in use by another process" % path)
        except OSError:
            os.unlink(path)  # stale: its process is gone
        finally:
            probe.close()
    os.umask(0o077)  # the socket is readable and writable by its owner only
    server = Server(path, Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("flavor-motd listening on " + path, flush=True)
    try:
        server.serve_forever()
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
