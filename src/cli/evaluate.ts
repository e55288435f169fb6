/** `smallnets evaluate PATH`: MNIST test accuracy of a saved model. */
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { loadMnist } from '../data/mnist.js';
import { openModel } from '../pipeline/open-model.js';
import { log } from './output.js';

export function register(program: Command): void {
  addCommand(
    program,
    'evaluate',
    (cmd) =>
      cmd
        .description('report MNIST test accuracy (2,000 held-out digits) of a model directory, model.json, .snn or .onnx')
        .argument('<path>', 'model directory, model.json, .snn or .onnx file'),
    async ([location]) => {
      const loaded = await openModel(location!);
      const { test } = loadMnist();
      const testAccuracy = await loaded.evaluate(test);
      loaded.dispose();
      log(`${location}: test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${test.count.toLocaleString('en-US')} digits`);
      return { command: 'evaluate', path: location, params: loaded.params, testAccuracy };
    },
  );
}
