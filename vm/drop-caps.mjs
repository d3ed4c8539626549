// Guest stage 1½: runs once as PID 1 between the initramfs and the harness. Takes CAP_SYS_RAWIO (raw
// kernel memory: /proc/kcore, /dev/mem) and CAP_SYS_MODULE (loading kernel code) out of the bounding set of
// everything that follows: nothing in the guest needs them, and a root learner could read the run's token
// out of kernel memory with the first, or do anything with the second. Then becomes the harness.
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const prctl = libc.func('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)');
const fcntl = libc.func('int fcntl(int fd, int cmd, int arg)');
const execv = libc.func('int execv(const char *path, const char **argv)');
const PR_CAPBSET_DROP = 24;
const CAP_SYS_MODULE = 16;
const CAP_SYS_RAWIO = 17;
const F_SETFD = 2;

for (const cap of [CAP_SYS_RAWIO, CAP_SYS_MODULE]) {
  if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) !== 0) console.error(`rubber-workshop guest: could not drop capability ${cap}`);
}
// Node opens everything close-on-exec, the console on fds 0-2 included: the harness needs them.
for (const fd of [0, 1, 2]) fcntl(fd, F_SETFD, 0);
const [harness] = process.argv.slice(2);
execv(harness, [harness, null]);
console.error(`rubber-workshop guest: cannot start ${harness} (errno ${koffi.errno()})`);
