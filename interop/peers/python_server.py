"""python-websockets (Debian's python3-websockets) as an interop server for wsflow's client.

Listens on 127.0.0.1 on a port the system picks, prints {"port": N} on one line once listening,
and exits when its standard input closes. Every route takes ?id=ID, under which the server
records the close it saw (code and reason); GET /report?id=ID answers that record as JSON once
the connection has ended.

  /echo        every message back, as one frame
  /fragmented  every message back, in three fragments
  /close       closes at once with ?code= and ?reason=

Options: --compression deflate|none (permessage-deflate offered by the client is accepted or not).
"""

import argparse
import asyncio
import http
import json
import sys
import urllib.parse

import websockets

FRAGMENTS = 3
MAX_SIZE = 64 * 1024 * 1024
closes = {}
ended = {}


def ended_event(connection_id):
    return ended.setdefault(connection_id, asyncio.Event())


def parse(path):
    url = urllib.parse.urlsplit(path)
    query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
    return url.path, query


def fragments(message):
    """Three parts of about equal size (on character boundaries for text)."""
    n = len(message)
    cuts = [n * i // FRAGMENTS for i in range(FRAGMENTS + 1)]
    return [message[cuts[i] : cuts[i + 1]] for i in range(FRAGMENTS)]


async def process_request(path, headers):
    route, query = parse(path)
    if route != "/report":
        return None
    connection_id = query.get("id", "")
    await ended_event(connection_id).wait()
    body = json.dumps(closes[connection_id]).encode()
    return http.HTTPStatus.OK, [("Content-Type", "application/json")], body


async def handler(websocket):
    route, query = parse(websocket.path)
    try:
        if route == "/close":
            await websocket.close(int(query["code"]), query.get("reason", ""))
        else:
            async for message in websocket:
                if route == "/fragmented":
                    await websocket.send(fragments(message))
                else:
                    await websocket.send(message)
    except websockets.ConnectionClosed:
        pass
    finally:
        await websocket.wait_closed()
        connection_id = query.get("id")
        if connection_id is not None:
            closes[connection_id] = {"code": websocket.close_code, "reason": websocket.close_reason}
            ended_event(connection_id).set()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--compression", choices=["deflate", "none"], default="none")
    args = parser.parse_args()
    server = await websockets.serve(
        handler,
        "127.0.0.1",
        0,
        process_request=process_request,
        compression="deflate" if args.compression == "deflate" else None,
        max_size=MAX_SIZE,
        ping_interval=None,
    )
    print(json.dumps({"port": server.sockets[0].getsockname()[1]}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
