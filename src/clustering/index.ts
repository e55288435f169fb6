/** Weight clustering (weight sharing): 1-D k-means per layer, centroid fine-tuning, codebooks + index maps. */
export { kmeans1d, lloyd, assignNearest, MIN_CLUSTERS, MAX_CLUSTERS, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { initCentroids, CLUSTER_INITS, type ClusterInit } from './kmeans-init.js';
export { CentroidIndexMap, gatherCentroids } from './gather-centroids.js';
export { ClusteringConfig, CLUSTER_DEFAULTS, CLUSTER_FINE_TUNE_DEFAULTS, parseClusterSpec, formatClusterSpec, type ClusterOptions, type ClusterSpec } from './config.js';
export { ClusterWrapper } from './cluster-wrapper.js';
export {
  clusterWeights,
  stripClustering,
  clusterWrappers,
  readClusteringMetadata,
  type ClusteredModel,
  type ClusteringReport,
  type ClusteredWeight,
  type ClusteringMetadata,
} from './cluster.js';
export { clusterAndFineTune, type ClusterFineTuneOptions, type ClusterFineTuneResult } from './fine-tune.js';
