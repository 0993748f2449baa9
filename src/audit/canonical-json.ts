/**
 * Canonical JSON for hashing audit entries: the one implementation in `src/core` (shared with plan digests, so
 * every digest in the system is computed over the same form).
 */
export { canonicalJson } from '../core/canonical-json';
