/**
 * zod schemas of the control API bodies. Strict objects, so a misspelt fault name fails loudly instead of being
 * ignored by a test that then passes for the wrong reason.
 */
import { z } from 'zod';
import type { FaultSpec, GroupFixture, ResetSpec, UserFixture } from './control-types';

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
});

export const resetSpecSchema: z.ZodType<ResetSpec> = z.strictObject({
  seed: z.number().int().optional(),
  users: count.optional(),
  groups: count.optional(),
  inactiveUsers: count.optional(),
  revokeTokens: z.boolean().optional(),
});

export const revokeSpecSchema = z.strictObject({ token: id.optional() });

/** Body of `POST /__emulator/credentials/rotate`. */
export const rotateSpecSchema = z.strictObject({ clientSecret: z.string().min(1).max(512) });
