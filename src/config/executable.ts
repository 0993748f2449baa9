import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/** True for a regular file (or a symlink to one) that the current user may execute. */
export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
