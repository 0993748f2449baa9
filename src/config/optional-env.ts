/** Shared zod building block for environment variables. */
import { z } from 'zod';

/**
 * An optional variable where empty and blank count as unset (trimmed otherwise), so `GENESYS_REGION=` or
 * `TEMPORAL_API_KEY=` in a compose file means "not set" rather than an invalid value or a switched-on feature.
 */
export const optionalEnv = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
  z.string().optional(),
);
