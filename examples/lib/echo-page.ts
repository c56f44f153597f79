// The page the echo example serves on GET /: a text box, a log, and a WebSocket to the same
// server. Self-contained: no external scripts, styles or fonts.

/** The HTML of the page. */
export const echoPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wsflow echo</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  form { display: flex; gap: .5rem; }
  input { flex: 1; font: inherit; padding: .4rem; }
  button { font: inherit; padding: .4rem 1rem; }
  #status { color: #555; }
  #log { list-style: none; padding: 0; font-family: ui-monospace, monospace; }
  #log li { padding: .2rem 0; border-bottom: 1px solid #eee; white-space: pre-wrap; }
  .sent { color: #06c; } .received { color: #080; } .info { color: #888; }
</style>
</head>
<body>
<h1>wsflow echo</h1>
<p id="status">connecting…</p>
<form id="form">
  <input id="text" autocomplete="off" placeholder="Type a message" autofocus>
  <button>Send</button>
</form>
<ul id="log"></ul>
<script>
  const log = document.getElementById('log');
  const status = document.getElementById('status');
  const input = document.getElementById('text');
  function show(kind, text) {
    const item = document.createElement('li');
    item.className = kind;
    item.textContent = (kind === 'sent' ? '→ ' : kind === 'received' ? '← ' : '') + text;
    log.prepend(item);
  }
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => { status.textContent = 'connected to ' + url; };
  socket.onmessage = (event) => {
    show('received', typeof event.data === 'string' ? event.data : '<' + event.data.byteLength + ' bytes>');
  };
  socket.onclose = (event) => {
    status.textContent = 'closed (' + event.code + (event.reason ? ' ' + event.reason : '') + ')';
  };
  document.getElementById('form').onsubmit = (event) => {
    event.preventDefault();
    if (socket.readyState !== WebSocket.OPEN || input.value === '') return;
    socket.send(input.value);
    show('sent', input.value);
    input.value = '';
  };
</script>
</body>
</html>
`;
