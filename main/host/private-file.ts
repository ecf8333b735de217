// Small files in $KAKUNIN_HOME that only the kiosk user may read (settings, the staff PIN record, the
// staff lockout): written atomically (temp file + rename, so a power cut never leaves half a file),
// and with `durable` also fsynced (the file, then its directory), so a state written before a crash
// is the state read after it: the staff lockout must survive a pulled plug. Settings change often
// (a mode switch) and only need the atomic rename.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writePrivateFile(file: string, data: string | Uint8Array, o: { durable?: boolean } = {}): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    if (o.durable) fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
  if (!o.durable) return;
  try {
    const d = openSync(dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  }
}
