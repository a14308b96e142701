/**
 * The CornerNet head plugin: {@link io.hdkd.plugin.cornernet.CornerNetHead} detects objects as pairs of corner
 * keypoints on one feature level. Corner pooling ({@link io.hdkd.plugin.cornernet.CornerPooling}), targets
 * ({@code CornerTargets}), losses ({@code CornerLosses}), decoding ({@code CornerDecoder}) and box NMS
 * ({@code BoxNms}) each live in their own class.
 */
package io.hdkd.plugin.cornernet;
