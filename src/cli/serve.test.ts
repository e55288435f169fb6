import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.test-util.js';

describe('smallnets serve', () => {
  it('--help shows the flags and examples', async () => {
    const { code, stdout } = await runCli(['serve', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--port <n>/);
    expect(stdout).toMatch(/--model <file>/);
    expect(stdout).toMatch(/Examples:\n\s+\$ smallnets serve/);
  });

  it('a model that does not exist is a one-line usage error naming the flag (exit 2)', async () => {
    const { code, stderr } = await runCli(['serve', '--port', '0', '--model', 'no/such/model']);
    expect(code).toBe(2);
    expect(stderr).toBe('smallnets: --model no/such/model does not exist\n');
  });

  it('a bad port is refused before anything starts', async () => {
    const { code, stderr } = await runCli(['serve', '--port', '70000']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port must be an integer in \[0, 65535\], got 70000/);
  });
});
