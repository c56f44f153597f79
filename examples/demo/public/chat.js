// The chat pane. The page sends {type: 'say', text} and {type: 'rename', name}; the server (its
// schema, then a room actor, then the hub) sends back who we are and what was said before
// ('welcome'), each line of the room ('said', 'joined', 'left', 'renamed') and who is here
// ('presence'). A name comes from ?name= in the page's URL, or the last one used here.

import { openSocket, socketUrl } from './sockets.js';

const NAME_KEY = 'wsflow-demo-name';

/**
 * The names the server's schema allows (chat-protocol.ts): checked here first, since the server
 * refuses a socket with any other (400), and closes one that renames itself so (1007).
 */
const NAME = /^[\p{L}\p{N} ._-]{1,24}$/u;

/** The name to join with: ?name=..., else the one kept from last time, else a guest's. */
function initialName() {
  for (const name of [
    new URLSearchParams(location.search).get('name'),
    localStorage.getItem(NAME_KEY),
  ]) {
    if (name !== null && NAME.test(name.trim())) return name.trim();
  }
  return `guest-${Math.floor(1000 + Math.random() * 9000)}`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Starts the chat pane; returns its socket. */
export function startChat() {
  const log = document.getElementById('chat-log');
  const people = document.getElementById('people');
  const peopleCount = document.getElementById('people-count');
  const text = document.getElementById('chat-text');
  const nameInput = document.getElementById('name');

  let name = initialName();
  let myId = '';
  let lastAt = 0; // the time of the newest line shown: a reconnection adds only newer ones
  nameInput.value = name;

  // A URL function: called before every attempt, so a reconnection joins with the current name.
  const base = socketUrl('chat-socket');
  const socket = openSocket(() => `${base}?name=${encodeURIComponent(name)}`, 'chat-state');

  const scrollToEnd = () => (log.scrollTop = log.scrollHeight);

  /** One line of the log, from the server's ChatLine. */
  const addLine = (line) => {
    lastAt = Math.max(lastAt, line.at);
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = new Date(line.at).toISOString();
    time.textContent = timeFormat.format(line.at);
    if (line.type === 'said') {
      item.className = line.from.id === myId ? 'line mine' : 'line';
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = line.from.name;
      const body = document.createElement('p');
      body.className = 'text';
      body.textContent = line.text;
      item.append(who, time, body);
    } else {
      item.className = 'line notice';
      const what = {
        joined: `${line.who?.name} joined`,
        left: `${line.who?.name} left`,
        renamed: `${line.was} is now ${line.who?.name}`,
      }[line.type];
      item.append(what ?? '', ' ', time);
    }
    log.append(item);
  };

  const addNotice = (message) => {
    const item = document.createElement('li');
    item.className = 'line notice';
    item.textContent = message;
    log.append(item);
  };

  const showPeople = (list) => {
    people.replaceChildren(
      ...list.map((person) => {
        const item = document.createElement('li');
        item.textContent = person.name;
        if (person.id === myId) {
          const you = document.createElement('span');
          you.className = 'you';
          you.textContent = ' (you)';
          item.append(you);
        }
        return item;
      }),
    );
    peopleCount.textContent = String(list.length);
  };

  socket.on('json', ({ value: event }) => {
    if (event.type === 'welcome') {
      const again = myId !== '';
      myId = event.you.id;
      if (again) addNotice('Reconnected.');
      for (const line of event.history) if (line.at > lastAt || !again) addLine(line);
    } else if (event.type === 'presence') {
      showPeople(event.people);
      return;
    } else {
      addLine(event);
    }
    scrollToEnd();
  });
  socket.on('close', ({ code, reason }) => {
    if (code === 1007) addNotice(`The server refused a message: ${reason}`);
  });

  document.getElementById('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const line = text.value.trim();
    if (line === '') return;
    socket.sendJson({ type: 'say', text: line }); // waits in the queue while reconnecting
    text.value = '';
  });

  nameInput.addEventListener('input', () => nameInput.setCustomValidity(''));
  document.getElementById('name-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const next = nameInput.value.trim();
    nameInput.setCustomValidity(NAME.test(next) ? '' : 'Letters, digits, spaces, . _ or -');
    if (!nameInput.reportValidity() || next === name) return;
    name = next;
    localStorage.setItem(NAME_KEY, name);
    socket.sendJson({ type: 'rename', name });
  });

  return socket;
}
