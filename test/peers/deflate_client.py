"""A python-websockets client for wsflow's permessage-deflate tests: 127.0.0.1 only.

Usage: deflate_client.py '[[url, variant], ...]'. For each pair it connects with that
compression variant, sends a big text, a big binary and a small text twice, checks the echoes,
and prints one JSON line: {"variant", "url", "extensions" (the 101's Sec-WebSocket-Extensions or
null), "ok", "error"}. Exits when every pair is done.
"""

import asyncio
import json
import sys

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory as Client

TEXT = "python compresses this text. " * 2000
BINARY = bytes((i >> 6) % 7 for i in range(30000))

VARIANTS = {
    "default": {},
    "none": {"compression": None},
    "client_max_window_bits=10": {"extensions": [Client(client_max_window_bits=10)]},
    "server_max_window_bits=11": {"extensions": [Client(server_max_window_bits=11)]},
    "server_max_window_bits=8": {"extensions": [Client(server_max_window_bits=8)]},
    "server_no_context_takeover": {"extensions": [Client(server_no_context_takeover=True)]},
    "client_no_context_takeover": {"extensions": [Client(client_no_context_takeover=True)]},
    "all": {
        "extensions": [
            Client(
                server_no_context_takeover=True,
                client_no_context_takeover=True,
                server_max_window_bits=9,
                client_max_window_bits=9,
            )
        ]
    },
}


async def run(url, variant):
    result = {"variant": variant, "url": url, "extensions": None, "ok": False, "error": None}
    try:
        async with websockets.connect(url, **VARIANTS[variant]) as websocket:
            result["extensions"] = websocket.response_headers.get("Sec-WebSocket-Extensions")
            for _ in range(2):
                for message in (TEXT, BINARY, "ok"):
                    await websocket.send(message)
                    echoed = await websocket.recv()
                    if echoed != message:
                        raise AssertionError(f"echo differs: {len(echoed)} vs {len(message)}")
        result["ok"] = True
    except Exception as exc:  # reported to the test, which fails with it
        result["error"] = repr(exc)
    print(json.dumps(result), flush=True)


async def main():
    for url, variant in json.loads(sys.argv[1]):
        await run(url, variant)


if __name__ == "__main__":
    asyncio.run(main())
