/**
 * Exclusive use of a bus directory: `<dir>/.lock` holds the owner's pid. A lock whose process is
 * gone (kill -9) is stale and taken over. Node has no flock(2); a pid check is the portable way.
 */
import { open, readFile, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MetronError } from '@metron/core';
import { processAlive } from '@metron/core/node';

const heldInThisProcess = new Set<string>();

export interface DirLock {
  release(): Promise<void>;
}

function lockedError(dir: string, pid: number): MetronError {
  return new MetronError(
    'STORAGE_FAILED',
    `Bus directory ${dir} is already in use by process ${pid}. Stop that process or choose another data directory.`,
    { dir, pid },
  );
}

/** Takes the lock of `dir` (which must exist) or throws naming the directory and the holder. */
export async function lockDir(dir: string): Promise<DirLock> {
  const key = await realpath(dir);
  if (heldInThisProcess.has(key)) throw lockedError(dir, process.pid);
  const path = join(dir, '.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) throw lockedError(dir, pid);
      await rm(path, { force: true }); // stale: its process is gone
    }
  }
  heldInThisProcess.add(key);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      heldInThisProcess.delete(key);
      await rm(path, { force: true });
    },
  };
}
