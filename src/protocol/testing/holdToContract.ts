// Loaded by `npm test` before every test file (scripts/test.mjs, `--import`): what the tests read from a node over
// HTTP (fetch) and over its websocket streams (ws) is held to the API contract.
import './contractedFetch.js';
import './contractedFrames.js';
