/** The member lines of `gcsync plan` (short and `--full`) and how they are coloured. */
import { PassThrough } from 'node:stream';
import type { PlanGroupSummary } from '../../workflows/messages';
import { paintFor, type Paint } from '../../src/cli/output/colour';
import { formatGroupChangeHeader, formatMemberLines, formatPlanMembers } from '../../src/cli/output/plan-diff';

const ann = { id: 'u1', name: 'Ann Lee', email: 'ann@example.com', clause: 'include.any[1]', reason: 'dept = Support' };
const bo = { id: 'u2', name: 'Bo Ek', username: 'bo.ek', clause: 'exclude.any[0]', reason: 'excluded (contractor)' };
const cy = { id: 'u3', clause: 'inactive', reason: 'inactive' };
/** Marks styles visibly, to see which text gets which colour. */
const brackets: Paint = (style, text) => `[${style}:${text}]`;

describe('member lines', () => {
  it('pads names to one column; email, else username, else the id says who', () => {
    expect(
      formatMemberLines([
        { op: 'remove', ...bo },
        { op: 'add', ...ann },
        { op: 'add', ...cy },
      ]),
    ).toEqual([
      '    - Bo Ek <bo.ek>              excluded (contractor)',
      '    + Ann Lee <ann@example.com>  dept = Support',
      '    + u3                         inactive',
    ]);
  });

  it('colours additions green, removals red and the changed-group marker yellow', () => {
    expect(formatMemberLines([{ op: 'add', ...cy }], brackets)).toEqual(['    [green:+ u3]  inactive']);
    expect(formatMemberLines([{ op: 'remove', ...cy }], brackets)).toEqual(['    [red:- u3]  inactive']);
    expect(formatGroupChangeHeader({ groupName: 'Support', groupId: 'g', adds: 2, removes: 1 }, brackets)).toBe(
      '[yellow:~] Support: [green:+2] [red:-1]',
    );
    // No "+0" / "-0" for what does not happen.
    expect(formatGroupChangeHeader({ groupName: 'Support', groupId: 'g', adds: 0, removes: 3 })).toBe('~ Support: -3');
  });

  it('the short listing says how many more there are and how to see them', () => {
    const group: PlanGroupSummary = {
      groupId: 'g',
      groupName: 'Support',
      mode: 'exact',
      adds: 12,
      removes: 1,
      unchanged: 0,
      currentCount: 1,
      desiredCount: 12,
      members: { add: [ann], remove: [bo] },
    };
    expect(formatPlanMembers([group]).split('\n')).toEqual([
      '~ Support: +12 -1',
      '    - Bo Ek <bo.ek>              excluded (contractor)',
      '    + Ann Lee <ann@example.com>  dept = Support',
      '    … and 11 more (gcsync plan --full lists every member)',
    ]);
  });

  it('writes no escape codes to a stream that is not a terminal', () => {
    const paint = paintFor(new PassThrough() as unknown as NodeJS.WriteStream);
    expect(paint('green', '+ Ann')).toBe('+ Ann');
  });

  it('colours a terminal that shows colours, not one that does not (NO_COLOR makes a terminal say so)', () => {
    // What node:tty reports: a colour depth of 1 when NO_COLOR is set, more on a colour terminal.
    const tty = (depth: number) =>
      Object.assign(new PassThrough(), { isTTY: true, getColorDepth: () => depth }) as unknown as NodeJS.WriteStream;
    const saved = process.env.FORCE_COLOR;
    delete process.env.FORCE_COLOR;
    try {
      expect(paintFor(tty(8))('green', '+')).toBe('\u001b[32m+\u001b[39m');
      expect(paintFor(tty(1))('green', '+')).toBe('+');
    } finally {
      if (saved !== undefined) process.env.FORCE_COLOR = saved;
    }
  });
});
