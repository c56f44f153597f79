// Interop matrix: wsflow's server with the python-websockets client (Debian), a child process.
import { interopCell } from './helpers/matrix.js';

interopCell({ server: 'wsflow', client: 'python' });
