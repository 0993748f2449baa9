/** Release 1 of the experiment's workflow: waits for `go`, like a run waiting for approval. */
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const goSignal = defineSignal('go');

export async function waiter(): Promise<string> {
  let released = false;
  setHandler(goSignal, () => void (released = true));
  await condition(() => released);
  return 'v1';
}
