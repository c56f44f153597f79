// Interop matrix: wsflow's server with headless Chromium (Debian) as the client; the browser cannot send
// fragmented messages, so its fragmented cases fragment the server's reply only.
import { interopCell } from './helpers/matrix.js';

interopCell({ server: 'wsflow', client: 'chromium' });
