// Interop matrix: wsflow's client (openWebSocket) with the python-websockets server (Debian), a child
// process.
import { interopCell } from './helpers/matrix.js';

interopCell({ server: 'python', client: 'wsflow' });
