import { describe, expect, it } from 'vitest';
import type { ModelSummary } from './summary.js';
import { formatShape, renderSummaryTable, summaryRows } from './table.js';

const summary: ModelSummary = {
  name: 'tiny', params: 2610, macs: 4864, bytes: 10_440, energyMicrojoules: 1.6927744, weightMemory: 'dram', sramBytes: 10_439,
  layers: [
    { name: 'conv', className: 'Conv2D', outputShape: [null, 8, 8, 4], params: 40, macs: 2304, bytes: 160, energyMicrojoules: 0.0361984 },
    { name: 'relu', className: 'ReLU', outputShape: [null, 8, 8, 4], params: 0, macs: 0, bytes: 0, energyMicrojoules: 0 },
    { name: 'fc', className: 'Dense', outputShape: [null, 10], params: 2570, macs: 2560, bytes: 10_280, energyMicrojoules: 1.656576 },
  ],
};

describe('summary table', () => {
  it('formats shapes like Keras', () => {
    expect(formatShape([null, 112, 112, 32])).toBe('(None, 112, 112, 32)');
    expect(formatShape([[null, 4], [null, 2]])).toBe('(None, 4) (None, 2)');
  });

  it('lists weighted layers and a totals row; all=true keeps weightless ones', () => {
    expect(summaryRows(summary)).toEqual([
      ['conv (Conv2D)', '(None, 8, 8, 4)', '40', '2,304', '160', '0.0362'],
      ['fc (Dense)', '(None, 10)', '2,570', '2,560', '10,280', '1.66'],
      ['Total', '', '2,610', '4,864', '10,440', '1.69'],
    ]);
    expect(summaryRows(summary, { all: true })).toHaveLength(4);
  });

  it('renders the table with where the weights live and what was hidden', () => {
    const text = renderSummaryTable(summary);
    expect(text).toContain('Layer (type)');
    expect(text).toContain('fc (Dense)');
    expect(text).toContain('tiny: weights read from DRAM (10.2 KiB > 10.2 KiB SRAM budget)');
    expect(text).toContain('1 layers without weights or MACs not shown');
    expect(renderSummaryTable({ ...summary, weightMemory: 'sram', sramBytes: 524_288 })).toContain('weights fit in on-chip SRAM (10.2 KiB <= 512.0 KiB)');
  });
});
