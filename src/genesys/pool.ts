/**
 * The call loop over one or more tokens ({@link GenesysSession}s): each attempt goes to the token whose pacer
 * frees first; a 401 logs that token in again (once per call); a 429 is waited out — heartbeating through the
 * caller's hooks and stopping on cancellation — and retried until the call's time budget is spent, so throttling
 * never uses up a Temporal attempt. Other failures (5xx, network, 4xx) are thrown at once for the caller's retry
 * policy, as before.
 */
import { GenesysApiError } from './api-error';
import { PacerDeadlineError } from './pacer';
import type { GenesysClientLogger, GenesysResponse, GenesysSession } from './session';
import type { WaitClock, WaitHooks } from './wait';

/** One 429 seen by a call (for a metric or a log line). */
export interface ThrottleEvent {
  clientId: string;
  /** `Retry-After` of the 429, when it had one. */
  retryAfterSeconds?: number;
  /** 429s this call has met so far. */
  attempt: number;
}

/** Settings of a {@link SessionPool}. */
export interface SessionPoolOptions {
  clock: WaitClock;
  logger: GenesysClientLogger;
  hooks?: WaitHooks;
  /** How long one call may wait out 429s before the 429 is thrown; 0 throws the first 429. */
  callBudgetMs: number;
  onThrottled?: (event: ThrottleEvent) => void;
}

/** Picks a token per attempt and runs the call loop. */
export class SessionPool<A> {
  private next = 0;

  constructor(
    readonly sessions: readonly GenesysSession<A>[],
    private readonly opts: SessionPoolOptions,
  ) {
    if (sessions.length === 0) throw new Error('a Genesys client needs at least one OAuth client');
  }

  /** Logs every token in (one after the other, so a pool does not burst the token endpoint). */
  async loginAll(): Promise<void> {
    for (const s of this.sessions) await s.login(this.opts.hooks);
  }

  /**
   * Runs `fn` with the APIs of the token that is free first.
   *
   * @throws {@link GenesysApiError} for every failure, a 429 only once the call's budget is spent (its
   * `retryAfterSeconds` says when to come back); the cancellation reason if the caller is cancelled.
   */
  async call<T>(fn: (api: A) => Promise<T>): Promise<GenesysResponse<T>> {
    const { clock, hooks, logger } = this.opts;
    const deadline = clock.now() + this.opts.callBudgetMs;
    const reloggedIn = new Set<GenesysSession<A>>();
    let throttles = 0;
    let lastThrottle: GenesysApiError | undefined;
    for (;;) {
      const session = this.pick();
      await session.ensureFresh(hooks);
      const seen = session.generation;
      try {
        return await session.send(fn, hooks, deadline);
      } catch (err) {
        if (err instanceof PacerDeadlineError) throw lastThrottle ?? budgetSpent(err, this.opts.callBudgetMs);
        if (!(err instanceof GenesysApiError)) throw err; // cancellation
        if (err.status === 401 && !reloggedIn.has(session)) {
          // Client-credentials tokens are never refreshed by the SDK: an expired or revoked token gives a 401 and
          // we must log in again ourselves. Once per token per call, so wrong permissions cannot loop.
          reloggedIn.add(session);
          logger.warn({ clientId: session.clientId, code: err.code }, 'Genesys token refused; logging in again');
          await session.reloginIfStale(seen, hooks);
          continue;
        }
        if (err.status !== 429) throw err;
        throttles += 1;
        lastThrottle = err;
        this.opts.onThrottled?.({
          clientId: session.clientId,
          attempt: throttles,
          ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
        });
        logger.warn(
          { clientId: session.clientId, retryAfterSeconds: err.retryAfterSeconds, attempt: throttles },
          'Genesys answered 429; waiting it out',
        );
        if (clock.now() >= deadline) throw err;
        // The next attempt waits in the pacer, which the 429 has blocked until Retry-After (or a back-off).
      }
    }
  }

  /** The token whose pacer frees first; ties go round-robin so an idle pool spreads its calls. */
  private pick(): GenesysSession<A> {
    const n = this.sessions.length;
    if (n === 1) return this.sessions[0];
    let best = this.sessions[this.next % n];
    let bestDelay = best.pacer.peekDelay();
    for (let i = 1; i < n && bestDelay > 0; i++) {
      const s = this.sessions[(this.next + i) % n];
      const delay = s.pacer.peekDelay();
      if (delay < bestDelay) {
        best = s;
        bestDelay = delay;
      }
    }
    this.next = (this.sessions.indexOf(best) + 1) % n;
    return best;
  }
}

function budgetSpent(err: PacerDeadlineError, budgetMs: number): GenesysApiError {
  const retryAfterSeconds = Math.ceil(err.waitMs / 1000);
  return new GenesysApiError({
    status: 429,
    code: 'too.many.requests',
    message: `Genesys rate limit: the next call is allowed in ${retryAfterSeconds} s, beyond this call's budget of ${Math.round(budgetMs / 1000)} s`,
    retryAfterSeconds,
  });
}
