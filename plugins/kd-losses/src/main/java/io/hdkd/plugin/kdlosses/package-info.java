/**
 * The {@code kd-losses} plugin: the classic distillation losses, and hdkd's own composite loss {@code hdkd}, as
 * {@link io.hdkd.api.DistillationLossFactory}s.
 *
 * <p>Every loss returns an unweighted scalar; the host applies {@code distill.loss.<id>.weight}. Teacher taps are
 * detached again inside the losses. The classic losses read neither partitions nor targets (except under
 * {@code mask = gt}, below); {@code hdkd}
 * ({@link io.hdkd.plugin.kdlosses.HdkdLoss}, docs/METHOD.md) reads the partition: per receptive-field subspace its own
 * grouped-conv adapter ({@link io.hdkd.plugin.kdlosses.SubspaceAdapter}, groups following
 * {@link io.hdkd.plugin.kdlosses.ChannelGrouping}), a learned combination, a squared error normalised within each
 * subspace, plus the {@code kl} soft targets when the heads agree.
 *
 * <ul>
 *   <li>{@code kl} (class outputs, same head type only): sigmoid outputs {@code N x A x C}:
 *       {@code T^2 * mean over (n, anchors, classes) of [p_t log(p_t/p_s) + (1-p_t) log((1-p_t)/(1-p_s))]},
 *       {@code p = sigmoid(z/T)}, from log-sigmoids; softmax outputs (classes on the last axis):
 *       {@code T^2 * mean over positions of KL(softmax(z_t/T) || softmax(z_s/T))}. Default T = 1;
 *       {@code level-reduction = pooled} (default: one mean over the anchors of all outputs), {@code mean} or
 *       {@code sum} over per-output means.</li>
 *   <li>{@code fitnet}: {@code mean over (N, C, H, W) of (A(s) - t)^2}, A a 1x1 conv + BN (every level by default).
 *       Scale: the teacher features' squared magnitude.</li>
 *   <li>{@code pkd}: per channel standardise s and t over (N, H, W) (biased variance, eps 1e-6), then
 *       {@code mean((s' - t')^2) / 2 = 1 - mean_c Pearson r_c}, in [0, 2]. MMRazor divides by the unbiased std,
 *       which scales the same value by (n-1)/n for n = N*H*W.</li>
 *   <li>{@code cwd}: {@code tau^2 / (N*C) * sum over (n, c) of KL(softmax(t_nc / tau) || softmax(s_nc / tau))}, the
 *       softmax over the H*W positions; between 0 and about {@code tau^2 log(H*W)}.</li>
 *   <li>{@code ld} (box regression, same head type only, {@link io.hdkd.plugin.kdlosses.LocalizationLoss}): L1 or
 *       smooth L1 between student and teacher box deltas at the anchors where the teacher is confident, weighted by
 *       its score.</li>
 * </ul>
 * {@code fitnet}, {@code pkd} and {@code hdkd} take {@code mask = gt}: FGD's foreground-aware imitation
 * ({@link io.hdkd.plugin.kdlosses.FocalImitation}), the one place where they read the ground truth.
 * Feature losses are computed per teacher level in {@code levels} (a mean, never a sum over pixels), on the student
 * level of equal stride (or the nearest, resized bilinearly to the teacher's size), adapted by a 1x1 conv where the
 * channels differ ({@code adapter = auto}); the level losses are averaged ({@code level-reduction = mean}) or summed.
 * The adapters of one loss form ONE block, {@link io.hdkd.plugin.kdlosses.FeatureAdapters}: see there for how the
 * host initialises, trains and drops it.
 */
package io.hdkd.plugin.kdlosses;
