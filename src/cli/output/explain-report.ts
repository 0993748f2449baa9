/** `gcsync explain` output: who the user is, then one row per group with the clause that decides. */
import type { ExplainAction, GroupExplanation } from '../../core/explain-user';
import { formatTable } from './table';

/** The user as shown above the table. */
export interface ExplainedUser {
  id: string;
  name: string;
  state: string;
  email?: string;
}

const ACTION_TEXT: Record<ExplainAction, string> = {
  add: 'add',
  remove: 'remove',
  'remove-if-owned': 'remove if gcsync added them',
  keep: 'keep (additive)',
  none: 'no change',
};

/**
 * @example
 * ```
 * Jane Doe <jane@example.com> (id 5f0c…, active)
 *
 * GROUP         MODE   MEMBER  SHOULD BE  A RUN WOULD  WHY
 * Support Team  exact  no      yes        add          include.any[1]: department = Support
 * Sales         exact  yes     no         remove       no longer matches include.any[0] (role = Sales Rep)
 * ```
 */
export function formatExplanation(user: ExplainedUser, rows: readonly GroupExplanation[]): string {
  const who = `${user.name || '(no name)'}${user.email ? ` <${user.email}>` : ''} (id ${user.id}, ${user.state})`;
  const table = formatTable(
    ['GROUP', 'MODE', 'MEMBER', 'SHOULD BE', 'A RUN WOULD', 'WHY'],
    rows.map((r) => [
      r.groupName || r.groupId,
      r.mode,
      r.member ? 'yes' : 'no',
      r.desired ? 'yes' : 'no',
      ACTION_TEXT[r.action],
      r.reason.text,
    ]),
  );
  return `${who}\n\n${table}`;
}
