/**
 * Directory snapshot activities. Each users page and each group's individuals are stored as one blob under a
 * deterministic key and progress is heartbeated as a tiny cursor, so a retried or crashed attempt resumes where the
 * last one stopped instead of re-reading (and re-spending rate budget on) the whole org.
 *
 * The users listing is verified before anyone plans from it (see `src/core/listing-check.ts`): a listing whose pages
 * do not add up is read again (a bounded number of rounds), then the run fails closed with the problems spelled out.
 */
import { activityInfo, ApplicationFailure, heartbeat, log } from '@temporalio/activity';
import type { DirectoryUser } from '../src/core/directory-user';
import { inLanes } from '../src/core/lanes';
import { checkListing, describeProblems, type PageMeta } from '../src/core/listing-check';
import type { UsersPage } from './directory';
import { blobKeys, type ActivityDeps } from './deps';
import { FAILURE_TYPES } from '../src/core/failure-types';
import { statusOf, toDirectoryFailure } from './failures';
import { makeUserReads } from './user-reads';
import type {
  ReadGroupsInput,
  ReadGroupsResult,
  ResolvedTarget,
  SnapshotUsersInput,
  SnapshotUsersResult,
} from './types';

/** Stored form of one group's observed state. */
export interface ObservedGroup {
  id: string;
  name: string;
  /** From the groups listing `prepareRun` read (the listing carries every group's version). */
  version: number;
  individuals: string[];
}

/** Stored form of one users page: what the page said about the listing, and its users. */
export interface StoredUsersPage {
  meta: PageMeta;
  users: DirectoryUser[];
}

/** Manifest of a verified users snapshot: the blob key of each page, in order. */
export interface UsersManifest {
  pages: string[];
  count: number;
  /** Listing rounds it took to get pages that add up (1 = the first listing was consistent). */
  rounds: number;
}

/** Manifest of the observed groups: group id → blob key of its {@link ObservedGroup}. */
export interface GroupsManifest {
  groups: Record<string, string>;
}

/** Heartbeat of `snapshotUsers`: pages `1..nextPage-1` of listing round `round` are stored and hold `count` users. */
interface UsersCursor {
  nextPage: number;
  count: number;
  round?: number;
}

/** What the listing check needs of a page. */
interface PageDigest {
  meta: PageMeta;
  ids: string[];
  /** Users the `state=active` listing returned without `state: active` (missing or other): unusable data. */
  notActive: number;
}

const digestOf = (page: StoredUsersPage): PageDigest => ({
  meta: page.meta,
  ids: page.users.map((u) => u.id),
  notActive: page.users.filter((u) => u.state !== 'active').length,
});

/** One listing round: the stored pages' keys, what is wrong with them (nothing = usable), distinct users. */
interface Listing {
  problems: string[];
  keys: string[];
  distinct: number;
  notActive: number;
}

/** A late users page refused with 400: offset paging hit a result window; the cursor route takes over. */
class ResultWindowRefusal extends Error {
  constructor(
    readonly page: number,
    message: string,
  ) {
    super(message);
  }
}

/** Listing rounds before the run fails closed on a listing that does not add up. */
export const MAX_LISTING_ROUNDS = 3;
const DEFAULT_READ_CONCURRENCY = 8;

