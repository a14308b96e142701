/**
 * Backbone weights in and out of hdkd.
 *
 * <ul>
 *   <li>{@link io.hdkd.core.weights.WeightImport}: a PyTorch state dict ({@code .npz} / {@code .safetensors}) into a
 *       backbone, by {@link io.hdkd.api.Backbone#stateDictNames()}; {@code fc.*} and {@code num_batches_tracked} are
 *       skipped, every other misfit (missing, unexpected, mis-shaped) is listed in one InvalidInputException and
 *       nothing is written.
 *   <li>{@link io.hdkd.core.weights.WeightExport}: back out under the same names, bit-exact.
 *   <li>{@link io.hdkd.core.weights.BackboneCheckpoint}: hdkd's checkpoint folder ({@code checkpoint.json} +
 *       {@code parameters.safetensors} keyed by DJL parameter paths), what {@code model.backbone.weights} names.
 *   <li>{@link io.hdkd.core.weights.BackboneRunner}: a backbone in inference mode on an image {@code .npy}, levels to
 *       a tensor file (for {@code hdkd backbone run}).
 *   <li>{@link io.hdkd.core.weights.ParameterSummary}: trainable / frozen / BatchNorm-statistics element counts.
 * </ul>
 *
 * <p>Typical import: build the backbone, initialise its block ({@code block.initialize(manager, FLOAT32, 1x3x64x64)};
 * parameter shapes do not depend on the image size), {@code WeightImport.importStateDict(backbone, file)}, then
 * {@code BackboneCheckpoint.save(backbone, dir, force)}.
 */
package io.hdkd.core.weights;
