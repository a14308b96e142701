/**
 * The CornerNet head plugin: {@link io.hdkd.plugin.cornernet.CornerNetHead} detects objects as pairs of corner
 * keypoints on one feature level. Corner pooling ({@link io.hdkd.plugin.cornernet.CornerPooling}), targets
 * ({@code CornerTargets}), losses ({@code CornerLosses}), and decoding ({@code CornerDecoder}, with
 * the api's {@link io.hdkd.api.head.BatchedNms}) each live in their own class. It trains with hdkd's trainer, evaluator and CLI like any head:
 * only {@code model.head.*} changes.
 *
 * <p><b>Which level.</b> One FPN level, {@code p3} (stride 8), by default. The paper predicts at stride 4 from an
 * Hourglass-104; hdkd's students are small and train on CPUs, where a CornerNet step costs in proportion to the corner
 * map: the C-channel heatmaps, their focal loss over every cell, the corner pooling (whose fast form grows with
 * H·W·(H+W)) and the K×K pairing all shrink 4-8× from stride 4 to stride 8. Accuracy gives up less than the grid
 * suggests: corner pooling reads a whole row and column whatever the stride, the offsets recover the sub-cell corner
 * position, and p3 of an FPN already carries the top-down semantics of p4/p5 (CornerNet-Lite likewise shows that
 * lighter backbones and coarser inputs still work). Why one level and not several: a corner pair must be grouped by
 * embeddings on one map; pairs across levels would need cross-level matching that CornerNet does not define. Objects
 * under about two cells (16 px at stride 8) are the ones that suffer: for those, add {@code p2} to the FPN's levels
 * and set {@code model.head.level = p2} (stride 4), at about 4× the head's cost.
 */
package io.hdkd.plugin.cornernet;
