/** Release 2: an incompatible change (a new timer before the wait, no `patched()`), which only pinning can ship. */
import { condition, defineSignal, setHandler, sleep } from '@temporalio/workflow';

export const goSignal = defineSignal('go');

export async function waiter(): Promise<string> {
  let released = false;
  setHandler(goSignal, () => void (released = true));
  await sleep(1);
  await condition(() => released);
  return 'v2';
}
