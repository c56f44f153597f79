"""A python-websockets echo server per permessage-deflate variant, for wsflow's client tests.

Listens on 127.0.0.1, one port per variant, prints {"variant": port, ...} on one line once
listening, and exits when stdin closes.
"""

import asyncio
import json
import sys

import websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory as Server

VARIANTS = {
    "default": {},
    "none": {"compression": None},
    "server_max_window_bits=10": {"extensions": [Server(server_max_window_bits=10)]},
    "client_max_window_bits=9": {"extensions": [Server(client_max_window_bits=9)]},
    "server_no_context_takeover": {"extensions": [Server(server_no_context_takeover=True)]},
    "client_no_context_takeover": {"extensions": [Server(client_no_context_takeover=True)]},
    "all": {
        "extensions": [
            Server(
                server_no_context_takeover=True,
                client_no_context_takeover=True,
                server_max_window_bits=9,
                client_max_window_bits=9,
            )
        ]
    },
}


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main():
    ports = {}
    for variant, options in VARIANTS.items():
        server = await websockets.serve(echo, "127.0.0.1", 0, **options)
        ports[variant] = server.sockets[0].getsockname()[1]
    print(json.dumps(ports), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main())
