/**
 * Whether a process with this pid exists (signal 0 checks without sending). A process this user
 * may not signal (EPERM) exists too.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
