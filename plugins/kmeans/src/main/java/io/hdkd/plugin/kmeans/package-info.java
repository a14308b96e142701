/**
 * The {@code kmeans} plugin: hdkd's receptive-field partitioner, the first stage of heterogeneous dark-knowledge
 * distillation. Teacher feature locations of all pyramid levels are split into K subspaces by k-means over a small
 * descriptor (receptive-field scale, position, optionally ground-truth object scale and a feature summary; see
 * {@link io.hdkd.plugin.kmeans.LocationDescriptors}); each subspace later gets its own distillation sub-network and a
 * loss weight.
 */
package io.hdkd.plugin.kmeans;
