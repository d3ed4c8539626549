import fs from 'node:fs';
import { UserError } from './errors.js';

/**
 * The most the grader reads of a learner's files: any one file, and all of a workspace's sources together. Files
 * larger are refused unread (a sparse file of gigabytes costs its learner nothing on disk); collect copies none.
 */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

/**
 * A file of a learner's, or undefined when it holds more than `max` bytes (then nothing is read). It must be a
 * regular file, found so on the open file itself (a swap after a check cannot change it): a FIFO would block
 * the reading thread for good, and a device such as /dev/zero never ends. So no link is followed (O_NOFOLLOW)
 * and no open waits for a FIFO's writer (O_NONBLOCK); no more than the size the file had when opened is read.
 */
export function readLearnerFile(file: string, max: number): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw notRegular(file);
    throw err;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw notRegular(file);
    if (stat.size > max) return undefined;
    const content = Buffer.alloc(stat.size);
    let got = 0;
    for (let n: number; got < content.length && (n = fs.readSync(fd, content, got, content.length - got, null)) > 0;) got += n;
    return content.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

const notRegular = (file: string) => new UserError(`${file} is a link, a FIFO or a device, not a file: remove it`);
