/**
 * Reads a run's stored plan outside the workflow: the changed groups and, page by page, who each one gains and loses
 * and why. The workflow only hands out the plan's ref (its `plan` query); the CLI and the HTTP service open the same
 * plan store the workers write to (`openBlobStore`, same `DATABASE_URL` / `GCSYNC_DATA_DIR`) and read from it, one
 * group's plan at a time, so memory stays bounded by the largest group, not by the plan.
 */
import type { StoredGroupPlan, StoredPlanManifest } from '../../activities/plan';
import type { ChangedGroup } from '../../activities/types';
import { memberPage, type MemberPageRequest, type PlanMemberPage } from '../core/plan-member-page';
import type { BlobStore } from './blob-store';
import { BlobNotFoundError } from './errors';

/** A changed group of a plan, as listed in its manifest. */
export interface PlanGroupRef {
  groupId: string;
  groupName: string;
  /** The group as written in the rules file (a name or an id). */
  key: string;
  mode: ChangedGroup['mode'];
  adds: number;
  removes: number;
}

/** One page of a changed group's member lines, with the plan and group it belongs to. */
export interface GroupMemberPage extends PlanMemberPage {
  planId: string;
  planDigest: string;
  group: PlanGroupRef;
}

/** One changed group's member lines, whole. */
export interface ChangedGroupPlan {
  planId: string;
  planDigest: string;
  group: PlanGroupRef;
  members: StoredGroupPlan['members'];
}

/** The plan store does not hold what the ref names (another store, or the data was removed). */
export class StoredPlanMissingError extends Error {
  override readonly name = 'StoredPlanMissingError';
}

/** The plan has no changes for the group asked about (unknown, or unchanged). */
export class PlanGroupNotChangedError extends Error {
  override readonly name = 'PlanGroupNotChangedError';
}

/** Reads stored plans from a blob store (which the caller opens and closes). */
export class StoredPlanReader {
  constructor(private readonly blobs: BlobStore) {}

  /**
   * A page of one changed group's member lines (removals first, then additions).
   *
   * @param group the group's id, its name, or the name or id written in the rules.
   * @throws {PlanGroupNotChangedError} the plan changes no group by that name or id.
   * @throws {StoredPlanMissingError} the store does not hold the plan (wrong `DATABASE_URL` / `GCSYNC_DATA_DIR`).
   */
  async groupPage(planRef: string, group: string, request: MemberPageRequest): Promise<GroupMemberPage> {
    const manifest = await this.manifest(planRef);
    const changed = await this.get<ChangedGroup[]>(manifest.changedRef);
    const found =
      changed.find((g) => g.groupId === group) ?? changed.find((g) => g.groupName === group || g.key === group);
    if (!found) {
      throw new PlanGroupNotChangedError(
        `plan ${manifest.planId} changes no group named or with id ${JSON.stringify(group)} (it changes ${changed.length})`,
      );
    }
    const stored = await this.groupPlan(found, manifest.planDigest);
    return {
      planId: manifest.planId,
      planDigest: manifest.planDigest,
      group: toGroupRef(found, stored),
      ...memberPage(stored.members, request),
    };
  }

  /**
   * Every changed group with all its member lines, in plan order: only one group's plan is in memory at a time.
   *
   * @throws {StoredPlanMissingError} the store does not hold the plan, or a group's stored plan is another plan's.
   */
  async *changedGroupPlans(planRef: string): AsyncGenerator<ChangedGroupPlan> {
    const manifest = await this.manifest(planRef);
    for (const group of await this.get<ChangedGroup[]>(manifest.changedRef)) {
      const stored = await this.groupPlan(group, manifest.planDigest);
      yield {
        planId: manifest.planId,
        planDigest: manifest.planDigest,
        group: toGroupRef(group, stored),
        members: stored.members,
      };
    }
  }

  /** Every member line of every changed group, group by group and page by page (see {@link changedGroupPlans}). */
  async *allMemberPages(planRef: string, pageSize: number): AsyncGenerator<GroupMemberPage> {
    for await (const { members, ...plan } of this.changedGroupPlans(planRef)) {
      const pages = Math.max(1, Math.ceil((members.add.length + members.remove.length) / pageSize));
      for (let page = 1; page <= pages; page++) yield { ...plan, ...memberPage(members, { page, pageSize }) };
    }
  }

  private manifest(planRef: string): Promise<StoredPlanManifest> {
    return this.get<StoredPlanManifest>(planRef);
  }

  /** A group's stored plan; with `digest`, it must belong to that plan (refs pin content, this pins the plan). */
  private async groupPlan(group: ChangedGroup, digest: string | undefined): Promise<StoredGroupPlan> {
    const stored = await this.get<StoredGroupPlan>(group.groupPlanRef);
    if (digest !== undefined && stored.planDigest !== digest) {
      throw new StoredPlanMissingError(
        `the stored plan of group ${group.groupName} belongs to plan ${stored.planDigest}, not ${digest}`,
      );
    }
    return stored;
  }

  private async get<T>(ref: string): Promise<T> {
    try {
      return await this.blobs.get<T>(ref);
    } catch (err) {
      if (err instanceof BlobNotFoundError) {
        throw new StoredPlanMissingError(
          `the plan store has no ${ref.replace(/#.*$/, '')}: read plans from the store the workers write to ` +
            '(the same DATABASE_URL, or GCSYNC_DATA_DIR and working directory)',
        );
      }
      throw err;
    }
  }
}

function toGroupRef(group: ChangedGroup, stored: StoredGroupPlan): PlanGroupRef {
  return {
    groupId: group.groupId,
    groupName: group.groupName,
    key: group.key,
    mode: group.mode,
    adds: stored.members.add.length,
    removes: stored.members.remove.length,
  };
}
