/**
 * The CornerNet head plugin: {@link io.hdkd.plugin.cornernet.CornerNetHead} detects objects as pairs of corner
 * keypoints on one feature level. Corner pooling ({@link io.hdkd.plugin.cornernet.CornerPooling}), targets
 * ({@code CornerTargets}), losses ({@code CornerLosses}), and decoding ({@code CornerDecoder}, with
 * the api's {@link io.hdkd.api.head.BatchedNms}) each live in their own class.
 */
package io.hdkd.plugin.cornernet;
