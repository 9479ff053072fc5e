/**
 * The contract of the HTTP APIs (the core node's and the compute node's): one zod schema per request and answer,
 * types inferred from them. The node builds its answers as these types; the client and the compute node parse
 * answers with these schemas ({@link parseAnswer}). Message objects have their own module (messageSchemas.ts).
 */
export * from './computeSchemas.js';
export * from './errorBody.js';
export * from './ipfsSchemas.js';
export * from './fleetSchemas.js';
export * from './nodeSchemas.js';
export * from './parseAnswer.js';
export * from './parseRequest.js';
export * from './priceSchemas.js';
export * from './programSchemas.js';
export * from './rolloutSchemas.js';
export * from './routeAnswers.js';
export * from './queryParams.js';
export * from './verdictSchemas.js';
