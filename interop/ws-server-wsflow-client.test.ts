// Interop matrix: wsflow's client (openWebSocket) with the ws server (npm).
import { interopCell } from './helpers/matrix.js';

interopCell({ server: 'ws', client: 'wsflow' });
