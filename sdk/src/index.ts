// @keyward/verifier: verify Keyward-issued JWTs in a Node relying party.
export { KEYWARD_ALGORITHMS, KeywardVerifier, type KeywardVerifierOptions, type VerifyOptions } from './verifier.js';
export type { VerifierHooks, VerifyEvent } from './hooks.js';
export { JwksUnavailableError, KeywardVerificationError, VERIFY_REASONS, type VerifyReason } from './verify-reasons.js';
export type { FetchEvent, FetchTrigger } from './jwks-cache.js';
export type { FailureItem, ReportDroppedEvent, ReportOptions, ReportSentEvent } from './failure-reporter.js';
