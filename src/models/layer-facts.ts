/** Facts about tf.layers layers and their weights that pruning, restructuring and analysis all read. */
import type * as tfl from '@tensorflow/tfjs-layers';

/** The last path component of a weight name: `conv1/kernel` → `kernel`, `conv_dw_1/depthwise_kernel` → `depthwise_kernel`. */
export function weightBaseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Whether a layer lays its data out channels-first (NCHW); smallnets' own code is NHWC. */
export function isChannelsFirst(layer: tfl.layers.Layer): boolean {
  return layer.getConfig()['dataFormat'] === 'channelsFirst';
}
