/**
 * zod schemas of the control API bodies. Strict objects, so a misspelt fault name fails loudly instead of being
 * ignored by a test that then passes for the wrong reason.
 */
import { z } from 'zod';
import type {
  FaultSpec,
  GrantsSpec,
  GroupFixture,
  NativeMembershipSpec,
  ResetSpec,
  RuntimeConfig,
  UserFixture,
} from './control-types';

const count = z.number().int().min(0);
const id = z.string().min(1);
const prefix = z.string().startsWith('/');

export const faultSpecSchema: z.ZodType<FaultSpec> = z.strictObject({
  clear: z.boolean().optional(),
  rateLimitBurst: z
    .strictObject({ count, retryAfterSeconds: z.number().int().min(1), pathPrefix: prefix.optional() })
    .optional(),
  serverErrorRatio: z.number().min(0).max(1).optional(),
  serverErrorStatus: z.number().int().min(500).max(599).optional(),
  serverErrorBurst: z
    .strictObject({ count, status: z.number().int().min(500).max(599).optional(), pathPrefix: prefix.optional() })
    .optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  groupStatus: z.strictObject({ groupId: id, status: z.number().int().min(400).max(599).nullable() }).optional(),
  concurrentEdit: z
    .strictObject({
      groupId: id,
      addUserIds: z.array(id).optional(),
      removeUserIds: z.array(id).optional(),
      onNextWrite: z.boolean().optional(),
    })
    .optional(),
  expandDrop: z
    .strictObject({
      ratio: z.number().min(0).max(1),
      fields: z.array(z.enum(['authorization', 'groups', 'skills', 'locations'])).optional(),
    })
    .nullable()
    .optional(),
  usersDrift: z
    .strictObject({
      afterPage: z.number().int().min(1),
      deleteCount: count.optional(),
      createCount: count.optional(),
      state: z.enum(['active', 'inactive', 'any']).optional(),
    })
    .optional(),
  usersPage: z
    .strictObject({
      pageNumber: z.number().int().min(1),
      variant: z.enum(['empty', 'emptyWithoutNextUri', 'short', 'totals']),
      shortBy: z.number().int().min(1).optional(),
      totalDelta: z.number().int().optional(),
    })
    .optional(),
  tokenThrottle: z
    .strictObject({
      count,
      shape: z.enum(['429', '400']).optional(),
      retryAfterSeconds: z.number().int().min(1).optional(),
    })
    .optional(),
});

export const userFixtureSchema: z.ZodType<UserFixture> = z.strictObject({
  id: id.optional(),
  name: z.string().min(1),
  email: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  state: z.enum(['active', 'inactive', 'deleted']).optional(),
  title: z.string().optional(),
  department: z.string().optional(),
  division: id.optional(),
  roles: z.array(id).optional(),
  skills: z.array(z.strictObject({ name: id, proficiency: z.number().min(0).max(5).optional() })).optional(),
  locations: z.array(id).optional(),
  managerId: id.optional(),
});

export const userFixturesSchema = z.union([userFixtureSchema, z.array(userFixtureSchema)]);

export const groupFixtureSchema: z.ZodType<GroupFixture> = z.strictObject({
  id: id.optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  type: z.enum(['official', 'social']).optional(),
  visibility: z.enum(['public', 'owners', 'members']).optional(),
  memberIds: z.array(id).optional(),
  version: z.number().int().min(1).optional(),
  ruleMemberIds: z.array(id).optional(),
  ownerIds: z.array(id).optional(),
  includeOwners: z.boolean().optional(),
});

/** Body of `POST /__emulator/groups/{id}/native`. */
export const nativeMembershipSchema: z.ZodType<NativeMembershipSpec> = z.strictObject({
  ruleMemberIds: z.array(id).optional(),
  ownerIds: z.array(id).optional(),
  includeOwners: z.boolean().optional(),
});

/** Body of `POST /__emulator/groups/{id}/grants`. */
export const grantsSpecSchema: z.ZodType<GrantsSpec> = z.strictObject({
  grants: z.array(z.strictObject({ role: id, division: id.optional() })),
  add: z.boolean().optional(),
});

/** Body of `POST /__emulator/config`. */
export const runtimeConfigSchema: z.ZodType<RuntimeConfig> = z.strictObject({
  activeResultWindow: count.optional(),
  inactiveResultWindow: count.optional(),
  ruleMemberDelete: z.enum(['ignore', 'reject']).optional(),
  memberCount: z.enum(['individuals', 'members']).optional(),
  groupRolesInUserAuthorization: z.boolean().optional(),
  userViewDivisions: z.array(id).max(1_000).optional(),
  individualsPageSize: count.optional(),
  rateLimitPerMinute: count.optional(),
  missingVersion: z.enum(['reject', 'current']).optional(),
  noopWritesBumpVersion: z.boolean().optional(),
});

/** Body of `POST /__emulator/clients`: another OAuth client to accept. */
export const clientSpecSchema = z.strictObject({ clientId: id.max(256), clientSecret: z.string().min(1).max(512) });

export const resetSpecSchema: z.ZodType<ResetSpec> = z.strictObject({
  seed: z.number().int().optional(),
  users: count.optional(),
  groups: count.optional(),
  inactiveUsers: count.optional(),
  membershipsPerUser: count.optional(),
  drift: z.number().min(0).max(1).nullable().optional(),
  revokeTokens: z.boolean().optional(),
});

export const revokeSpecSchema = z.strictObject({ token: id.optional() });

/** Body of `POST /__emulator/credentials/rotate`. */
export const rotateSpecSchema = z.strictObject({ clientSecret: z.string().min(1).max(512) });
