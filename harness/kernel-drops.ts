/**
 * kernel-drops.ts: how many packets the kernel dropped for a live capture because libpcap's ring was full,
 * which `cap` cannot say (it has no pcap_stats). The capture's packet socket is the one that appeared among
 * this process's descriptors when the capture opened (`socket:[inode]` in /proc/self/fd that
 * /proc/net/packet lists). Node cannot call getsockopt, so a small python3 helper takes a duplicate of that
 * socket with pidfd_getfd(2) (Linux 5.6+, root) and reads its PACKET_STATISTICS on request; the kernel
 * resets those counters at every read, so the helper adds them up. Without python3 the count is unknown
 * and says why. Harness only; Linux only.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The inodes of the packet sockets the kernel knows (the last column of /proc/net/packet). */
function packetSocketInodes(): Set<string> {
  try {
    const lines = readFileSync('/proc/net/packet', 'utf8').trim().split('\n').slice(1);
    return new Set(lines.map((l) => l.trim().split(/\s+/).pop()!));
  } catch {
    return new Set();
  }
}

/** This process's descriptors that are packet sockets. */
export function packetSocketFds(): Set<number> {
  const inodes = packetSocketInodes();
  const fds = new Set<number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fd');
  } catch {
    return fds;
  }
  for (const name of entries) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${name}`));
      if (m !== null && inodes.has(m[1]!)) fds.add(Number(name));
    } catch {
      // closed between readdir and readlink
    }
  }
  return fds;
}

/**
 * The helper: duplicates the given descriptors of process `pid`, then answers each input line with the
 * total of tp_drops over them since it started (struct tpacket_stats{,_v3}: tp_packets, tp_drops, …).
 */
const HELPER = `
import ctypes, os, socket, struct, sys
SOL_PACKET, PACKET_STATISTICS, SYS_PIDFD_GETFD = 263, 6, 438
libc = ctypes.CDLL(None, use_errno=True)
pidfd = os.pidfd_open(int(sys.argv[1]))
socks = []
for fd in sys.argv[2:]:
    n = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(fd), 0)
    if n < 0:
        print("error pidfd_getfd: " + os.strerror(ctypes.get_errno()), flush=True)
        sys.exit(0)
    socks.append(socket.socket(fileno=n))
print("ready", flush=True)
total = 0
for line in sys.stdin:
    for s in socks:
        total += struct.unpack_from("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 12))[1]
    print(total, flush=True)
`;

/** Reads a live capture's kernel drop count. */
export interface KernelDropCounter {
  /** The drops so far, or undefined when they cannot be read (see `unavailable`). */
  read(): Promise<number | undefined>;
  /** Why the count is unknown, once it is. */
  readonly unavailable: string | undefined;
  /** Ends the helper; idempotent. */
  close(): void;
}

/**
 * Counts the kernel drops of the packet sockets in `fds` (from {@link packetSocketFds}, new since the
 * capture opened).
 */
export function countKernelDrops(fds: readonly number[]): KernelDropCounter {
  let unavailable: string | undefined;
  let child: ChildProcessWithoutNullStreams | undefined;
  const waiting: ((line: string | undefined) => void)[] = [];
  let buffered = '';
  if (fds.length === 0) unavailable = 'no packet socket found for the capture';
  else {
    try {
      child = spawn('python3', ['-c', HELPER, String(process.pid), ...fds.map(String)], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      unavailable = `python3 could not start (${(e as Error).message})`;
    }
  }
  const answerAll = (line: string | undefined): void => {
    for (const w of waiting.splice(0)) w(line);
  };
  if (child !== undefined) {
    // Never keep the event loop (or a Ctrl-C'd process) alive for the helper.
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr] as unknown as { unref?: () => void }[]) s.unref?.();
    child.on('error', (e: NodeJS.ErrnoException) => {
      unavailable ??= e.code === 'ENOENT' ? 'python3 is not installed (it reads PACKET_STATISTICS for cap)' : `python3: ${e.message}`;
      answerAll(undefined);
    });
    child.on('exit', () => {
      unavailable ??= 'the statistics helper ended';
      answerAll(undefined);
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('error ')) unavailable ??= line.slice('error '.length);
        else if (line !== 'ready') waiting.shift()?.(line);
      }
    });
    child.stdin.on('error', () => {});
  }
  return {
    get unavailable() {
      return unavailable;
    },
    read(): Promise<number | undefined> {
      if (child === undefined || unavailable !== undefined || child.exitCode !== null) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        waiting.push((line) => resolve(line === undefined || !/^\d+$/.test(line) ? undefined : Number(line)));
        child!.stdin.write('\n');
      });
    },
    close() {
      if (child === undefined) return;
      child.stdin.end();
      child.kill();
      child = undefined;
      answerAll(undefined);
    },
  };
}