export function makeSnapshotActivities(deps: ActivityDeps) {
  const pageSize = deps.usersPageSize ?? 500;
  const lanes = deps.readConcurrency ?? DEFAULT_READ_CONCURRENCY;
  const { completeExpansions } = makeUserReads(deps);

  async function snapshotUsers({ ctx, expand }: SnapshotUsersInput): Promise<SnapshotUsersResult> {
    const resumed = activityInfo().heartbeatDetails as UsersCursor | undefined;
    const problemsByRound: string[] = [];
    for (let round = resumed?.round ?? 1; round <= MAX_LISTING_ROUNDS; round++) {
      const cursor = resumed?.nextPage && (resumed.round ?? 1) === round ? resumed : undefined;
      const listing = await listOnce(round, cursor);
      const problems = [...listing.problems];
      // Planning treats a user that is not `active` as gone: a listing of active users that says otherwise (or says
      // nothing) would remove them all, so it is a problem like any other.
      if (listing.notActive > 0) {
        problems.push(`${listing.notActive} user(s) in the active-users listing are not marked active`);
      }
      if (problems.length === 0) {
        const manifest: UsersManifest = { pages: listing.keys, count: listing.distinct, rounds: round };
        const stored = await deps.blobs.put(blobKeys.usersManifest(ctx), manifest);
        return { usersRef: stored.ref, count: listing.distinct, pages: listing.keys.length };
      }
      const detail = describeProblems(problems);
      problemsByRound.push(`round ${round}: ${detail}`);
      log.warn('users listing does not add up; listing again', { round, problems: problems.slice(0, 10) });
      heartbeat({ nextPage: 1, count: 0, round: round + 1 } satisfies UsersCursor);
    }
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.snapshotInconsistent,
      nonRetryable: true,
      message:
        `the users listing did not add up in ${MAX_LISTING_ROUNDS} rounds (the directory changed while it was ` +
        `read, or Genesys returned an incomplete page); nothing was planned or written. ${problemsByRound.join(' | ')}`,
    });

    /**
     * One full listing: page 1 tells how many pages there are, the rest are read in parallel lanes. Pages already
     * stored by an earlier attempt of the same round (the heartbeated prefix) are reused.
     */
    async function listOnce(round: number, cursor: UsersCursor | undefined): Promise<Listing> {
      // Only each page's meta and ids are kept here: the users themselves are in the store (memory O(ids)).
      const stored = new Map<number, PageDigest>();
      for (let page = 1; cursor && page < cursor.nextPage; page++) {
        stored.set(page, digestOf(await deps.blobs.get<StoredUsersPage>(blobKeys.usersPage(ctx, page, round))));
      }
      const first = stored.get(1) ?? digestOf(await fetchPage(1, round));
      stored.set(1, first);
      const pageCount = Math.max(1, first.meta.pageCount);
      let prefix = 1;
      let prefixCount = first.ids.length;
      const advance = (): void => {
        while (stored.has(prefix + 1)) prefixCount += stored.get(++prefix)!.ids.length;
        heartbeat({ nextPage: prefix + 1, count: prefixCount, round } satisfies UsersCursor);
      };
      advance();
      // Pages are read up to page 1's pageCount, whatever later pages say: a missing nextUri or an empty page in
      // mid-listing is a problem for the check, never the end of the list.
      const todo = Array.from({ length: pageCount }, (_, i) => i + 1).filter((page) => !stored.has(page));
      try {
        await inLanes(todo, lanes, async (page) => {
          stored.set(page, digestOf(await fetchPage(page, round)));
          advance();
        });
      } catch (err) {
        if (!(err instanceof ResultWindowRefusal)) throw err;
        log.warn('offset paging refused past a result window; listing by cursor', { page: err.page, round });
        return listByCursor(round, first.meta.total, err);
      }
      const metas: PageMeta[] = [];
      const keys: string[] = [];
      const ids = new Set<string>();
      let notActive = 0;
      for (let page = 1; page <= pageCount; page++) {
        const digest = stored.get(page)!;
        metas.push(digest.meta);
        keys.push(blobKeys.usersPage(ctx, page, round));
        for (const id of digest.ids) ids.add(id);
        notActive += digest.notActive;
      }
      return { problems: checkListing(metas, pageSize, ids.size).problems, keys, distinct: ids.size, notActive };
    }

    /**
     * The route past a result window: `GET /api/v2/users/query` pages by cursor (sequentially: each page names the
     * next). It carries no total, so the listing must hold exactly the `total` the offset listing's page 1 reported,
     * without duplicates; anything else is a problem for another round, never a partial plan. A failure of the
     * cursor route itself (e.g. 403: it needs `directory:user:view` in every division) fails the run closed.
     */
    async function listByCursor(round: number, expectedTotal: number, refusal: ResultWindowRefusal): Promise<Listing> {
      const keys: string[] = [];
      const ids = new Set<string>();
      let listed = 0;
      let notActive = 0;
      let next: string | undefined;
      const seenCursors = new Set<string>();
      // A cursor that never ends (or loops) is bounded: twice the expected pages plus slack.
      const maxPages = 2 * Math.ceil(expectedTotal / pageSize) + 10;
      do {
        if (keys.length >= maxPages) {
          return {
            problems: [`the cursor listing did not end within ${maxPages} pages`],
            keys,
            distinct: ids.size,
            notActive,
          };
        }
        let page;
        try {
          page = await deps.directory.listUsersByCursor!(next, pageSize, expand);
        } catch (err) {
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.snapshotInconsistent,
            nonRetryable: true,
            message:
              `${refusal.message}; the cursor listing (GET /api/v2/users/query) failed too, so the users cannot be ` +
              `listed completely; not planning from a partial listing. ${toDirectoryFailure(err, 'listing users by cursor').message}`,
          });
        }
        const users = await completeExpansions(page.users, expand);
        const number = keys.length + 1;
        const value: StoredUsersPage = {
          meta: {
            pageNumber: number,
            entities: users.length,
            total: expectedTotal,
            pageCount: 0,
            hasNext: !!page.cursor,
          },
          users,
        };
        await deps.blobs.put(blobKeys.usersCursorPage(ctx, number, round), value);
        keys.push(blobKeys.usersCursorPage(ctx, number, round));
        for (const u of users) ids.add(u.id);
        listed += users.length;
        notActive += users.filter((u) => u.state !== 'active').length;
        // Liveness only: a crashed attempt lists this round again from its first page.
        heartbeat({ nextPage: 1, count: 0, round } satisfies UsersCursor);
        if (page.cursor && seenCursors.has(page.cursor)) {
          return { problems: ['the cursor listing returned a cursor twice'], keys, distinct: ids.size, notActive };
        }
        if (page.cursor) seenCursors.add(page.cursor);
        next = page.cursor;
      } while (next);
      const problems: string[] = [];
      if (listed > ids.size) problems.push(`${listed - ids.size} user(s) were listed twice by the cursor listing`);
      if (ids.size !== expectedTotal) {
        problems.push(
          `the cursor listing holds ${ids.size} users where the users listing's total says ${expectedTotal}`,
        );
      }
      return { problems, keys, distinct: ids.size, notActive };
    }

    async function fetchPage(page: number, round: number): Promise<StoredUsersPage> {
      let listed: UsersPage;
      try {
        listed = await deps.directory.listUsersPage(page, pageSize, expand);
      } catch (err) {
        if (page > 1 && statusOf(err) === 400) {
          // Genesys refuses offset paging past a 10,000-result window (confirmed for inactive users, unconfirmed
          // for active ones). A late 400 is never the end of the list: list by cursor instead, or fail closed.
          const refusal = new ResultWindowRefusal(
            page,
            `Genesys refused users page ${page} (HTTP 400) after ${(page - 1) * pageSize} users: it may cap ` +
              `offset paging at a result window (10,000 results)`,
          );
          if (deps.directory.listUsersByCursor) throw refusal;
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.snapshotInconsistent,
            nonRetryable: true,
            message:
              `${refusal.message}; not planning from a partial listing. ` +
              `${toDirectoryFailure(err, 'listing users').message}`,
          });
        }
        throw toDirectoryFailure(err, `listing users page ${page}`);
      }
      const users = await completeExpansions(listed.users, expand);
      const value: StoredUsersPage = {
        meta: {
          pageNumber: listed.pageNumber,
          entities: listed.users.length,
          total: listed.total,
          pageCount: listed.pageCount,
          hasNext: listed.nextUri !== undefined,
        },
        users,
      };
      await deps.blobs.put(blobKeys.usersPage(ctx, page, round), value);
      return value;
    }
  }

  /**
   * Reads each target group's individuals (one call per group, in parallel lanes). Versions come from the groups
   * listing `prepareRun` made, so no per-group `GET /groups/{id}` is spent: a version that moved since is caught by
   * the 409 of the first write, which re-reads the group.
   */
  async function readGroups({ ctx, targetsRef }: ReadGroupsInput): Promise<ReadGroupsResult> {
    const targets = await deps.blobs.get<ResolvedTarget[]>(targetsRef);
    const resumed = activityInfo().heartbeatDetails as { next?: number } | undefined;
    const done = new Set<number>();
    let prefix = resumed?.next ?? 0;
    const todo = targets.map((_, index) => index).filter((index) => index >= prefix);
    await inLanes(todo, lanes, async (index) => {
      const target = targets[index];
      let individuals: string[];
      try {
        individuals = await deps.directory.getIndividuals(target.groupId);
      } catch (err) {
        throw toDirectoryFailure(err, `reading the members of group ${target.groupName}`);
      }
      const observed: ObservedGroup = {
        id: target.groupId,
        name: target.groupName,
        version: target.version,
        individuals: [...new Set(individuals)].sort(),
      };
      await deps.blobs.put(blobKeys.group(ctx, target.groupId), observed);
      done.add(index);
      while (done.has(prefix)) done.delete(prefix++);
      // Only how many groups are stored travels: keys are deterministic, so the cursor stays a few bytes.
      heartbeat({ next: prefix });
    });
    const manifest: GroupsManifest = {
      groups: Object.fromEntries(targets.map((t) => [t.groupId, blobKeys.group(ctx, t.groupId)])),
    };
    const stored = await deps.blobs.put(blobKeys.groupsManifest(ctx), manifest);
    return { groupsRef: stored.ref, count: targets.length };
  }

  return { snapshotUsers, readGroups };
}
