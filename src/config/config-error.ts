/** One wrong or missing setting: which variable, and what is wrong with it (never its value). */
export interface ConfigIssue {
  variable: string;
  problem: string;
}

/**
 * Settings are missing or malformed. The message lists every issue as `VARIABLE problem`, so an operator can fix
 * them all in one go; it never contains a secret value.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** What was being loaded, e.g. `Genesys`; used in the message. */
    readonly scope: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`invalid ${scope} settings: ${issues.map((i) => `${i.variable} ${i.problem}`).join('; ')}`);
  }
}
