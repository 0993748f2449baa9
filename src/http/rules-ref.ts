/**
 * What a request's `rulesRef` may name (docs/security.md). The HTTP service is where untrusted callers meet the
 * worker's file system, so it refuses file paths unless it has a rules folder (`GCSYNC_RULES_DIR`) and the path
 * stays inside it. The worker checks again with every link resolved; nothing here touches the disk, so a refusal
 * says nothing about which files exist.
 */
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parseRef } from '../store/blob-key';
import type { FieldIssue } from './validate';

const RULES_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * The problem with `ref` as a request's `rulesRef`, or `undefined` when the service may pass it to the worker.
 *
 * @param rulesDir the service's `GCSYNC_RULES_DIR`; without it, only `blob:<key>` references are accepted.
 */
export function checkRequestRulesRef(ref: string, rulesDir: string | undefined): FieldIssue | undefined {
  const issue = (message: string): FieldIssue => ({ path: 'rulesRef', message });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(ref)) return issue('must not contain control characters');
  if (ref.startsWith('blob:')) {
    try {
      parseRef(ref.slice('blob:'.length));
      return undefined;
    } catch (err) {
      return issue((err as Error).message.slice(0, 300));
    }
  }
  if (!rulesDir) {
    return issue(
      'file paths are not accepted: this service has no rules folder (GCSYNC_RULES_DIR); send the rules inline, ' +
        'a blob:<key>, or no rulesRef for the default rules',
    );
  }
  const folder = resolve(rulesDir);
  const path = resolve(folder, ref);
  const within = relative(folder, path);
  if (within === '' || within === '..' || within.startsWith(`..${sep}`) || isAbsolute(within)) {
    return issue('must name a file inside the rules folder GCSYNC_RULES_DIR');
  }
  if (!RULES_EXTENSIONS.has(extname(path).toLowerCase())) return issue('must name a *.yaml, *.yml or *.json file');
  return undefined;
}
