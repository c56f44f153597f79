// Interop matrix: wsflow's server with wsflow's own client (openWebSocket).
import { interopCell } from './helpers/matrix.js';

interopCell({ server: 'wsflow', client: 'wsflow' });
