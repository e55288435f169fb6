/**
 * `smallnets serve [--port 8080] [--host 127.0.0.1] [--open] [--model FILE…] [--exploration DIR…]`:
 * the web playground on a local server until Ctrl-C. The URL is the result (stdout; with --json one
 * JSON line, printed as soon as the server listens, so a script can read the port it got).
 */
import type { Command } from 'commander';
import { emitJson, log } from './output.js';
import { nonNegativeInt } from './options.js';
import { examples } from './command.js';

interface ServeFlags {
  port: number;
  host: string;
  open?: boolean;
  model: string[];
  exploration: string[];
  json?: boolean;
  debug?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export function register(program: Command): void {
  examples(program.command('serve'), [
    'serve --open',
    'serve --model out/lenet5 --model out/lenet5.snn --port 0 --json',
  ])
    .description('open the web playground: play with a filter, see what a network learned, draw a digit, compare trade-offs')
    .option('--port <n>', 'port to listen on (0 picks a free one)', nonNegativeInt('--port'), 8080)
    .option('--host <address>', 'interface to bind (0.0.0.0 lets a phone on your network open it)', '127.0.0.1')
    .option('--open', 'open the playground in your browser')
    .option('--model <file>', 'a TF.js model (directory or model.json) or a .snn file to offer the page (repeatable)', collect, [])
    .option('--exploration <dir>', 'an exploration directory (smallnets explore --out DIR) to chart (repeatable)', collect, [])
    .option('--json', 'print {url, models, explorations} as one JSON line once the server listens')
    .option('--debug', 'print stack traces for errors')
    .addHelpText(
      'after',
      `
Examples:
  $ smallnets serve                                          # http://127.0.0.1:8080/
  $ smallnets serve --model out/lenet5 --model lenet5.snn   # draw a digit with your own models
  $ smallnets serve --exploration out/explore --open         # chart an exploration in your browser
  $ smallnets serve --port 0 --json                          # any free port; the URL as JSON`,
    )
    .action(async (flags: ServeFlags) => {
      const { startWebServer } = await import('../web/server.js');
      const server = await startWebServer({ port: flags.port, host: flags.host, models: flags.model, explorations: flags.exploration });
      if (flags.json) emitJson({ command: 'serve', url: server.url, ...server.index });
      else process.stdout.write(`${server.url}\n`);
      for (const m of server.index.models) log(`model ${m.name} (${m.kind}, ${m.bytes.toLocaleString('en-US')} bytes)`);
      for (const e of server.index.explorations) log(`exploration ${e.name}`);
      log('serving the playground; Ctrl-C stops');
      if (flags.open) {
        const { default: open } = await import('open');
        await open(server.url).catch((error: Error) => log(`could not open a browser: ${error.message}`));
      }
      await untilStopped();
      await server.close();
    });
}
