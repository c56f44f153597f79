// Interop matrix: wsflow's server with the ws client (npm).
import { interopCell } from './helpers/matrix.js';

interopCell({ server: 'wsflow', client: 'ws' });
