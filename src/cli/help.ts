// Command line: the --help text of each command, with examples.

/** `wsflow --help`. */
export const MAIN_HELP = `Usage: wsflow <command> [options]

A WebSocket client and server on the command line.

Commands:
  connect URL    talk to a WebSocket server: type lines, or pipe them
  serve          run a WebSocket server: echo, broadcast, or a program per connection

Options:
  -h, --help     this text; 'wsflow <command> --help' for a command's options
  -v, --version  the version

Examples:
  wsflow serve --port 8080
  wsflow connect ws://127.0.0.1:8080
  echo hello | wsflow connect ws://127.0.0.1:8080

Exit codes: 0 normal close, 1 failure, 2 usage, 3 connection refused, 4 handshake rejected,
5 protocol error, 6 timeout, 7 abnormal close (1006), 8 closed with an error code.
`;

/** `wsflow connect --help`. */
export const CONNECT_HELP = `Usage: wsflow connect [options] URL

Connects to URL (ws:// or wss://). On a terminal: a prompt, and what arrives is printed as it
comes (Ctrl-D closes). Otherwise each line of stdin is sent as a message, each message received
is written to stdout as a line, and the command exits once stdin ends and the close handshake
is done.

Options:
  -H, --header 'Name: value'  add a request header (repeatable)
      --auth user:password    Basic authentication
  -s, --subprotocol NAME      offer a subprotocol (repeatable, in order of preference)
      --binary                send lines as binary messages; write binary messages as raw bytes
      --hex                   lines are hex, sent as binary; binary messages are written as hex
      --base64                lines are base64, sent as binary; binary messages as base64
      --compress              offer permessage-deflate (the default)
      --no-compress           do not offer permessage-deflate
      --ping-interval TIME    ping after TIME without traffic (e.g. 20s)
      --ping-timeout TIME     with --ping-interval: no answer within TIME fails the connection
      --max-message-size SIZE larger messages close the connection with 1009 (default 16m)
      --show-control          show pings, pongs, and the close code and reason
      --ca FILE               trust this CA certificate (PEM) for wss://
  -k, --insecure              do not check the server's certificate
      --connect-timeout TIME  give up on the opening handshake after TIME (default 10s)
      --json                  one JSON object per event on stdout (open, message, close, ...)
      --reconnect             reconnect after the connection is lost, with backoff
  -h, --help                  this text

TIME is 500ms, 5s, 1m or a number of seconds. SIZE is bytes, or 64k, 16m.

Examples:
  wsflow connect ws://127.0.0.1:8080/chat
  echo '{"op":"ping"}' | wsflow connect wss://example.com/api --json
  wsflow connect -H 'Authorization: Bearer abc' -s chat.v1 ws://127.0.0.1:8080/chat
  printf '68656c6c6f\\n' | wsflow connect --hex ws://127.0.0.1:8080

Exit codes: 0 normal close, 1 failure, 2 usage, 3 connection refused, 4 handshake rejected,
5 protocol error, 6 timeout, 7 abnormal close (1006), 8 closed with an error code.
`;

/** `wsflow serve --help`. */
export const SERVE_HELP = `Usage: wsflow serve [options]

Runs a WebSocket server. Every path accepts WebSocket connections; a line on stderr tells when
each one opens and closes.

What each connection does (one of):
      --echo                  send every message back (the default)
      --broadcast             send every message to every connected client
      --exec 'CMD ARGS'       run CMD per connection: its stdout lines become messages, messages
                              become its stdin lines; it ends when the socket closes, and the socket
                              closes when it exits (as websocketd; the request is in its
                              environment: REMOTE_ADDR, QUERY_STRING, HTTP_*, ...)

Options:
  -p, --port PORT             the port (default 8080; 0 picks a free one)
      --host HOST             the interface (default 127.0.0.1; 0.0.0.0 for every one)
      --static DIR            serve the files of DIR to plain HTTP requests
      --tls-cert FILE         serve wss:// and https:// with this certificate (PEM)...
      --tls-key FILE          ...and this key (PEM)
      --compress              accept permessage-deflate
      --ping-interval TIME    ping connections after TIME without traffic
      --ping-timeout TIME     with --ping-interval: close those that do not answer within TIME
      --idle-timeout TIME     close connections after TIME without traffic (1001)
      --max-message-size SIZE larger messages close the connection with 1009 (default 16m)
      --max-connections N     more are answered 503 (default 10000)
      --memory-budget SIZE    bound what all connections buffer; shed the largest (1013)
  -q, --quiet                 no line per connection
  -h, --help                  this text

Examples:
  wsflow serve --port 8080
  wsflow serve --broadcast --static ./public
  wsflow serve --exec './count.sh' --port 8080
  wsflow serve --tls-cert cert.pem --tls-key key.pem --port 8443

Ctrl-C (SIGINT) or SIGTERM closes every connection with 1001 and exits 0.
`;
