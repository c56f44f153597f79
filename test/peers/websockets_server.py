"""A python-websockets server for wsflow's client tests: one process, 127.0.0.1 only.

Serves ws:// on one port and, with --cert and --key, wss:// on another; prints
{"ws": port, "wss": port} on one line once listening; exits when stdin closes.
Paths: /echo, /auth/echo (Basic user:pass), /greet/N, /feed/N, /count, /ping,
/headers;
anything else is answered 404 with a body.
"""

import argparse
import asyncio
import base64
import http
import json
import ssl
import sys

import websockets

CREDENTIALS = "Basic " + base64.b64encode(b"user:pass").decode()
KNOWN = ("/echo", "/auth/echo", "/count", "/ping", "/headers")


async def process_request(path, headers):
    route = path.split("?")[0]
    if route not in KNOWN and not route.startswith(("/greet/", "/feed/")):
        return http.HTTPStatus.NOT_FOUND, [], f"Not Found: {route}\n".encode()
    if route.startswith("/auth/") and headers.get("Authorization") != CREDENTIALS:
        realm = [("WWW-Authenticate", 'Basic realm="wsflow"')]
        return http.HTTPStatus.UNAUTHORIZED, realm, b"Unauthorized\n"
    return None


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def handler(websocket):
    route = websocket.path.split("?")[0]
    if route.startswith("/greet/"):
        for i in range(int(route[len("/greet/"):])):
            await websocket.send(f"greeting {i}")
    elif route.startswith("/feed/"):
        for i in range(int(route[len("/feed/"):])):
            await websocket.send(f"item {i}")
        await websocket.close(1000, "feed done")
        return
    elif route == "/count":
        count = 0
        async for message in websocket:
            if message == "close-me":
                await websocket.close(1000, f"received {count}")
                return
            count += 1
    elif route == "/ping":
        pong = await websocket.ping(b"are you there")
        await pong
        await websocket.send("pong: are you there")
    elif route == "/headers":
        await websocket.send(json.dumps({k.lower(): v for k, v in websocket.request_headers.raw_items()}))
    await echo(websocket)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    options = dict(process_request=process_request, subprotocols=["chat"])
    plain = await websockets.serve(handler, "127.0.0.1", 0, **options)
    ports = {"ws": plain.sockets[0].getsockname()[1]}
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        secure = await websockets.serve(handler, "127.0.0.1", 0, ssl=context, **options)
        ports["wss"] = secure.sockets[0].getsockname()[1]
    print(json.dumps(ports), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main())
