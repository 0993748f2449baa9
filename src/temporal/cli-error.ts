/** Raised when `TEMPORAL_CLI_PATH` is set but unusable, or when building the Temporal CLI fails. */
export class TemporalCliError extends Error {
  override readonly name = 'TemporalCliError';
}
