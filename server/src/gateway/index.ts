// The public HTTP gateway: JWKS and discovery documents, health and readiness probes.

export { closeGateway, createGateway } from './server.js';
export type { GatewayMetrics, GatewayOptions, GatewaySource, PreparedDocument } from './source.js';
export { staleWhileRevalidateSeconds } from './cache-control.js';
