/**
 * The committed workflow histories under `test/fixtures/histories/`: one folder per recording (never rewritten), each
 * with a `manifest.json` naming its `*.history.json` files. Written by `npm run histories:record`, replayed by
 * `test/integration/workflow-replay.test.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';

/** Root folder of the committed histories. */
export const HISTORIES_ROOT = resolve(__dirname, '../fixtures/histories');

/** Suffix of a history file; anything else in a recording folder is not replayed. */
export const HISTORY_SUFFIX = '.history.json';

/** One exported execution. */
export interface RecordedHistoryEntry {
  /** File name inside the recording folder. */
  file: string;
  /** Scenario that produced it (see `scripts/histories/scenarios.ts`). */
  scenario: string;
  workflowType: string;
  workflowId: string;
  /** The execution's close status as the server reported it (`COMPLETED`, …). */
  status: string;
  events: number;
}

/** `manifest.json` of one recording folder. */
export interface HistoriesManifest {
  /** Folder name, e.g. `2026-12-06-main-bd007a0`. */
  recording: string;
  /** Commit the histories were recorded from. */
  gitCommit: string;
  /** Git tree hash of that commit's `workflows/`: the recorder skips scenarios already recorded from this tree. */
  workflowsTree: string;
  recordedAt: string;
  sdkVersion: string;
  temporalCliVersion: string;
  histories: RecordedHistoryEntry[];
}

/** A history ready for `Worker.runReplayHistories`, with where it came from. */
export interface RecordedHistory {
  recording: string;
  entry: RecordedHistoryEntry;
  workflowId: string;
  history: History;
}

/**
 * Recording folder names, oldest first by the manifest's `recordedAt` (folder names carry only the day and a commit,
 * so two recordings of one day do not sort by name); skips unfinished `.`-folders.
 */
export function recordingFolders(root = HISTORIES_ROOT): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => ({ name: d.name, at: readManifest(d.name, root).recordedAt }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.name.localeCompare(b.name))
    .map((d) => d.name);
}

/** Reads one recording's manifest. */
export function readManifest(folder: string, root = HISTORIES_ROOT): HistoriesManifest {
  return JSON.parse(readFileSync(join(root, folder, 'manifest.json'), 'utf8')) as HistoriesManifest;
}

/** `*.history.json` files actually present in a recording folder (to compare against its manifest). */
export function historyFiles(folder: string, root = HISTORIES_ROOT): string[] {
  return readdirSync(join(root, folder))
    .filter((f) => f.endsWith(HISTORY_SUFFIX))
    .sort();
}

/** Every history of every recording, parsed with the SDK's `historyFromJSON`. */
export function* readRecordedHistories(root = HISTORIES_ROOT): Generator<RecordedHistory> {
  for (const recording of recordingFolders(root)) {
    for (const entry of readManifest(recording, root).histories) {
      const history = historyFromJSON(JSON.parse(readFileSync(join(root, recording, entry.file), 'utf8')));
      yield { recording, entry, workflowId: `${recording}/${entry.workflowId}`, history };
    }
  }
}
