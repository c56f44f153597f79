"""python-websockets (Debian's python3-websockets) as an interop client for wsflow's server.

Driven over standard input and output: one JSON command a line in, one JSON answer a line out,
one connection at a time; exits when its standard input closes. Payloads travel as base64.
It greets with {"ready": true} once started.

  {"op": "open", "url": U, "compression": bool}     -> {"extensions": "..."}
  {"op": "exchange", "kind": K, "fragments": [b64]} -> {"kind": K, "size": N, "sha256": hex}
      sends one message (in fragments when there are several) and answers with the next one
  {"op": "close", "code": C, "reason": R}           -> {"code": C, "reason": R, "wasClean": bool}
  {"op": "closed"}                                  -> the same, once the server closed
  any failure                                       -> {"error": "..."}
"""

import asyncio
import base64
import hashlib
import json
import sys

import websockets

MAX_SIZE = 64 * 1024 * 1024


class Relay:
    def __init__(self):
        self.websocket = None

    async def open(self, url, compression):
        self.websocket = await websockets.connect(
            url,
            compression="deflate" if compression else None,
            max_size=MAX_SIZE,
            ping_interval=None,
        )
        return {"extensions": self.websocket.response_headers.get("Sec-WebSocket-Extensions", "")}

    async def exchange(self, kind, fragments):
        parts = [base64.b64decode(fragment) for fragment in fragments]
        if kind == "text":
            parts = [part.decode("utf-8") for part in parts]
        await self.websocket.send(parts[0] if len(parts) == 1 else parts)
        reply = await self.websocket.recv()
        data = reply.encode("utf-8") if isinstance(reply, str) else reply
        return {
            "kind": "text" if isinstance(reply, str) else "binary",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }

    async def close(self, code, reason):
        await self.websocket.close(code, reason)
        return self.seen()

    async def closed(self):
        await self.websocket.wait_closed()
        return self.seen()

    def seen(self):
        websocket = self.websocket
        return {
            "code": websocket.close_code,
            "reason": websocket.close_reason,
            "wasClean": websocket.close_code != 1006,
        }

    async def run(self, command):
        op = command["op"]
        if op == "open":
            return await self.open(command["url"], command.get("compression", False))
        if op == "exchange":
            return await self.exchange(command["kind"], command["fragments"])
        if op == "close":
            return await self.close(command["code"], command["reason"])
        if op == "closed":
            return await self.closed()
        raise ValueError(f"unknown op {op!r}")


async def main():
    relay = Relay()
    loop = asyncio.get_running_loop()
    print(json.dumps({"ready": True}), flush=True)
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        try:
            answer = await relay.run(json.loads(line))
        except Exception as error:  # every failure goes back to the test as an answer
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
