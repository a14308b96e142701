package io.hdkd.api;

/**
 * How one image of a batch relates to its original: the network input holds the original resized by
 * ({@code scaleX}, {@code scaleY}) at the top-left corner, padded to the batch size. Decoding divides by the scales
 * and clips to the original size.
 */
public record ImageMeta(long imageId, int width, int height, float scaleX, float scaleY) {}
