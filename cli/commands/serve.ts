/**
 * serve.ts: the `serve` command's flags and help. The lab server loads only when it runs.
 */
import type { Command } from 'commander';
import type { CommandRunner } from '../runner.js';
import type { ServeCommandOptions } from '../actions/serve.js';

/** Adds `wirelab serve` to the program. */
export function register(program: Command, run: CommandRunner): void {
  program
    .command('serve')
    .description("serve the lab page (the report's sections, a real image, audio and video) over HTTPS until Ctrl-C")
    .option('--host <address>', 'address to listen on; a non-loopback one only when given here', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', '8443')
    .option('--tls <version>', 'pin the TLS version: 1.2 or 1.3 (default: both)')
    .option('--cipher <list>', 'OpenSSL cipher list, e.g. ECDHE-RSA-AES128-GCM-SHA256 or TLS_AES_128_GCM_SHA256')
    .option('--http1', 'offer only http/1.1 by ALPN (default: h2 and http/1.1)')
    .option('--page <dir>', "serve this directory instead of the lab page (its index.html at /; /media/* stays)")
    .option('--name <text>', "the page header's name")
    .option('--student-id <text>', "the page header's student ID")
    .option('--major <text>', "the page header's major")
    .option('--keylog <file>', 'append the TLS key log here (NSS format, for Wireshark and wirelab)', 'sslkeylog.txt')
    .addHelpText(
      'after',
      '\nExamples:\n  wirelab serve --name "Li Lei" --student-id 2024001 --major "Computer Science"\n  wirelab serve --tls 1.2 --cipher ECDHE-RSA-AES128-GCM-SHA256 --http1\n  wirelab serve --page ./my-site --port 9443',
    )
    .action((options: ServeCommandOptions) => run(async () => (await import('../actions/serve.js')).serveCommand(options)));
}
